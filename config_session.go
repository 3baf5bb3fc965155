package authgo

import "time"

// SessionStrategy is where sessions live.
type SessionStrategy string

// The session strategies.
const (
	// StrategyJWT keeps the session in an encrypted cookie (Auth.js's "jwt").
	StrategyJWT SessionStrategy = "jwt"
	// StrategyDatabase keeps sessions in the adapter; the cookie holds a
	// random session token.
	StrategyDatabase SessionStrategy = "database"
)

// SessionConfig configures sessions.
type SessionConfig struct {
	// Strategy is StrategyJWT (default without an Adapter) or
	// StrategyDatabase (default with one, as Auth.js).
	Strategy SessionStrategy
	// MaxAge is how long an idle session lives. Default 30 days. Each read
	// slides it forward.
	MaxAge time.Duration
	// MaxAuthAge is the absolute lifetime of a session: however often it
	// is read, a session signed in longer ago than this reads as signed out
	// (its cookie is cleared, a database row deleted) and the user must
	// sign in again. Default 0: no limit, as in Auth.js, where reads slide
	// a session forward for ever. The start is the auth_time claim of a JWT
	// (set at sign-in, kept on every re-issue) or the CreatedAt of a
	// database session; cookies and rows are never given an expiry past
	// it. A JWT without auth_time (issued by Next.js) counts from its iat
	// the first time authgo reads it (it is given that auth_time), one
	// with neither claim, and a database row without a creation time, as
	// already expired.
	//
	// OWASP ASVS 3.3.2 asks for re-authentication within 30 days at level
	// 1 (MaxAuthAge 30 days), and within 12 hours or 30 minutes idle at
	// level 2 (MaxAuthAge 12 hours, MaxAge 30 minutes).
	MaxAuthAge time.Duration
	// UpdateAge is how often a database session's expiry is written back.
	// Default 24 hours. JWT sessions use JWTUpdateAge.
	UpdateAge time.Duration
	// JWTUpdateAge is how often reads re-issue a JWT session cookie: a read
	// encrypts the token again, with a new exp MaxAge ahead, only when the
	// token in the cookie was issued at least this long ago, when a JWT
	// callback changed its content, on an update (POST /session,
	// Auth.UpdateSession) and when a cookie from NextAuth v4 or Next.js
	// lacks authgo's session claims. Other reads answer from the cookie as
	// it is (Session.Expires is then the token's own exp), which spares
	// the encryption and the Set-Cookie header on most requests: an active
	// session's idle expiry lags by at most this much. Default: 1 minute,
	// or MaxAge/4 when that is shorter; it must be shorter than MaxAge. A
	// negative value re-issues on every read, as Auth.js does.
	JWTUpdateAge time.Duration
	// GenerateToken makes database session tokens. Default: 32 random
	// bytes, hex.
	GenerateToken func() string
	// RecordClientIP stores the client IP on database sessions (shown in
	// session lists). Off by default: an IP address is personal data.
	RecordClientIP bool
	// AcceptNextAuthV4 reads NextAuth v4 session cookies
	// (next-auth.session-token, JWE A256GCM) when a request has no v5
	// one, and replaces them with v5 cookies: an app upgrading from
	// next-auth v4 keeps its users signed in. JWT strategy only.
	AcceptNextAuthV4 bool
	// CacheTTL keeps database session lookups in process this long (e.g.
	// 2s) to spare the database on busy apps. Sign-out and revocation
	// through this Auth drop entries at once; other instances within the
	// TTL. Default 0: no cache.
	CacheTTL time.Duration
}

// normalize fills the session defaults and checks them; hasAdapter tells
// whether Config.Adapter is set.
func (s *SessionConfig) normalize(hasAdapter bool) error {
	if s.Strategy == "" {
		s.Strategy = StrategyJWT
		if hasAdapter {
			s.Strategy = StrategyDatabase
		}
	}
	switch s.Strategy {
	case StrategyJWT:
	case StrategyDatabase:
		if !hasAdapter {
			return configErr("Session.Strategy is database but there is no Adapter to keep sessions in: set Config.Adapter, or use StrategyJWT")
		}
	default:
		return configErr("Session.Strategy %q is unknown; use %q or %q", s.Strategy, StrategyJWT, StrategyDatabase)
	}
	if s.MaxAge < 0 || s.UpdateAge < 0 || s.MaxAuthAge < 0 {
		return configErr("Session.MaxAge, Session.UpdateAge and Session.MaxAuthAge must not be negative")
	}
	if s.MaxAge == 0 {
		s.MaxAge = defaultMaxAge
	}
	if s.UpdateAge == 0 {
		s.UpdateAge = defaultUpdateAge
	}
	if s.JWTUpdateAge == 0 {
		s.JWTUpdateAge = min(defaultJWTUpdateAge, s.MaxAge/4)
	}
	if s.JWTUpdateAge >= s.MaxAge {
		return configErr("Session.JWTUpdateAge (%v) must be shorter than Session.MaxAge (%v): a session read again and again would still expire", s.JWTUpdateAge, s.MaxAge)
	}
	if s.GenerateToken == nil {
		s.GenerateToken = randomToken
	}
	return nil
}
