package email

import (
	"errors"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authgo/authgo/internal/emailaddr"
)

// ErrInvalidAddress is returned by NormalizeIdentifier for input that is
// not one plain address.
var ErrInvalidAddress = errors.New("email: invalid email address")

// Normalize returns the canonical form of an email address as the user
// typed it: NFKC-normalised, trimmed and lower-cased, as Auth.js
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
// sessions), OAuth profiles (see authgo.Auth.Handler), the rate-limit
// identifier and, unless the provider's input rules say otherwise,
// credentials fields of type email before Authorize receives them.
func Normalize(s string) (address string, ok bool) {
	s = emailaddr.Fold(s)
	if s == "" || len(s) > emailaddr.MaxBytes || !utf8.ValidString(s) || strings.ContainsAny(s, "\"(),:;<>[\\]") {
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

// NormalizeIdentifier is the default Options.NormalizeIdentifier:
// Auth.js's normaliser with its 2026 fix — NFKC first (a full-width ＠ is
// folded before it is counted), lower case, trimmed; a '"' or more than one
// '@' is refused. Auth.js drops what follows a ',' in the domain; authgo
// refuses the address instead, and any that Normalize refuses. For a plain
// address the result is the one Auth.js stores, so both find the same
// user.
func NormalizeIdentifier(s string) (string, error) {
	f := emailaddr.Fold(s)
	if f == "" || strings.Count(f, "@") != 1 || strings.ContainsAny(f, "\",") {
		return "", ErrInvalidAddress
	}
	e, ok := Normalize(f)
	if !ok {
		return "", ErrInvalidAddress
	}
	return e, nil
}
