package memory

import (
	"context"

	"github.com/authgo/authgo/adapter"
)

// CreateVerificationToken stores vt.
func (m *Adapter) CreateVerificationToken(ctx context.Context, vt adapter.VerificationToken) error {
	if err := m.begin(ctx, "CreateVerificationToken"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	k := tokenKey{vt.Identifier, vt.Token}
	if _, ok := m.tokens[k]; ok {
		return fail("CreateVerificationToken", adapter.ErrDuplicate)
	}
	vt.Expires = utc(vt.Expires)
	m.tokens[k] = vt
	return nil
}

// UseVerificationToken deletes the token and returns it, or nil; the mutex
// makes exactly one of several concurrent callers receive it.
func (m *Adapter) UseVerificationToken(ctx context.Context, identifier, token string) (*adapter.VerificationToken, error) {
	if err := m.begin(ctx, "UseVerificationToken"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	k := tokenKey{identifier, token}
	vt, ok := m.tokens[k]
	if !ok {
		return nil, nil
	}
	delete(m.tokens, k)
	return &vt, nil
}
