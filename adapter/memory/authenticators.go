package memory

import (
	"context"
	"slices"
	"time"

	"github.com/authgo/authgo/adapter"
)

// GetAuthenticator returns the authenticator, or nil.
func (m *Adapter) GetAuthenticator(ctx context.Context, credentialID string) (*adapter.Authenticator, error) {
	if err := m.begin(ctx, "GetAuthenticator"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if a, ok := m.authenticators[credentialID]; ok {
		return &a, nil
	}
	return nil, nil
}

// CreateAuthenticator stores a for an existing user.
func (m *Adapter) CreateAuthenticator(ctx context.Context, a adapter.Authenticator) (*adapter.Authenticator, error) {
	if err := m.begin(ctx, "CreateAuthenticator"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if _, ok := m.users[a.UserID]; !ok {
		return nil, fail("CreateAuthenticator", errNoUser)
	}
	if _, ok := m.authenticators[a.CredentialID]; ok {
		return nil, fail("CreateAuthenticator", adapter.ErrDuplicate)
	}
	m.authenticators[a.CredentialID] = a
	return &a, nil
}

// ListAuthenticatorsByUserID returns the user's authenticators ordered by
// credential id.
func (m *Adapter) ListAuthenticatorsByUserID(ctx context.Context, userID string) ([]adapter.Authenticator, error) {
	if err := m.begin(ctx, "ListAuthenticatorsByUserID"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	out := []adapter.Authenticator{}
	for _, a := range m.authenticators {
		if a.UserID == userID {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b adapter.Authenticator) int {
		if a.CredentialID < b.CredentialID {
			return -1
		}
		return 1
	})
	return out, nil
}

// UpdateAuthenticatorCounter sets the counter and returns the
// authenticator, or nil.
func (m *Adapter) UpdateAuthenticatorCounter(ctx context.Context, credentialID string, counter int64) (*adapter.Authenticator, error) {
	if err := m.begin(ctx, "UpdateAuthenticatorCounter"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	a, ok := m.authenticators[credentialID]
	if !ok {
		return nil, nil
	}
	a.Counter = counter
	m.authenticators[credentialID] = a
	return &a, nil
}

// UpdateAuthenticatorUse records a sign-in with the credential.
func (m *Adapter) UpdateAuthenticatorUse(ctx context.Context, credentialID string, counter int64, backedUp bool, at time.Time) (*adapter.Authenticator, error) {
	if err := m.begin(ctx, "UpdateAuthenticatorUse"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	a, ok := m.authenticators[credentialID]
	if !ok {
		return nil, nil
	}
	a.Counter, a.CredentialBackedUp, a.LastUsedAt = counter, backedUp, at.UTC()
	m.authenticators[credentialID] = a
	return &a, nil
}

// RenameAuthenticator sets the name of the user's credential.
func (m *Adapter) RenameAuthenticator(ctx context.Context, userID, credentialID, name string) (*adapter.Authenticator, error) {
	if err := m.begin(ctx, "RenameAuthenticator"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	a, ok := m.authenticators[credentialID]
	if !ok || a.UserID != userID {
		return nil, nil
	}
	a.Name = name
	m.authenticators[credentialID] = a
	return &a, nil
}

// DeleteAuthenticator deletes the user's credential.
func (m *Adapter) DeleteAuthenticator(ctx context.Context, userID, credentialID string) (bool, error) {
	if err := m.begin(ctx, "DeleteAuthenticator"); err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	a, ok := m.authenticators[credentialID]
	if !ok || a.UserID != userID {
		return false, nil
	}
	delete(m.authenticators, credentialID)
	return true, nil
}
