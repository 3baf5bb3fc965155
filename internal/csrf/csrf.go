// Package csrf implements the double-submit CSRF token of Auth.js: a random
// token kept in an HttpOnly cookie together with a hash that binds it to the
// server's secret, and submitted again in the body of every state-changing
// POST.
//
// The cookie value is "<token>|<hash>" where token is 32 random bytes in
// lowercase hex and hash is hex(SHA-256(token + secret)). With several
// secrets, secret is their comma-joined list, as JavaScript turns Auth.js's
// secret array into a string; that keeps tokens interchangeable with an
// @auth/core server that shares the configuration.
package csrf

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// tokenLen is the length of a token in hex characters (32 random bytes).
const tokenLen = 64

// Token is a CSRF token checked against a secret.
type Token struct {
	secret string
}

// New returns the CSRF token machinery for the given secrets, joined as
// Auth.js joins them.
func New(secrets []string) Token {
	return Token{secret: strings.Join(secrets, ",")}
}

func (t Token) hash(token string) string {
	sum := sha256.Sum256([]byte(token + t.secret))
	return hex.EncodeToString(sum[:])
}

// FromCookie returns the token of a cookie value whose hash checks out, and
// ok=false for a missing, malformed or forged cookie.
func (t Token) FromCookie(cookieValue string) (token string, ok bool) {
	tok, sum, found := strings.Cut(cookieValue, "|")
	if !found || len(tok) != tokenLen || len(sum) != 64 {
		return "", false
	}
	want := t.hash(tok)
	if subtle.ConstantTimeCompare([]byte(sum), []byte(want)) != 1 {
		return "", false
	}
	return tok, true
}

// Issue returns the token to hand to the client. When cookieValue already
// holds a valid token it is reused and newCookie is empty; otherwise a fresh
// token is made and newCookie is the value to set in the CSRF cookie.
func (t Token) Issue(cookieValue string) (token, newCookie string) {
	if tok, ok := t.FromCookie(cookieValue); ok {
		return tok, ""
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	tok := hex.EncodeToString(b[:])
	return tok, tok + "|" + t.hash(tok)
}

// Verify reports whether submitted, the token from a POST body, matches the
// token of a valid CSRF cookie. The comparison takes constant time.
func (t Token) Verify(cookieValue, submitted string) bool {
	tok, ok := t.FromCookie(cookieValue)
	if !ok || len(submitted) != len(tok) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(tok), []byte(submitted)) == 1
}

// CookieValue encodes a cookie value the way Auth.js writes it on the wire:
// the "|" separator percent-encoded, as encodeURIComponent does.
func CookieValue(v string) string { return strings.Replace(v, "|", "%7C", 1) }
