package authgo

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/authgo/authgo/email"
	"golang.org/x/text/unicode/norm"
)

// maxEmailBytes is the longest address email.Normalize accepts: RFC 5321's
// path limit, less the angle brackets.
const maxEmailBytes = 254

// InputRules are the checks the fields of a credentials sign-in pass
// before Authorize runs, by each field's declared Type. A field that fails
// one gets a message that speaks only of its syntax (the built-in sign-in
// page shows it beside the field; JSON clients get it in "fields"), the
// sign-in fails with CredentialsSignin and code "invalid_input", and
// Authorize never runs.
//
// The zero value is the default for new apps: a field of type "email"
// must hold a plain address and Authorize receives its email.Normalize form
// (NFKC, trimmed, lower case); a field of type "password" must hold at
// least 8 characters and at most 1024 bytes. An app signing in the users of an
// existing backend (shorter passwords, case-sensitive addresses) uses
// providers.InputAsIs, which passes every field through untouched.
//
// Whatever the rules: a field whose Field.Required is set must not be
// empty; no submitted value may exceed 1024 bytes (maxCredentialLen, as
// password.MaxLength); and the identifier that rate limits count and logs
// hash is folded as email.Normalize folds, so "Ada@Example.com" and
// "ada@example.com" share one budget even when Authorize receives them
// as typed.
type InputRules struct {
	// MinPasswordLen is the fewest characters (Unicode code points) a
	// field of type "password" must hold. Default 8; a negative value
	// sets no minimum beyond Field.Required.
	MinPasswordLen int
	// MaxPasswordLen is the most bytes a field of type "password" may
	// hold. Default 1024, which is also the most it may be set to
	// (password.MaxLength).
	MaxPasswordLen int
	// Email says what happens to a field of type "email". Default
	// EmailNormalized.
	Email EmailInput
}

// EmailInput says what a credentials sign-in does with a field of type
// "email" before Authorize runs.
type EmailInput int

const (
	// EmailNormalized refuses a value that is not a plain address and
	// gives Authorize its email.Normalize form: "  Ada@Example.COM" arrives
	// as "ada@example.com". The default.
	EmailNormalized EmailInput = iota
	// EmailChecked refuses a value that is not a plain address (as
	// email.Normalize judges it) and gives Authorize the value as
	// submitted, byte for byte: for a backend that compares addresses
	// case-sensitively but wants typos caught on the form.
	EmailChecked
	// EmailAsIs checks nothing and gives Authorize the value as
	// submitted.
	EmailAsIs
)

// Input limits of credentials sign-in that InputRules' zero value stands for.
const (
	defaultMinPasswordLen = 8    // characters
	maxPasswordLen        = 1024 // bytes, as password.MaxLength and maxCredentialLen
)

// Validate reports rules that cannot work: a MaxPasswordLen above 1024 or
// below 0, a MinPasswordLen above the maximum, an unknown Email value. A
// credentials provider that carries InputRules calls it from its own
// Validate, so New refuses such a configuration.
func (in InputRules) Validate() error {
	in = in.withDefaults()
	switch {
	case in.MaxPasswordLen < 0 || in.MaxPasswordLen > maxPasswordLen:
		return fmt.Errorf("MaxPasswordLen is %d; use 1 to %d bytes, or 0 for the default %[2]d", in.MaxPasswordLen, maxPasswordLen)
	case in.MinPasswordLen > in.MaxPasswordLen:
		return fmt.Errorf("MinPasswordLen %d is above MaxPasswordLen %d: no password could pass", in.MinPasswordLen, in.MaxPasswordLen)
	case in.Email < EmailNormalized || in.Email > EmailAsIs:
		//lint:ignore ST1005 the message continues the caller's field path (CredentialsConfig.Input.Email)
		return fmt.Errorf("Email is %d; use authgo.EmailNormalized, EmailChecked or EmailAsIs", in.Email)
	}
	return nil
}

// withDefaults fills the fields left zero.
func (in InputRules) withDefaults() InputRules {
	if in.MinPasswordLen == 0 {
		in.MinPasswordLen = defaultMinPasswordLen
	}
	if in.MaxPasswordLen == 0 {
		in.MaxPasswordLen = maxPasswordLen
	}
	return in
}

// CredentialsInputRules is implemented by credentials providers that set
// their own InputRules (providers.CredentialsConfig.Input does). Without
// it, the zero InputRules apply.
type CredentialsInputRules interface {
	InputRules() InputRules
}

// inputRulesOf returns the input rules of p, defaults filled.
func inputRulesOf(p CredentialsProvider) InputRules {
	var in InputRules
	if r, ok := p.(CredentialsInputRules); ok {
		in = r.InputRules()
	}
	return in.withDefaults()
}

// foldIdentifier folds a sign-in identifier as email.Normalize folds an
// address before its checks: NFKC, then trimmed and lower-cased.
func foldIdentifier(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
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
func validateCredentials(fields []Field, in InputRules, creds Credentials) map[string]string {
	var errs map[string]string
	for _, f := range fields {
		v := creds[f.Name]
		var msg string
		switch f.Type {
		case "email":
			v, msg = in.checkEmail(f, v)
		case "password":
			msg = in.checkPassword(f, v)
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

// checkEmail returns the value Authorize receives for an email field, or
// a message saying what is wrong with it.
func (in InputRules) checkEmail(f Field, v string) (string, string) {
	if in.Email == EmailAsIs {
		return v, checkRequired(f, v, "Enter your email address.")
	}
	if strings.TrimSpace(v) == "" {
		return v, "Enter your email address."
	}
	e, ok := email.Normalize(v)
	switch {
	case !ok:
		return v, "Enter an email address like name@example.com."
	case in.Email == EmailChecked:
		return v, ""
	}
	return e, ""
}

// checkPassword returns a message saying what is wrong with the value of
// a password field, or "".
func (in InputRules) checkPassword(f Field, v string) string {
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
