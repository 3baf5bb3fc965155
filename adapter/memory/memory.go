// Package memory is an authgo adapter that keeps everything in maps guarded
// by one mutex: for tests, examples and small single-instance apps whose
// users may be forgotten on restart.
//
// It implements adapter.Adapter and every optional interface:
// UserAccountCreator, SessionLister, UserSessionsDeleter, ExpiredDeleter,
// RevocationStore, SessionRevocationStore and PasswordStore. Expired rows are kept until
// DeleteExpired runs or the caller deletes them, as with the SQL adapter.
package memory

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/authgo/authgo/internal/uuid"

	"github.com/authgo/authgo/adapter"
)

// Adapter is an in-memory adapter. Create it with New; it is safe for
// concurrent use.
type Adapter struct {
	mu             sync.Mutex
	users          map[string]adapter.User
	byEmail        map[string]string // email -> user id
	accounts       map[accountKey]adapter.Account
	sessions       map[string]adapter.Session
	tokens         map[tokenKey]adapter.VerificationToken
	authenticators map[string]adapter.Authenticator
	revocations    map[string]time.Time
	revokedSess    map[string]time.Time // session id -> record expiry
	passwords      map[string]string    // user id -> password hash
	factors        map[string]adapter.SecondFactor
	now            func() time.Time
}

type accountKey struct{ provider, id string }
type tokenKey struct{ identifier, token string }

// New returns an empty adapter.
func New() *Adapter {
	return &Adapter{
		users:          map[string]adapter.User{},
		byEmail:        map[string]string{},
		accounts:       map[accountKey]adapter.Account{},
		sessions:       map[string]adapter.Session{},
		tokens:         map[tokenKey]adapter.VerificationToken{},
		authenticators: map[string]adapter.Authenticator{},
		revocations:    map[string]time.Time{},
		revokedSess:    map[string]time.Time{},
		passwords:      map[string]string{},
		factors:        map[string]adapter.SecondFactor{},
		now:            time.Now,
	}
}

var (
	_ adapter.Adapter             = (*Adapter)(nil)
	_ adapter.UserAccountCreator  = (*Adapter)(nil)
	_ adapter.SessionLister       = (*Adapter)(nil)
	_ adapter.UserSessionsDeleter = (*Adapter)(nil)
	_ adapter.ExpiredDeleter      = (*Adapter)(nil)
	_ adapter.RevocationStore     = (*Adapter)(nil)
)

var (
	_ adapter.SessionRevocationStore = (*Adapter)(nil)
	_ adapter.PasswordStore          = (*Adapter)(nil)
)

// errNoUser is the cause when a row would refer to a user that does not
// exist, as a foreign key refuses it in SQL.
var errNoUser = fmt.Errorf("no such user")

// begin checks ctx and takes the lock; the caller defers m.mu.Unlock.
func (m *Adapter) begin(ctx context.Context, method string) error {
	if err := ctx.Err(); err != nil {
		if err == context.DeadlineExceeded {
			err = fmt.Errorf("%w: %w", adapter.ErrUnavailable, err)
		}
		return &adapter.Error{Method: method, Err: err}
	}
	m.mu.Lock()
	return nil
}

func fail(method string, err error) error { return &adapter.Error{Method: method, Err: err} }

func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

func cleanUser(u adapter.User) adapter.User {
	if u.EmailVerified != nil {
		v := utc(*u.EmailVerified)
		u.EmailVerified = &v
	}
	return u
}

// copyUser returns a copy the caller may change.
func copyUser(u adapter.User) *adapter.User {
	u = cleanUser(u)
	return &u
}

