package authgo

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/input"
	"golang.org/x/text/unicode/norm"
)

// inputRulesOf returns the input rules of p, defaults filled.
func inputRulesOf(p CredentialsProvider) input.Rules {
	var in input.Rules
	if r, ok := p.(input.Provider); ok {
		in = r.InputRules()
	}
	return in.WithDefaults()
}

// providerEmail returns the canonical form of an email address an identity
// provider vouches for, or "" for none. The provider verified the string
// it sent: one that NFKC changes beyond case, surrounding space and
// canonically equivalent forms (full-width letters, a full-width ＠,
// ligatures, circled or mathematical letters) is another string than the
// one authgo would store, so it is refused rather than folded into the
// address of an existing user, or stored as a look-alike of one.
func providerEmail(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	addr, ok := email.Normalize(raw)
	if !ok {
		return "", errors.New("the profile's email address is not a plain address")
	}
	if addr != strings.ToLower(strings.TrimSpace(norm.NFC.String(raw))) {
		return "", errors.New("the profile's email address holds look-alike characters that NFKC folds (full-width, ligature, …)")
	}
	return addr, nil
}

// validateCredentials checks the fields of a credentials sign-in by their
// declared type under the rules in: a value that Authorize should receive
// changed (a normalised email) is replaced in creds. It returns a message
// per invalid field, or nil. The messages speak only of syntax, never of
// whether an account exists.
func validateCredentials(fields []Field, in input.Rules, creds Credentials) map[string]string {
	var errs map[string]string
	for _, f := range fields {
		v := creds[f.Name]
		var msg string
		switch f.Type {
		case "email":
			v, msg = checkEmail(in, f, v)
		case "password":
			msg = checkPassword(in, f, v)
		default:
			msg = checkRequired(f, v, "Fill in this field.")
		}
		if msg != "" {
			if errs == nil {
				errs = map[string]string{}
			}
			errs[f.Name] = msg
		} else if v != creds[f.Name] {
			creds[f.Name] = v
		}
	}
	return errs
}

// checkEmail returns the value Authorize receives for an email field under
// the rules in, or a message saying what is wrong with it.
func checkEmail(in input.Rules, f Field, v string) (string, string) {
	if in.Email == input.EmailAsIs {
		return v, checkRequired(f, v, "Enter your email address.")
	}
	if strings.TrimSpace(v) == "" {
		return v, "Enter your email address."
	}
	e, ok := email.Normalize(v)
	switch {
	case !ok:
		return v, "Enter an email address like name@example.com."
	case in.Email == input.EmailChecked:
		return v, ""
	}
	return e, ""
}

// checkPassword returns a message saying what is wrong with the value of
// a password field under the rules in, or "".
func checkPassword(in input.Rules, f Field, v string) string {
	switch {
	case v == "" && (f.Required || in.MinPasswordLen > 0):
		return "Enter your password."
	case utf8.RuneCountInString(v) < in.MinPasswordLen:
		return fmt.Sprintf("Passwords have at least %d characters.", in.MinPasswordLen)
	case len(v) > in.MaxPasswordLen:
		return fmt.Sprintf("Passwords have at most %d bytes.", in.MaxPasswordLen)
	}
	return ""
}

// checkRequired returns msg when a required field is blank.
func checkRequired(f Field, v, msg string) string {
	if f.Required && strings.TrimSpace(v) == "" {
		return msg
	}
	return ""
}
