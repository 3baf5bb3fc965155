package authgo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/authgo/authgo/adapter"
)

// Revocation: sign-out and "sign out everywhere" for both session
// strategies.
//
// Database sessions are rows: revoking deletes them. JWT sessions live in
// cookies the server cannot reach, so the store (adapter.RevocationStore and
// adapter.SessionRevocationStore: the SQL, memory or Redis adapter) keeps
// two things:
//
//   - each user's revocation epoch (RevokeUserSessions): a token whose
//     sign-in time (the auth_time claim, kept across refreshes; iat for
//     tokens without it) is not after its user's epoch is refused;
//   - each signed-out session (POST /signout, Auth.SignOut): one small row
//     or key holding the session's id until its last token has expired,
//     then swept (DeleteExpired for the SQL and memory adapters, a TTL in
//     Redis). Every token carries its session's id in the session_id claim,
//     set at sign-in and kept when a read re-issues the token, so the
//     sign-out refuses the older, rotated cookies of the session too, not
//     only the one it was given.
//
// Checking the store on every request would cost a read per request. It is
// avoided with global watermarks: every revocation of a user also moves the
// epoch of the reserved user id "*", and every sign-out that of "*signout",
// to the latest time a token of the revoked user or session began. A token
// that began after both watermarks cannot be revoked, and is accepted with
// no further read; only older tokens look up their user's epoch or their
// session id. The watermarks, the epochs and the session answers are cached
// in process for RevocationConfig.CacheTTL (default one second; a revoked
// session stays cached as revoked): the instance that revokes updates its
// cache at once, so the next request there is refused; other instances
// refuse the token within CacheTTL. When sign-outs are frequent the
// sign-out watermark is usually recent, and a read then costs one lookup of
// its session id per CacheTTL and instance — a primary-key read, like a
// database session with Session.CacheTTL.
//
// When the store cannot be read, a read fails with an error (GET /session
// answers 503) rather than accept a token it cannot check; when a sign-out
// cannot be recorded, the sign-out fails (SignOutError) and keeps the
// cookie, so the user knows and can try again.

// RevocationConfig configures JWT revocation.
type RevocationConfig struct {
	// Store keeps the revocation epochs and, when it implements
	// adapter.SessionRevocationStore as the SQL, memory and Redis adapters
	// do, the signed-out sessions. Default: the Adapter, when it
	// implements adapter.RevocationStore. Without one, JWTs cannot be
	// revoked: RevokeUserSessions deletes database sessions only, and
	// sign-out of a JWT session only clears the cookie (a copy of it stays
	// valid until it expires), as it also does with a store that is no
	// SessionRevocationStore (New then logs a warning).
	Store adapter.RevocationStore
	// CacheTTL is how long an epoch, or a session found not revoked, read
	// from the store is trusted. Default 1s.
	CacheTTL time.Duration
}

const (
	watermarkUser    = "*"
	watermarkSignOut = "*signout"
)

// revokedSessionMargin is added to the life of a signed-out session's
// record: the codec's clock tolerance, and a read in flight during the
// sign-out that re-issues the token once more.
const revokedSessionMargin = time.Minute

type epochEntry struct {
	epoch   time.Time
	fetched time.Time
}

type sessionEntry struct {
	revoked bool
	fetched time.Time
}

type revocations struct {
	store    adapter.RevocationStore
	signOuts adapter.SessionRevocationStore // nil when store records none
	ttl      time.Duration
	mu       sync.Mutex
	cache    map[string]epochEntry
	ids      map[string]sessionEntry // by session id
}

func newRevocations(c Config) *revocations {
	r := &revocations{store: c.Revocation.Store, ttl: c.Revocation.CacheTTL, cache: map[string]epochEntry{}, ids: map[string]sessionEntry{}}
	if r.store == nil {
		r.store, _ = c.Adapter.(adapter.RevocationStore)
	}
	r.signOuts, _ = r.store.(adapter.SessionRevocationStore)
	if r.store != nil && r.signOuts == nil && c.Session.Strategy == StrategyJWT {
		c.Logger.Warn("authgo: the revocation store does not record sign-outs (adapter.SessionRevocationStore): signing out of a JWT session only clears the cookie, and a copy of it stays valid until it expires", "store", fmt.Sprintf("%T", r.store))
	}
	if r.ttl <= 0 {
		r.ttl = time.Second
	}
	return r
}

// maxCached bounds each cache; when full it is emptied (the store is the
// truth).
const maxCached = 100_000

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
	r.set(userID, t, now)
	return t, nil
}

// set caches the epoch of userID, never moving a cached epoch back.
func (r *revocations) set(userID string, t, now time.Time) {
	r.mu.Lock()
	if len(r.cache) > maxCached {
		clear(r.cache)
	}
	if e, ok := r.cache[userID]; ok && e.epoch.After(t) {
		t = e.epoch
	}
	r.cache[userID] = epochEntry{epoch: t, fetched: now}
	r.mu.Unlock()
}