// CreateUser stores u; an empty ID is replaced by a new UUID.
func (m *Adapter) CreateUser(ctx context.Context, u adapter.User) (*adapter.User, error) {
	if err := m.begin(ctx, "CreateUser"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	return m.createUser(u, "CreateUser")
}

func (m *Adapter) createUser(u adapter.User, method string) (*adapter.User, error) {
	if u.ID == "" {
		u.ID = uuid.New()
	}
	if _, ok := m.users[u.ID]; ok {
		return nil, fail(method, adapter.ErrDuplicate)
	}
	if _, ok := m.byEmail[u.Email]; ok && u.Email != "" {
		return nil, fail(method, adapter.ErrDuplicate)
	}
	u = cleanUser(u)
	m.users[u.ID] = u
	if u.Email != "" {
		m.byEmail[u.Email] = u.ID
	}
	return copyUser(u), nil
}

// GetUser returns the user with the id, or nil.
func (m *Adapter) GetUser(ctx context.Context, id string) (*adapter.User, error) {
	if err := m.begin(ctx, "GetUser"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if u, ok := m.users[id]; ok {
		return copyUser(u), nil
	}
	return nil, nil
}

// GetUserByEmail returns the user with exactly this email, or nil.
func (m *Adapter) GetUserByEmail(ctx context.Context, email string) (*adapter.User, error) {
	if err := m.begin(ctx, "GetUserByEmail"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if id, ok := m.byEmail[email]; ok && email != "" {
		return copyUser(m.users[id]), nil
	}
	return nil, nil
}

// GetUserByAccount returns the user linked to the account, or nil.
func (m *Adapter) GetUserByAccount(ctx context.Context, provider, providerAccountID string) (*adapter.User, error) {
	if err := m.begin(ctx, "GetUserByAccount"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	a, ok := m.accounts[accountKey{provider, providerAccountID}]
	if !ok {
		return nil, nil
	}
	if u, ok := m.users[a.UserID]; ok {
		return copyUser(u), nil
	}
	return nil, nil
}

// UpdateUser replaces the stored fields of u.ID.
func (m *Adapter) UpdateUser(ctx context.Context, u adapter.User) (*adapter.User, error) {
	if err := m.begin(ctx, "UpdateUser"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	old, ok := m.users[u.ID]
	if !ok {
		return nil, nil
	}
	if id, taken := m.byEmail[u.Email]; taken && u.Email != "" && id != u.ID {
		return nil, fail("UpdateUser", adapter.ErrDuplicate)
	}
	delete(m.byEmail, old.Email)
	u = cleanUser(u)
	m.users[u.ID] = u
	if u.Email != "" {
		m.byEmail[u.Email] = u.ID
	}
	return copyUser(u), nil
}

// DeleteUser deletes the user with its accounts, sessions and
// authenticators.
func (m *Adapter) DeleteUser(ctx context.Context, id string) error {
	if err := m.begin(ctx, "DeleteUser"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	u, ok := m.users[id]
	if !ok {
		return nil
	}
	delete(m.users, id)
	delete(m.passwords, id)
	delete(m.factors, id)
	if m.byEmail[u.Email] == id {
		delete(m.byEmail, u.Email)
	}
	for k, a := range m.accounts {
		if a.UserID == id {
			delete(m.accounts, k)
		}
	}
	for k, s := range m.sessions {
		if s.UserID == id {
			delete(m.sessions, k)
		}
	}
	for k, a := range m.authenticators {
		if a.UserID == id {
			delete(m.authenticators, k)
		}
	}
	return nil
}

// LinkAccount stores a for an existing user.
func (m *Adapter) LinkAccount(ctx context.Context, a adapter.Account) error {
	if err := m.begin(ctx, "LinkAccount"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	return m.linkAccount(a, "LinkAccount")
}

func (m *Adapter) linkAccount(a adapter.Account, method string) error {
	if _, ok := m.users[a.UserID]; !ok {
		return fail(method, errNoUser)
	}
	k := accountKey{a.Provider, a.ProviderAccountID}
	if _, ok := m.accounts[k]; ok {
		return fail(method, adapter.ErrDuplicate)
	}
	m.accounts[k] = a
	return nil
}

// UpdateAccount replaces the tokens of the account.
func (m *Adapter) UpdateAccount(ctx context.Context, a adapter.Account) error {
	if err := m.begin(ctx, "UpdateAccount"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	k := accountKey{a.Provider, a.ProviderAccountID}
	cur, ok := m.accounts[k]
	if !ok {
		return nil
	}
	cur.RefreshToken, cur.AccessToken, cur.ExpiresAt = a.RefreshToken, a.AccessToken, a.ExpiresAt
	cur.TokenType, cur.Scope, cur.IDToken, cur.SessionState = a.TokenType, a.Scope, a.IDToken, a.SessionState
	m.accounts[k] = cur
	return nil
}

// UnlinkAccount deletes the account.
func (m *Adapter) UnlinkAccount(ctx context.Context, provider, providerAccountID string) error {
	if err := m.begin(ctx, "UnlinkAccount"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	delete(m.accounts, accountKey{provider, providerAccountID})
	return nil
}

// GetAccount returns the account, or nil.
func (m *Adapter) GetAccount(ctx context.Context, provider, providerAccountID string) (*adapter.Account, error) {
	if err := m.begin(ctx, "GetAccount"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	if a, ok := m.accounts[accountKey{provider, providerAccountID}]; ok {
		return &a, nil
	}
	return nil, nil
}

// CreateUserAndLinkAccount creates u and links a to it, or does neither.
func (m *Adapter) CreateUserAndLinkAccount(ctx context.Context, u adapter.User, a adapter.Account) (*adapter.User, error) {
	const method = "CreateUserAndLinkAccount"
	if err := m.begin(ctx, method); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	// Check the account first so that a failure leaves nothing behind.
	if _, ok := m.accounts[accountKey{a.Provider, a.ProviderAccountID}]; ok {
		return nil, fail(method, adapter.ErrDuplicate)
	}
	got, err := m.createUser(u, method)
	if err != nil {
		return nil, err
	}
	a.UserID = got.ID
	if err := m.linkAccount(a, method); err != nil {
		return nil, err // unreachable: the user exists and the key is free
	}
	return got, nil
}
