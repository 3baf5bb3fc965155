package authgo

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxEmailBytes is the longest address NormalizeEmail accepts: RFC 5321's
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
// must hold a plain address and Authorize receives its NormalizeEmail form
// (NFKC, trimmed, lower case); a field of type "password" must hold at
// least 8 characters and at most 1024 bytes. An app signing in the users of an
// existing backend (shorter passwords, case-sensitive addresses) uses
// providers.InputAsIs, which passes every field through untouched.
//
// Whatever the rules: a field whose Field.Required is set must not be
// empty; no submitted value may exceed 1024 bytes (maxCredentialLen, as
// password.MaxLength); and the identifier that rate limits count and logs
// hash is folded as NormalizeEmail folds, so "Ada@Example.com" and
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
	// gives Authorize its NormalizeEmail form: "  Ada@Example.COM" arrives
	// as "ada@example.com". The default.
	EmailNormalized EmailInput = iota
	// EmailChecked refuses a value that is not a plain address (as
	// NormalizeEmail judges it) and gives Authorize the value as
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

// NormalizeEmail returns the canonical form of an email address as the
// user typed it: NFKC-normalised, trimmed and lower-cased, as Auth.js
// normalises the identifiers of its email provider, so "Ada@Example.COM "
// and "ada@example.com" name one account. NFKC comes before any check, so
// full-width letters and a full-width ＠ are folded first (the bypass of
// Auth.js advisory GHSA-7rqj-j65f-68wh). ok is false when the result is
// not a plain address (local@domain, no display name, no quotes, no
// comments) of at most 254 bytes, and for an address built to look like
// another: an invisible character, or mixed scripts in one part, such as a
// Cyrillic "а" in "exаmple.com" (see lookalike.go).
//
// authgo uses it on every path that stores or looks up an address: the
// users Authorize returns when the adapter stores them (database
// sessions), OAuth profiles (see Auth.Handler), the rate-limit identifier
// and, unless the provider's InputRules say otherwise, credentials fields
// of type email before Authorize receives them.
func NormalizeEmail(s string) (email string, ok bool) {
	s = foldIdentifier(s)
	if s == "" || len(s) > maxEmailBytes || !utf8.ValidString(s) || strings.ContainsAny(s, "\"(),:;<>[\\]") {
		return s, false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return s, false
		}
	}
	// net/mail knows RFC 5322's address syntax; the checks above already
	// refused its forms that are not a bare address.
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return s, false
	}
	local, domain, _ := strings.Cut(s, "@")
	if local == "" || len(local) > 64 || domain == "" || strings.Contains(domain, "@") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return s, false
	}
	return s, !lookalike(s)
}

// foldIdentifier is the one folding of emails and sign-in identifiers:
// NFKC, then trimmed and lower-cased.
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
	email, ok := NormalizeEmail(raw)
	if !ok {
		return "", errors.New("the profile's email address is not a plain address")
	}
	if email != strings.ToLower(strings.TrimSpace(norm.NFC.String(raw))) {
		return "", errors.New("the profile's email address holds look-alike characters that NFKC folds (full-width, ligature, …)")
	}
	return email, nil
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
	e, ok := NormalizeEmail(v)
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
