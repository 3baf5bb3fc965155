package authgo

import (
	"errors"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Input limits of credentials sign-in.
const (
	maxEmailBytes  = 254  // RFC 5321 path limit, less the angle brackets
	minPasswordLen = 8    // characters
	maxPasswordLen = 1024 // bytes, as password.MaxLength
)

// NormalizeEmail returns the canonical form of an email address as the
// user typed it: NFKC-normalised, trimmed and lower-cased, as Auth.js
// normalises the identifiers of its email provider, so "Ada@Example.COM "
// and "ada@example.com" name one account. NFKC comes before any check, so
// full-width letters and a full-width ＠ are folded first (the bypass of
// Auth.js advisory GHSA-7rqj-j65f-68wh). ok is false when the result is
// not a plain address (local@domain, no display name, no quotes, no
// comments) of at most 254 bytes.
//
// authgo uses it on every path that stores or looks up an address:
// credentials fields of type email, the users Authorize returns, OAuth
// profiles (see Auth.Handler) and the rate-limit identifier.
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
	return s, true
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
// declared type: an email field is normalised in place (Authorize receives
// the canonical address) and must be a plain address; a password field
// must hold 8 to 1024 bytes. It returns a message per invalid field, or nil.
// The messages speak only of syntax, never of whether an account exists.
func validateCredentials(fields []Field, creds Credentials) map[string]string {
	var errs map[string]string
	add := func(name, msg string) {
		if errs == nil {
			errs = map[string]string{}
		}
		errs[name] = msg
	}
	for _, f := range fields {
		v := creds[f.Name]
		switch f.Type {
		case "email":
			if strings.TrimSpace(v) == "" {
				add(f.Name, "Enter your email address.")
				continue
			}
			e, ok := NormalizeEmail(v)
			if !ok {
				add(f.Name, "Enter an email address like name@example.com.")
				continue
			}
			creds[f.Name] = e
		case "password":
			switch {
			case v == "":
				add(f.Name, "Enter your password.")
			case utf8.RuneCountInString(v) < minPasswordLen:
				add(f.Name, "Passwords have at least 8 characters.")
			case len(v) > maxPasswordLen:
				add(f.Name, "Passwords have at most 1024 bytes.")
			}
		default:
			if f.Required && strings.TrimSpace(v) == "" {
				add(f.Name, "Fill in this field.")
			}
		}
	}
	return errs
}
