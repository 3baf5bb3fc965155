package adapter

import (
	"context"
	"errors"
	"reflect"
	"time"
)

// BaseStore is the part of an Adapter that keeps users, accounts and
// authenticators. Every Adapter is a BaseStore.
type BaseStore interface {
	UserStore
	AccountStore
	AuthenticatorStore
}

// Compose builds an Adapter that keeps users, accounts and authenticators in
// base and sessions and verification tokens in the given stores — for
// example users in PostgreSQL and sessions in Redis. A nil sessions or
// tokens store means base keeps them too, and base must then implement
// SessionStore or VerificationTokenStore; Compose panics when it does not,
// because that is a programming mistake.
//
// GetSessionAndUser is GetSession followed by GetUser: two round trips. A
// session whose user is gone is reported as no session.
//
// DeleteUser deletes from base and then deletes the user's sessions in the
// session store when that store is a UserSessionsDeleter. The result
// implements the optional interfaces that its parts do:
//
//   - SessionLister and UserSessionsDeleter when the session store
//     implements both;
//   - RevocationStore when the session store does, else when base does;
//     SessionRevocationStore when that store implements it too;
//   - UserAccountCreator when base does;
//   - AccountUpdater always: in place when base implements it, else by
//     unlinking and linking the account again;
//   - AuthenticatorManager always: base's when it has one (else see
//     composed.UpdateAuthenticatorUse);
//   - ExpiredDeleter always: it asks each part that implements it and
//     reports the sum (stores with their own expiry, such as Redis with
//     TTLs, need not implement it).
func Compose(base BaseStore, sessions SessionStore, tokens VerificationTokenStore) Adapter {
	if sessions == nil {
		s, ok := base.(SessionStore)
		if !ok {
			panic("adapter: Compose: base keeps no sessions, so a SessionStore is required")
		}
		sessions = s
	}
	if tokens == nil {
		t, ok := base.(VerificationTokenStore)
		if !ok {
			panic("adapter: Compose: base keeps no verification tokens, so a VerificationTokenStore is required")
		}
		tokens = t
	}
	c := &composed{BaseStore: base, sessions: sessions, tokens: tokens}

	lister, okL := sessions.(SessionLister)
	deleter, okD := sessions.(UserSessionsDeleter)
	var mgmt sessionManager
	if okL && okD {
		mgmt = struct {
			SessionLister
			UserSessionsDeleter
		}{lister, deleter}
	}
	rev, okR := sessions.(RevocationStore)
	if !okR {
		rev, okR = base.(RevocationStore)
	}
	creator, okC := base.(UserAccountCreator)
	if srev, ok := rev.(SessionRevocationStore); ok {
		return withSessionRevocation(c, mgmt, srev, creator)
	}

	// Go has no way to add methods to a value at run time, so each
	// combination of optional interfaces is its own type.
	switch {
	case mgmt != nil && okR && okC:
		return struct {
			*composed
			sessionManager
			RevocationStore
			UserAccountCreator
		}{c, mgmt, rev, creator}
	case mgmt != nil && okR:
		return struct {
			*composed
			sessionManager
			RevocationStore
		}{c, mgmt, rev}
	case mgmt != nil && okC:
		return struct {
			*composed
			sessionManager
			UserAccountCreator
		}{c, mgmt, creator}
	case mgmt != nil:
		return struct {
			*composed
			sessionManager
		}{c, mgmt}
	case okR && okC:
		return struct {
			*composed
			RevocationStore
			UserAccountCreator
		}{c, rev, creator}
	case okR:
		return struct {
			*composed
			RevocationStore
		}{c, rev}
	case okC:
		return struct {
			*composed
			UserAccountCreator
		}{c, creator}
	}
	return c
}

// withSessionRevocation is Compose for a revocation store that also
// revokes single sessions; creator is nil when base creates no accounts.
func withSessionRevocation(c *composed, mgmt sessionManager, rev SessionRevocationStore, creator UserAccountCreator) Adapter {
	switch {
	case mgmt != nil && creator != nil:
		return struct {
			*composed
			sessionManager
			SessionRevocationStore
			UserAccountCreator
		}{c, mgmt, rev, creator}
	case mgmt != nil:
		return struct {
			*composed
			sessionManager
			SessionRevocationStore
		}{c, mgmt, rev}
	case creator != nil:
		return struct {
			*composed
			SessionRevocationStore
			UserAccountCreator
		}{c, rev, creator}
	}
	return struct {
		*composed
		SessionRevocationStore
	}{c, rev}
}

type sessionManager interface {
	SessionLister
	UserSessionsDeleter
}

type composed struct {
	BaseStore
	sessions SessionStore
	tokens   VerificationTokenStore
}

