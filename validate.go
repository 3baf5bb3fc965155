package authgo

import (
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
// and "ada@example.com" name one account. ok is false when the result is
// not a plain address (local@domain, no display name, no quotes, no
// comments) of at most 254 bytes.
func NormalizeEmail(s string) (email string, ok bool) {
	s = strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
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
