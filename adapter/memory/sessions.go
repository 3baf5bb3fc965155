package memory

import (
	"context"
	"slices"
	"time"

	"github.com/authgo/authgo/adapter"
)

func cleanSession(s adapter.Session) adapter.Session {
	s.Expires, s.CreatedAt, s.LastSeenAt = utc(s.Expires), utc(s.CreatedAt), utc(s.LastSeenAt)
	return s
}

// CreateSession stores s for an existing user.
func (m *Adapter) CreateSession(ctx context.Context, s adapter.Session) (*adapter.Session, error) {
	if err := m.begin(ctx, "CreateSession"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if _, ok := m.users[s.UserID]; !ok {
		return nil, fail("CreateSession", errNoUser)
	}
	if _, ok := m.sessions[s.SessionToken]; ok {
		return nil, fail("CreateSession", adapter.ErrDuplicate)
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = m.now()
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	s = cleanSession(s)
	m.sessions[s.SessionToken] = s
	return &s, nil
}

// GetSession returns the session, expired or not, or nil.
func (m *Adapter) GetSession(ctx context.Context, sessionToken string) (*adapter.Session, error) {
	if err := m.begin(ctx, "GetSession"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if s, ok := m.sessions[sessionToken]; ok {
		return &s, nil
	}
	return nil, nil
}

// GetSessionAndUser returns the session and its user, or nils.
func (m *Adapter) GetSessionAndUser(ctx context.Context, sessionToken string) (*adapter.Session, *adapter.User, error) {
	if err := m.begin(ctx, "GetSessionAndUser"); err != nil {
		return nil, nil, err
	}
	defer m.mu.Unlock()
	s, ok := m.sessions[sessionToken]
	if !ok {
		return nil, nil, nil
	}
	u, ok := m.users[s.UserID]
	if !ok {
		return nil, nil, nil
	}
	return &s, copyUser(u), nil
}

// UpdateSession sets Expires and LastSeenAt of s.SessionToken.
func (m *Adapter) UpdateSession(ctx context.Context, s adapter.Session) (*adapter.Session, error) {
	if err := m.begin(ctx, "UpdateSession"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	old, ok := m.sessions[s.SessionToken]
	if !ok {
		return nil, nil
	}
	old.Expires = utc(s.Expires)
	if !s.LastSeenAt.IsZero() {
		old.LastSeenAt = utc(s.LastSeenAt)
	}
	m.sessions[s.SessionToken] = old
	return &old, nil
}

// DeleteSession deletes the session and returns it, or nil.
func (m *Adapter) DeleteSession(ctx context.Context, sessionToken string) (*adapter.Session, error) {
	if err := m.begin(ctx, "DeleteSession"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	s, ok := m.sessions[sessionToken]
	if !ok {
		return nil, nil
	}
	delete(m.sessions, sessionToken)
	return &s, nil
}

// ListUserSessions returns the user's unexpired sessions, newest first.
func (m *Adapter) ListUserSessions(ctx context.Context, userID string) ([]adapter.Session, error) {
	if err := m.begin(ctx, "ListUserSessions"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	now := m.now()
	var out []adapter.Session
	for _, s := range m.sessions {
		if s.UserID == userID && s.Expires.After(now) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b adapter.Session) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// DeleteUserSessions deletes all sessions of the user.
func (m *Adapter) DeleteUserSessions(ctx context.Context, userID string) (int64, error) {
	if err := m.begin(ctx, "DeleteUserSessions"); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	var n int64
	for k, s := range m.sessions {
		if s.UserID == userID {
			delete(m.sessions, k)
			n++
		}
	}
	return n, nil
}

// DeleteExpired deletes sessions, verification tokens and revoked session
// records that expired at or before now.
func (m *Adapter) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	if err := m.begin(ctx, "DeleteExpired"); err != nil {
		return 0, err
	}
	defer m.mu.Unlock()
	var n int64
	for k, s := range m.sessions {
		if !s.Expires.After(now) {
			delete(m.sessions, k)
			n++
		}
	}
	for k, vt := range m.tokens {
		if !vt.Expires.After(now) {
			delete(m.tokens, k)
			n++
		}
	}
	for id, exp := range m.revokedSess {
		if !exp.After(now) {
			delete(m.revokedSess, id)
			n++
		}
	}
	return n, nil
}