// UpdateAccount replaces an account's tokens: in place when base can, else
// by reading the account, unlinking it and linking the updated one.
func (c *composed) UpdateAccount(ctx context.Context, a Account) error {
	if up, ok := c.BaseStore.(AccountUpdater); ok {
		return up.UpdateAccount(ctx, a)
	}
	cur, err := c.GetAccount(ctx, a.Provider, a.ProviderAccountID)
	if err != nil || cur == nil {
		return err
	}
	next := *cur
	next.RefreshToken, next.AccessToken, next.ExpiresAt = a.RefreshToken, a.AccessToken, a.ExpiresAt
	next.TokenType, next.Scope, next.IDToken, next.SessionState = a.TokenType, a.Scope, a.IDToken, a.SessionState
	if err := c.UnlinkAccount(ctx, a.Provider, a.ProviderAccountID); err != nil {
		return err
	}
	return c.LinkAccount(ctx, next)
}

// UpdateAuthenticatorUse, RenameAuthenticator and DeleteAuthenticator
// forward to base when it is an AuthenticatorManager; otherwise the first
// sets the counter alone and the others fail with errors.ErrUnsupported.
func (c *composed) UpdateAuthenticatorUse(ctx context.Context, credentialID string, counter int64, backedUp bool, at time.Time) (*Authenticator, error) {
	if m, ok := c.BaseStore.(AuthenticatorManager); ok {
		return m.UpdateAuthenticatorUse(ctx, credentialID, counter, backedUp, at)
	}
	return c.UpdateAuthenticatorCounter(ctx, credentialID, counter)
}

func (c *composed) RenameAuthenticator(ctx context.Context, userID, credentialID, name string) (*Authenticator, error) {
	if m, ok := c.BaseStore.(AuthenticatorManager); ok {
		return m.RenameAuthenticator(ctx, userID, credentialID, name)
	}
	return nil, &Error{Method: "RenameAuthenticator", Err: errors.ErrUnsupported}
}

func (c *composed) DeleteAuthenticator(ctx context.Context, userID, credentialID string) (bool, error) {
	if m, ok := c.BaseStore.(AuthenticatorManager); ok {
		return m.DeleteAuthenticator(ctx, userID, credentialID)
	}
	return false, &Error{Method: "DeleteAuthenticator", Err: errors.ErrUnsupported}
}

func (c *composed) CreateSession(ctx context.Context, s Session) (*Session, error) {
	return c.sessions.CreateSession(ctx, s)
}

func (c *composed) GetSession(ctx context.Context, token string) (*Session, error) {
	return c.sessions.GetSession(ctx, token)
}

func (c *composed) UpdateSession(ctx context.Context, s Session) (*Session, error) {
	return c.sessions.UpdateSession(ctx, s)
}

func (c *composed) DeleteSession(ctx context.Context, token string) (*Session, error) {
	return c.sessions.DeleteSession(ctx, token)
}

func (c *composed) CreateVerificationToken(ctx context.Context, vt VerificationToken) error {
	return c.tokens.CreateVerificationToken(ctx, vt)
}

func (c *composed) UseVerificationToken(ctx context.Context, identifier, token string) (*VerificationToken, error) {
	return c.tokens.UseVerificationToken(ctx, identifier, token)
}

func (c *composed) GetSessionAndUser(ctx context.Context, token string) (*Session, *User, error) {
	s, err := c.sessions.GetSession(ctx, token)
	if err != nil || s == nil {
		return nil, nil, Wrap("GetSessionAndUser", err)
	}
	u, err := c.BaseStore.GetUser(ctx, s.UserID)
	if err != nil || u == nil {
		return nil, nil, Wrap("GetSessionAndUser", err)
	}
	return s, u, nil
}

func (c *composed) DeleteUser(ctx context.Context, id string) error {
	if err := c.BaseStore.DeleteUser(ctx, id); err != nil {
		return err
	}
	if d, ok := c.sessions.(UserSessionsDeleter); ok && !same(c.sessions, c.BaseStore) {
		if _, err := d.DeleteUserSessions(ctx, id); err != nil {
			return Wrap("DeleteUser", err)
		}
	}
	return nil
}

func (c *composed) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	parts := []any{c.BaseStore, c.sessions, c.tokens}
	for i, part := range parts {
		if i > 0 && same(part, parts[0]) || i > 1 && same(part, parts[1]) {
			continue // one store doing two jobs is asked once
		}
		if d, ok := part.(ExpiredDeleter); ok {
			n, err := d.DeleteExpired(ctx, now)
			total += n
			if err != nil {
				return total, Wrap("DeleteExpired", err)
			}
		}
	}
	return total, nil
}

// same reports whether a and b are the same store value, without the panic
// that == gives for incomparable dynamic types.
func same(a, b any) bool {
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb || ta == nil || !ta.Comparable() {
		return false
	}
	return a == b
}
