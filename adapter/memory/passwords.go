package memory

import (
	"context"

	"github.com/authgo/authgo/adapter"
)

// CreateUserWithPassword creates u and stores its password hash at once.
func (m *Adapter) CreateUserWithPassword(ctx context.Context, u adapter.User, hash string) (*adapter.User, error) {
	if err := m.begin(ctx, "CreateUserWithPassword"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	created, err := m.createUser(u, "CreateUserWithPassword")
	if err != nil {
		return nil, err
	}
	m.passwords[created.ID] = hash
	return created, nil
}

// GetPasswordHash returns the user's password hash, "" when none.
func (m *Adapter) GetPasswordHash(ctx context.Context, userID string) (string, error) {
	if err := m.begin(ctx, "GetPasswordHash"); err != nil {
		return "", err
	}
	defer m.mu.Unlock()
	return m.passwords[userID], nil
}

// SetPasswordHash stores the user's password hash; with old set, only while
// the stored one still equals old.
func (m *Adapter) SetPasswordHash(ctx context.Context, userID, old, hash string) (bool, error) {
	if err := m.begin(ctx, "SetPasswordHash"); err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	if _, ok := m.users[userID]; !ok {
		return false, fail("SetPasswordHash", errNoUser)
	}
	if old != "" && m.passwords[userID] != old {
		return false, nil
	}
	m.passwords[userID] = hash
	return true, nil
}
