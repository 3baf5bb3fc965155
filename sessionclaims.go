package authgo

import (
	"crypto/rand"
	"encoding/base64"
	"time"
)

// The claims that tie a JWT to its session across re-issues: when the user
// signed in (auth_time) and which session the token belongs to
// (session_id). Revocation (revocation.go), Session.MaxAuthAge and the
// second factor's step-up read them; every re-issue keeps them.

// authTimeClaim is the claim holding when the user signed in, in seconds
// with millisecond fraction. Unlike iat it survives the re-encoding of the
// token on every read.
const authTimeClaim = "auth_time"

// sessionIDClaim is the claim holding the id of the session a token belongs
// to: a random id set at sign-in (newSessionID) and, like auth_time, kept
// on every re-issue.
const sessionIDClaim = "session_id"

// newSessionID returns 128 random bits in base64url: 22 characters, as
// every session read decodes (and most re-encode) them.
func newSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tokenSignInTime is when the token's session began: auth_time, else iat
// (the Unix epoch for a token with neither, which every check treats as
// too old).
func tokenSignInTime(t *Token) time.Time {
	if at := tokenAuthTime(t); !at.IsZero() {
		return at
	}
	return time.Unix(t.IssuedAt, 0)
}

// tokenAuthTime is the auth_time claim of t; zero when it has none.
func tokenAuthTime(t *Token) time.Time {
	if v, ok := t.Extra[authTimeClaim].(float64); ok && v > 0 {
		return time.UnixMilli(int64(v * 1000))
	}
	return time.Time{}
}

// tokenSessionID is the id of the session t belongs to (see
// adoptSessionClaims).
func tokenSessionID(t *Token) string {
	s, _ := t.Extra[sessionIDClaim].(string)
	return s
}

// adoptSessionClaims gives a token that lacks them — one issued by Next.js
// (Auth.js sets neither claim) or by another encoder with the secret — a
// session id and a sign-in time, so that the tokens re-issued from it can
// be revoked with it and are bounded by Session.MaxAuthAge:
//
//   - session_id: the token's jti (Auth.js and authgo always set one), else
//     a hash of the token itself. Signing out such a token, or any token
//     re-issued from it, revokes that id, so both are refused. An older
//     token that Next.js issued before this one has another jti and cannot
//     be told apart from a different session: it stays valid until it
//     expires (give the claim to Next.js's tokens to avoid this: see the
//     README).
//   - auth_time: the token's iat, the earliest time this session is known
//     to have existed; nothing when there is no iat (such a token counts as
//     signed in at the Unix epoch, so it is expired when MaxAuthAge is set).
//
// It reports whether it gave t a claim.
func adoptSessionClaims(t *Token, raw string) bool {
	_, hasID := t.Extra[sessionIDClaim].(string)
	_, hasTime := t.Extra[authTimeClaim].(float64)
	if hasID && hasTime {
		return false
	}
	if t.Extra == nil {
		t.Extra = map[string]any{}
	}
	if !hasID {
		id := t.ID
		if id == "" {
			id = sessionID(raw)
		}
		t.Extra[sessionIDClaim] = id
	}
	if !hasTime && t.IssuedAt > 0 {
		t.Extra[authTimeClaim] = float64(t.IssuedAt)
	}
	return true
}

// keepSessionClaims copies the session id, sign-in time and amr of the token a
// JWT callback was given onto the token it returned: they are authgo's
// bookkeeping, and a callback that builds a fresh token must not reset the
// session's age or escape its sign-out.
func keepSessionClaims(from, to *Token) {
	if to == nil || to == from {
		return
	}
	if to.Extra == nil {
		to.Extra = map[string]any{}
	}
	for _, k := range []string{authTimeClaim, sessionIDClaim, amrClaim} {
		if v, ok := from.Extra[k]; ok {
			to.Extra[k] = v
		} else {
			delete(to.Extra, k)
		}
	}
}
