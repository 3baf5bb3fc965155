package authgo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/cookie"
)

// Revocation: "sign out everywhere" for both session strategies.
//
// Database sessions are rows: revoking deletes them. JWT sessions live in
// cookies the server cannot reach, so each user has a revocation epoch in a
// store (adapter.RevocationStore: the SQL, memory or Redis adapter): a token
// whose sign-in time (the auth_time claim, kept across refreshes; iat for
// tokens without it) is not after its user's epoch is refused.
//
// Checking the store on every request would cost a read per request. It is
// avoided with a global watermark: every revocation also moves the epoch of
// the reserved user id "*", the time of the latest revocation of anyone. A
// token signed in after the watermark cannot be revoked, and is accepted
// with no further read; only tokens older than the watermark look up their
// user's epoch. The watermark and the per-user epochs are cached in process
// for RevocationConfig.CacheTTL (default one second): the instance that
// revokes updates its cache at once, so the next request there is refused;
// other instances refuse the token within CacheTTL.

// RevocationConfig configures JWT revocation.
type RevocationConfig struct {
	// Store keeps the revocation epochs. Default: the Adapter, when it
	// implements adapter.RevocationStore. Without one, JWTs cannot be
	// revoked and RevokeUserSessions deletes database sessions only.
	Store adapter.RevocationStore
	// CacheTTL is how long an epoch read from the store is trusted.
	// Default 1s.
	CacheTTL time.Duration
}

const watermarkUser = "*"

// authTimeClaim is the claim holding when the user signed in, in seconds
// with millisecond fraction. Unlike iat it survives the re-encoding of the
// token on every read.
const authTimeClaim = "auth_time"

type epochEntry struct {
	epoch   time.Time
	fetched time.Time
}

type revocations struct {
	store adapter.RevocationStore
	ttl   time.Duration
	mu    sync.Mutex
	cache map[string]epochEntry
}

func newRevocations(c Config) *revocations {
	r := &revocations{store: c.Revocation.Store, ttl: c.Revocation.CacheTTL, cache: map[string]epochEntry{}}
	if r.store == nil {
		r.store, _ = c.Adapter.(adapter.RevocationStore)
	}
	if r.ttl <= 0 {
		r.ttl = time.Second
	}
	return r
}

// epoch returns the revocation epoch of userID, from the cache while it is
// fresh.
func (r *revocations) epoch(ctx context.Context, userID string, now time.Time) (time.Time, error) {
	r.mu.Lock()
	e, ok := r.cache[userID]
	r.mu.Unlock()
	if ok && now.Sub(e.fetched) < r.ttl {
		return e.epoch, nil
	}
	t, err := r.store.TokensRevokedBefore(ctx, userID)
	if err != nil {
		return time.Time{}, err
	}
	r.mu.Lock()
	if len(r.cache) > 100_000 {
		clear(r.cache) // bounded; the store is the truth
	}
	r.cache[userID] = epochEntry{epoch: t, fetched: now}
	r.mu.Unlock()
	return t, nil
}

func (r *revocations) set(userID string, t, now time.Time) {
	r.mu.Lock()
	r.cache[userID] = epochEntry{epoch: t, fetched: now}
	r.mu.Unlock()
}

// tokenSignInTime is when the token's session began.
func tokenSignInTime(t *Token) time.Time {
	if v, ok := t.Extra[authTimeClaim].(float64); ok && v > 0 {
		return time.UnixMilli(int64(v * 1000))
	}
	return time.Unix(t.IssuedAt, 0)
}

// tokenRevoked reports whether a JWT was signed in before its user's
// revocation epoch.
func (a *Auth) tokenRevoked(ctx context.Context, t *Token) (bool, error) {
	rv := a.revocations
	if rv.store == nil || t.Subject == "" {
		return false, nil
	}
	now := a.now()
	signedIn := tokenSignInTime(t)
	wm, err := rv.epoch(ctx, watermarkUser, now)
	if err != nil {
		return false, &Error{Type: SessionTokenError, Err: err}
	}
	if signedIn.After(wm) {
		return false, nil
	}
	epoch, err := rv.epoch(ctx, t.Subject, now)
	if err != nil {
		return false, &Error{Type: SessionTokenError, Err: err}
	}
	return !signedIn.After(epoch), nil
}

