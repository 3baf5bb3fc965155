package sql

import (
	"context"
	"time"
)

// RevokeUserTokens moves the user's revocation epoch forward to before (it
// never moves back), in one upsert.
func (a *Adapter) RevokeUserTokens(ctx context.Context, userID string, before time.Time) error {
	if badKey(userID) {
		return a.fail(ctx, "RevokeUserTokens", errBadKey)
	}
	_, err := a.db.ExecContext(ctx, a.q.revoke, userID, a.d.timeArg(before))
	return a.fail(ctx, "RevokeUserTokens", err)
}

// TokensRevokedBefore returns the user's revocation epoch, zero if none.
func (a *Adapter) TokensRevokedBefore(ctx context.Context, userID string) (time.Time, error) {
	if badKey(userID) {
		return time.Time{}, nil
	}
	var t timeCol
	_, err := a.one(ctx, a.q.revokedBefore, []any{userID}, &t)
	return t.t, a.fail(ctx, "TokensRevokedBefore", err)
}

// RevokeSession records that the JWT session sessionID has ended, until
// expires, in one upsert that keeps the later expiry.
func (a *Adapter) RevokeSession(ctx context.Context, sessionID string, expires time.Time) error {
	if badKey(sessionID) {
		return a.fail(ctx, "RevokeSession", errBadKey)
	}
	_, err := a.db.ExecContext(ctx, a.q.revokeSession, sessionID, a.d.timeArg(expires))
	return a.fail(ctx, "RevokeSession", err)
}

// SessionRevoked reports whether sessionID has a revocation row (swept by
// DeleteExpired after its expiry).
func (a *Adapter) SessionRevoked(ctx context.Context, sessionID string) (bool, error) {
	if badKey(sessionID) {
		return false, nil
	}
	var one int
	found, err := a.one(ctx, a.q.sessionRevoked, []any{sessionID}, &one)
	return found, a.fail(ctx, "SessionRevoked", err)
}