// startAfterEpoch is the start time to record, in units of unit, for a
// session or pending sign-in of userID begun at now: now, or the first unit
// after the user's revocation epoch when this instance revoked the user's
// sessions within that unit. A token is refused when it began at or before
// the epoch, so without this the session a password reset issues right
// after ending every other session could be refused as one of them.
func (r *revocations) startAfterEpoch(userID string, now time.Time, unit time.Duration) time.Time {
	r.mu.Lock()
	e, ok := r.cache[userID]
	r.mu.Unlock()
	if !ok || now.Truncate(unit).After(e.epoch) {
		return now
	}
	return e.epoch.Truncate(unit).Add(unit)
}

// sessionRevoked reports whether the session id was signed out: a cached
// yes is kept, a cached no trusted for the TTL.
func (r *revocations) sessionRevoked(ctx context.Context, id string, now time.Time) (bool, error) {
	r.mu.Lock()
	e, ok := r.ids[id]
	r.mu.Unlock()
	if ok && (e.revoked || now.Sub(e.fetched) < r.ttl) {
		return e.revoked, nil
	}
	revoked, err := r.signOuts.SessionRevoked(ctx, id)
	if err != nil {
		return false, err
	}
	r.setSession(id, revoked, now)
	return revoked, nil
}

func (r *revocations) setSession(id string, revoked bool, now time.Time) {
	r.mu.Lock()
	if len(r.ids) > maxCached {
		clear(r.ids)
	}
	r.ids[id] = sessionEntry{revoked: revoked, fetched: now}
	r.mu.Unlock()
}

// tokenRevoked reports whether a JWT was signed in before its user's
// revocation epoch, or belongs to a session that was signed out.
func (a *Auth) tokenRevoked(ctx context.Context, t *Token) (bool, error) {
	rv := a.revocations
	if rv.store == nil {
		return false, nil
	}
	now := a.now()
	signedIn := tokenSignInTime(t)
	revoked, err := rv.userRevoked(ctx, t.Subject, signedIn, now)
	if err == nil && !revoked {
		revoked, err = rv.signedOut(ctx, tokenSessionID(t), signedIn, now)
	}
	if err != nil {
		return false, &Error{Type: SessionTokenError, Err: err}
	}
	return revoked, nil
}

// userRevoked reports whether a token of userID signed in at signedIn is
// older than the user's revocation epoch.
func (r *revocations) userRevoked(ctx context.Context, userID string, signedIn, now time.Time) (bool, error) {
	if userID == "" {
		return false, nil
	}
	if wm, err := r.epoch(ctx, watermarkUser, now); err != nil || signedIn.After(wm) {
		return false, err
	}
	epoch, err := r.epoch(ctx, userID, now)
	return err == nil && !signedIn.After(epoch), err
}

// signedOut reports whether the session id, which began at signedIn, was
// signed out.
func (r *revocations) signedOut(ctx context.Context, id string, signedIn, now time.Time) (bool, error) {
	if r.signOuts == nil || id == "" {
		return false, nil
	}
	if wm, err := r.epoch(ctx, watermarkSignOut, now); err != nil || signedIn.After(wm) {
		return false, err
	}
	return r.sessionRevoked(ctx, id, now)
}

// revokeSession records the sign-out of the session of t, so that every
// token of it — t, and the older and newer cookies re-issued from the same
// sign-in — is refused. The record lives until the last of them has
// expired. Without a store that records sign-outs it does nothing.
func (a *Auth) revokeSession(ctx context.Context, t *Token) error {
	rv := a.revocations
	id := tokenSessionID(t)
	if rv.signOuts == nil || id == "" {
		return nil
	}
	now := a.now()
	until := now.Add(a.cfg.Session.MaxAge)
	if exp := time.Unix(t.ExpiresAt, 0); exp.After(until) {
		until = exp
	}
	if err := rv.signOuts.RevokeSession(ctx, id, until.Add(revokedSessionMargin)); err != nil {
		return err
	}
	// The watermark covers the session's start even if this instance's
	// clock is behind the one that signed the user in.
	wm := now
	if start := tokenSignInTime(t); start.After(wm) {
		wm = start
	}
	if err := rv.store.RevokeUserTokens(ctx, watermarkSignOut, wm); err != nil {
		return err
	}
	rv.setSession(id, true, now)
	rv.set(watermarkSignOut, wm, now)
	return nil
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
	if err := a.distrustDevices(ctx, userID); err != nil {
		return n, err
	}
	a.sessionCache.forgetUser(userID)
	if !did {
		return 0, errors.New("authgo: cannot revoke sessions: the adapter neither deletes user sessions nor stores revocations")
	}
	return n, nil
}
