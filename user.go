package authgo

import (
	"maps"
	"time"

	"github.com/authgo/authgo/adapter"
)

// User is a person who signs in: what a provider's Authorize or profile
// mapping returns, and what an adapter stores. Role is authgo's addition for
// role-based access; it flows into the token and the session by default.
type User = adapter.User

// Account links a User to a provider: an OAuth account, the credentials
// provider, an email address. It carries the provider's tokens for OAuth.
type Account = adapter.Account

// Token is the payload of the session JWT: Auth.js's default claims (name,
// email, picture, sub), authgo's role, the registered claims that the codec
// sets (iat, exp, jti), and any further claims in Extra. It marshals to one
// flat JSON object, so a Next.js app with the same secret reads the same
// token, and Extra claims set there arrive here.
type Token struct {
	Subject   string // "sub": the user's id; written as "id" too (see AppendPayload)
	Name      string
	Email     string
	Picture   string
	Role      string
	IssuedAt  int64  // "iat", seconds
	ExpiresAt int64  // "exp", seconds
	ID        string // "jti"
	// Extra holds every other claim. Keys of the fields above are ignored
	// here when marshalling.
	Extra map[string]any
}

// Clone returns a copy of t whose Extra map can be changed without changing t.
func (t *Token) Clone() *Token {
	if t == nil {
		return nil
	}
	c := *t
	c.Extra = maps.Clone(t.Extra)
	return &c
}

// Session is what the client sees of a session: the JSON of GET /session,
// and what Auth.Session returns to a handler.
type Session struct {
	User    *SessionUser
	Expires time.Time
	// Error is set when the session is degraded, e.g. "RefreshTokenError"
	// after a provider token could not be refreshed.
	Error string
	// Extra holds further top-level members (set by a Session callback).
	Extra map[string]any
	// AMR says how the user proved who they are, as RFC 8176 "amr" values
	// (the constants of package amr): ["pwd","otp","mfa"] after a password
	// and an authenticator app code. Empty for a session issued by Auth.js, which
	// records none. With the second factor configured (TwoFactorConfig)
	// the session JSON carries it as "amr"; otherwise the JSON stays
	// exactly Auth.js's.
	AMR []string
	// AuthTime is when the user signed in (the token's auth_time; a
	// database session's creation time). With the second factor configured
	// the session JSON carries it as "auth_time", in seconds.
	AuthTime time.Time

	// Token is the decoded JWT behind a JWT-strategy session; nil for
	// database sessions. It is never sent to the client.
	Token *Token
	// UserRecord is the adapter's user behind a database session; nil for
	// JWT sessions. It is never sent to the client.
	UserRecord *User
}

// SessionUser is the user part of the session JSON.
type SessionUser struct {
	ID    string
	Name  string
	Email string
	Image string
	Role  string
	Extra map[string]any
}