// RevokeUserSessions signs userID out everywhere: it deletes the user's
// database sessions (when the adapter can) and moves the user's JWT
// revocation epoch to now (when there is a revocation store), so every
// token issued so far is refused. It returns the number of database
// sessions deleted. It is an error only when neither is possible or a
// store fails.
func (a *Auth) RevokeUserSessions(ctx context.Context, userID string) (int64, error) {
	if userID == "" {
		return 0, errors.New("authgo: RevokeUserSessions needs a user id")
	}
	did := false
	var n int64
	if d, ok := a.cfg.Adapter.(adapter.UserSessionsDeleter); ok {
		var err error
		if n, err = d.DeleteUserSessions(ctx, userID); err != nil {
			return 0, err
		}
		did = true
	}
	if rv := a.revocations; rv.store != nil {
		now := a.now()
		if err := rv.store.RevokeUserTokens(ctx, userID, now); err != nil {
			return n, err
		}
		if err := rv.store.RevokeUserTokens(ctx, watermarkUser, now); err != nil {
			return n, err
		}
		rv.set(userID, now, now)
		rv.set(watermarkUser, now, now)
		did = true
	}
	a.sessionCache.forgetUser(userID)
	if !did {
		return 0, errors.New("authgo: cannot revoke sessions: the adapter neither deletes user sessions nor stores revocations")
	}
	return n, nil
}

// SessionInfo describes one database session of a user, for a "your
// sessions" page. ID identifies it without revealing its token.
type SessionInfo struct {
	ID         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Expires    time.Time
	UserAgent  string
	IP         string
	// Current is set for the session of the request passed to
	// ListUserSessions.
	Current bool
}

// sessionID is the public id of a session token.
func sessionID(token string) string {
	sum := sha256.Sum256([]byte("authgo-session-id:" + token))
	return hex.EncodeToString(sum[:12])
}

// ListUserSessions lists the unexpired database sessions of userID, newest
// first, marking the one r uses as Current. It needs database sessions and
// an adapter that implements adapter.SessionLister.
func (a *Auth) ListUserSessions(r *http.Request, userID string) ([]SessionInfo, error) {
	ctx := r.Context()
	currentToken := cookie.Value(r, a.newRequest(r).cookies.SessionToken.Name)
	l, ok := a.cfg.Adapter.(adapter.SessionLister)
	if !ok || a.cfg.Session.Strategy != StrategyDatabase {
		return nil, errors.New("authgo: listing sessions needs database sessions and an adapter that lists them")
	}
	rows, err := l.ListUserSessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	out := make([]SessionInfo, 0, len(rows))
	for _, s := range rows {
		out = append(out, SessionInfo{
			ID: sessionID(s.SessionToken), CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, Expires: s.Expires,
			UserAgent: s.UserAgent, IP: s.IP, Current: currentToken != "" && s.SessionToken == currentToken,
		})
	}
	return out, nil
}

// RevokeSession deletes one database session of userID, named by its
// SessionInfo.ID. A session of another user is never touched; an unknown
// id is not an error (it may have expired).
func (a *Auth) RevokeSession(ctx context.Context, userID, id string) error {
	l, ok := a.cfg.Adapter.(adapter.SessionLister)
	if !ok {
		return errors.New("authgo: revoking one session needs an adapter that lists sessions")
	}
	rows, err := l.ListUserSessions(ctx, userID)
	if err != nil {
		return err
	}
	for _, s := range rows {
		if sessionID(s.SessionToken) == id {
			if _, err := a.cfg.Adapter.DeleteSession(ctx, s.SessionToken); err != nil {
				return err
			}
			a.sessionCache.forget(s.SessionToken)
		}
	}
	return nil
}
