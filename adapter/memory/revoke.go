package memory

import (
	"context"
	"time"
)

// RevokeUserTokens moves the user's revocation epoch forward to before.
func (m *Adapter) RevokeUserTokens(ctx context.Context, userID string, before time.Time) error {
	if err := m.begin(ctx, "RevokeUserTokens"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if before.After(m.revocations[userID]) {
		m.revocations[userID] = before.UTC()
	}
	return nil
}

// TokensRevokedBefore returns the user's revocation epoch, zero if none.
func (m *Adapter) TokensRevokedBefore(ctx context.Context, userID string) (time.Time, error) {
	if err := m.begin(ctx, "TokensRevokedBefore"); err != nil {
		return time.Time{}, err
	}
	defer m.mu.Unlock()
	return m.revocations[userID], nil
}

// RevokeSession records that the JWT session sessionID has ended, until
// expires (the later expiry wins when it is revoked again).
func (m *Adapter) RevokeSession(ctx context.Context, sessionID string, expires time.Time) error {
	if err := m.begin(ctx, "RevokeSession"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	if expires.After(m.revokedSess[sessionID]) {
		m.revokedSess[sessionID] = expires.UTC()
	}
	return nil
}

// SessionRevoked reports whether sessionID was revoked (and its record not
// yet deleted).
func (m *Adapter) SessionRevoked(ctx context.Context, sessionID string) (bool, error) {
	if err := m.begin(ctx, "SessionRevoked"); err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	_, ok := m.revokedSess[sessionID]
	return ok, nil
}
