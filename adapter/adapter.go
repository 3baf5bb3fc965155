// Package adapter defines how authgo stores users, accounts, sessions,
// verification tokens and passkey authenticators: the Go form of Auth.js's
// adapter interface (packages/core/src/adapters.ts).
//
// An implementation is any value that satisfies [Adapter]. Richer
// capabilities — listing or deleting a user's sessions, deleting expired
// rows, a per-user revocation epoch for JWT sessions, creating a user and
// linking an account in one transaction — are optional interfaces that
// authgo finds by type assertion, so adding one never breaks an implementer.
//
// Two rules hold for every method of every implementation:
//
//   - Something that is not there is (nil, nil), as Auth.js's null. Only a
//     system failure is an error.
//   - Every error is a [*Error] naming the method. When the backend is down
//     or a call timed out, the error wraps [ErrUnavailable], so the root
//     package can answer 503 instead of 500.
//
// The conformance suite in package adaptertest checks both, and every
// adapter in this module passes it.
package adapter

import (
	"context"
	"errors"
	"time"
)

// User is a person who can sign in, the AdapterUser of Auth.js. Role is
// authgo's addition for role checks; SQL adapters keep it in a nullable
// "role" column that Auth.js ignores.
type User struct {
	ID            string     `json:"id"`
	Name          string     `json:"name,omitempty"`
	Email         string     `json:"email,omitempty"`
	EmailVerified *time.Time `json:"emailVerified"`
	Image         string     `json:"image,omitempty"`
	Role          string     `json:"role,omitempty"`
}

// Account links a User to one identity at a provider (an OAuth or OIDC
// account, an email address, a passkey), the AdapterAccount of Auth.js. The
// pair (Provider, ProviderAccountID) is unique. ExpiresAt is the access
// token's expiry in Unix seconds, 0 when unknown.
type Account struct {
	UserID            string `json:"userId"`
	Type              string `json:"type"`
	Provider          string `json:"provider"`
	ProviderAccountID string `json:"providerAccountId"`
	RefreshToken      string `json:"refresh_token,omitempty"`
	AccessToken       string `json:"access_token,omitempty"`
	ExpiresAt         int64  `json:"expires_at,omitempty"`
	TokenType         string `json:"token_type,omitempty"`
	Scope             string `json:"scope,omitempty"`
	IDToken           string `json:"id_token,omitempty"`
	SessionState      string `json:"session_state,omitempty"`
}

// Session is a database session, the AdapterSession of Auth.js: the cookie
// holds SessionToken. CreatedAt, LastSeenAt, UserAgent and IP are authgo's
// additions for listing a user's sessions; they may be zero.
type Session struct {
	SessionToken string    `json:"sessionToken"`
	UserID       string    `json:"userId"`
	Expires      time.Time `json:"expires"`
	CreatedAt    time.Time `json:"createdAt,omitzero"`
	LastSeenAt   time.Time `json:"lastSeenAt,omitzero"`
	UserAgent    string    `json:"userAgent,omitempty"`
	IP           string    `json:"ip,omitempty"`
}

// VerificationToken is a single-use token sent by email (magic links).
// Token is the hashed value, as Auth.js stores it; (Identifier, Token) is
// unique.
type VerificationToken struct {
	Identifier string    `json:"identifier"`
	Token      string    `json:"token"`
	Expires    time.Time `json:"expires"`
}

// Authenticator is a WebAuthn credential (passkey) of a user, the
// AdapterAuthenticator of Auth.js. CredentialID and CredentialPublicKey are
// standard base64 strings; Transports is comma-joined.
// CredentialDeviceType is "multiDevice" for a credential that may be backed
// up (synced) and "singleDevice" otherwise: the backup-eligible flag, which
// never changes for a credential. CredentialBackedUp is the backup-state
// flag of the last ceremony.
//
// UserHandle, AAGUID, Name, CreatedAt and LastUsedAt are authgo's
// additions, kept in nullable columns Auth.js ignores; they are empty in
// rows Auth.js wrote. UserHandle is the WebAuthn user handle the credential
// was registered with (base64url, no padding), AAGUID the authenticator
// model (a UUID, all zeros when the authenticator does not say), Name what
// the user called the passkey.
type Authenticator struct {
	CredentialID         string    `json:"credentialID"`
	UserID               string    `json:"userId"`
	ProviderAccountID    string    `json:"providerAccountId"`
	CredentialPublicKey  string    `json:"credentialPublicKey"`
	Counter              int64     `json:"counter"`
	CredentialDeviceType string    `json:"credentialDeviceType"`
	CredentialBackedUp   bool      `json:"credentialBackedUp"`
	Transports           string    `json:"transports,omitempty"`
	UserHandle           string    `json:"userHandle,omitempty"`
	AAGUID               string    `json:"aaguid,omitempty"`
	Name                 string    `json:"name,omitempty"`
	CreatedAt            time.Time `json:"createdAt,omitzero"`
	LastUsedAt           time.Time `json:"lastUsedAt,omitzero"`
}

// UserStore keeps users. A user that does not exist is (nil, nil).
type UserStore interface {
	// CreateUser stores u and returns it as stored. An empty u.ID makes the
	// adapter generate one (a UUID). An email already taken is an error
	// wrapping ErrDuplicate.
	CreateUser(ctx context.Context, u User) (*User, error)
	// GetUser returns the user with the given id.
	GetUser(ctx context.Context, id string) (*User, error)
	// GetUserByEmail returns the user with the given email address.
	GetUserByEmail(ctx context.Context, email string) (*User, error)
	// GetUserByAccount returns the user linked to the provider account.
	GetUserByAccount(ctx context.Context, provider, providerAccountID string) (*User, error)
	// UpdateUser replaces the stored fields of the user u.ID with those of u
	// and returns the result; it is (nil, nil) when there is no such user.
	UpdateUser(ctx context.Context, u User) (*User, error)
	// DeleteUser deletes the user and, with it, the user's accounts,
	// sessions and authenticators. Deleting a missing user is not an error.
	DeleteUser(ctx context.Context, id string) error
}

// AccountStore keeps the provider accounts linked to users.
type AccountStore interface {
	// LinkAccount stores a. A (Provider, ProviderAccountID) pair already
	// linked is an error wrapping ErrDuplicate.
	LinkAccount(ctx context.Context, a Account) error
	// UnlinkAccount deletes the account; a missing one is not an error.
	UnlinkAccount(ctx context.Context, provider, providerAccountID string) error
	// GetAccount returns the account, or (nil, nil).
	GetAccount(ctx context.Context, provider, providerAccountID string) (*Account, error)
}

// SessionStore keeps database sessions.
type SessionStore interface {
	// CreateSession stores s and returns it as stored. A zero CreatedAt is
	// set to the current time and a zero LastSeenAt to CreatedAt. A session
	// token already stored is an error wrapping ErrDuplicate.
	CreateSession(ctx context.Context, s Session) (*Session, error)
	// GetSession returns the session with the token, expired or not; the
	// caller decides what an expired session means.
	GetSession(ctx context.Context, sessionToken string) (*Session, error)
	// UpdateSession sets Expires and LastSeenAt of the session
	// s.SessionToken and returns it; it is (nil, nil) when the session is
	// absent.
	UpdateSession(ctx context.Context, s Session) (*Session, error)
	// DeleteSession deletes the session and returns it as it was, or
	// (nil, nil) when it was absent.
	DeleteSession(ctx context.Context, sessionToken string) (*Session, error)
}

// VerificationTokenStore keeps single-use email verification tokens.
type VerificationTokenStore interface {
	// CreateVerificationToken stores vt.
	CreateVerificationToken(ctx context.Context, vt VerificationToken) error
	// UseVerificationToken deletes the token and returns it as it was, or
	// (nil, nil). Of several concurrent callers with the same token, exactly
	// one receives it.
	UseVerificationToken(ctx context.Context, identifier, token string) (*VerificationToken, error)
}

// AuthenticatorStore keeps WebAuthn authenticators (passkeys).
type AuthenticatorStore interface {
	// GetAuthenticator returns the authenticator, or (nil, nil).
	GetAuthenticator(ctx context.Context, credentialID string) (*Authenticator, error)
	// CreateAuthenticator stores a and returns it as stored.
	CreateAuthenticator(ctx context.Context, a Authenticator) (*Authenticator, error)
	// ListAuthenticatorsByUserID returns the user's authenticators, none
	// being an empty result and no error.
	ListAuthenticatorsByUserID(ctx context.Context, userID string) ([]Authenticator, error)
	// UpdateAuthenticatorCounter sets the signature counter and returns the
	// authenticator, or (nil, nil) when it does not exist.
	UpdateAuthenticatorCounter(ctx context.Context, credentialID string, counter int64) (*Authenticator, error)
}

// Adapter is everything authgo needs from storage: the Auth.js adapter
// methods, context first.
type Adapter interface {
	UserStore
	AccountStore
	SessionStore
	VerificationTokenStore
	AuthenticatorStore
	// GetSessionAndUser returns the session and its user, or (nil, nil, nil)
	// when either is missing. SQL adapters answer it in one round trip.
	GetSessionAndUser(ctx context.Context, sessionToken string) (*Session, *User, error)
}

// AccountUpdater is implemented by adapters that replace the tokens of a
// stored account in place, matched by Provider and ProviderAccountID:
// RefreshToken, AccessToken, ExpiresAt, TokenType, Scope, IDToken and
// SessionState are written; an unknown account is not an error. A token
// refresh uses it to persist rotated tokens in one statement.
type AccountUpdater interface {
	UpdateAccount(ctx context.Context, a Account) error
}

// UserAccountCreator is implemented by adapters that create a user and link
// an account in one transaction: when linking fails, no user is left.
type UserAccountCreator interface {
	// CreateUserAndLinkAccount creates u, links a (with a.UserID set to the
	// new user's id) and returns the user.
	CreateUserAndLinkAccount(ctx context.Context, u User, a Account) (*User, error)
}

// AuthenticatorManager is implemented by adapters that let users manage
// their passkeys: record each use, rename, delete. Every method is scoped
// as its arguments say; a credential of another user is "not there".
type AuthenticatorManager interface {
	// UpdateAuthenticatorUse records a sign-in with the credential: it sets
	// Counter, CredentialBackedUp and LastUsedAt (to at) and returns the
	// authenticator, or (nil, nil) when it does not exist.
	UpdateAuthenticatorUse(ctx context.Context, credentialID string, counter int64, backedUp bool, at time.Time) (*Authenticator, error)
	// RenameAuthenticator sets the Name of the user's credential and
	// returns it, or (nil, nil) when the user has no such credential.
	RenameAuthenticator(ctx context.Context, userID, credentialID, name string) (*Authenticator, error)
	// DeleteAuthenticator deletes the user's credential and reports
	// whether there was one.
	DeleteAuthenticator(ctx context.Context, userID, credentialID string) (bool, error)
}

// SessionLister is implemented by adapters that list a user's sessions.
type SessionLister interface {
	// ListUserSessions returns the user's unexpired sessions, newest first.
	ListUserSessions(ctx context.Context, userID string) ([]Session, error)
}

// UserSessionsDeleter is implemented by adapters that delete all sessions of
// a user at once ("sign out everywhere").
type UserSessionsDeleter interface {
	// DeleteUserSessions deletes the user's sessions and reports how many.
	DeleteUserSessions(ctx context.Context, userID string) (int64, error)
}

// ExpiredDeleter is implemented by adapters that can purge expired sessions
// and verification tokens.
type ExpiredDeleter interface {
	// DeleteExpired deletes the sessions, verification tokens and revoked
	// session records (SessionRevocationStore) that expired at or before
	// now and reports how many rows went.
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)
}

// RevocationStore is implemented by adapters that keep a per-user
// revocation epoch, which makes "sign out everywhere" work for JWT sessions:
// a token issued before the epoch is refused.
type RevocationStore interface {
	// RevokeUserTokens records that the user's tokens issued before the
	// given time are revoked. A later call with an earlier time does not
	// move the epoch back.
	RevokeUserTokens(ctx context.Context, userID string, before time.Time) error
	// TokensRevokedBefore returns the user's epoch, the zero time if none.
	TokensRevokedBefore(ctx context.Context, userID string) (time.Time, error)
}

// SessionRevocationStore is implemented by revocation stores that also
// remember single JWT sessions that were signed out, which makes sign-out
// of a JWT session final: a copy of its cookie is refused afterwards. Each
// sign-out is one small row or key, kept until every token of the session
// has expired.
type SessionRevocationStore interface {
	RevocationStore
	// RevokeSession records that the JWT session sessionID has ended. The
	// record is kept until expires (when the last token of the session has
	// expired) and then deleted: by DeleteExpired in stores that implement
	// ExpiredDeleter, by a TTL in others. Revoking an id again keeps the
	// later of the two expiries.
	RevokeSession(ctx context.Context, sessionID string, expires time.Time) error
	// SessionRevoked reports whether sessionID was revoked. Once the
	// record's expiry has passed it may report either: no token of the
	// session is valid by then.
	SessionRevoked(ctx context.Context, sessionID string) (bool, error)
}

// PasswordStore is implemented by adapters that keep the password hashes of
// users, for authgo's password accounts (providers.Password). A hash is an
// opaque string (an argon2id or bcrypt PHC string); it lives beside the
// user, never in the user record, and goes when the user is deleted.
type PasswordStore interface {
	// CreateUserWithPassword creates u and stores hash as its password in
	// one transaction: when either fails, nothing is stored. An email
	// already taken is an error wrapping ErrDuplicate.
	CreateUserWithPassword(ctx context.Context, u User, hash string) (*User, error)
	// GetPasswordHash returns the user's hash, "" when the user has none
	// (or does not exist).
	GetPasswordHash(ctx context.Context, userID string) (string, error)
	// SetPasswordHash stores hash as the user's password. With old == ""
	// it replaces whatever is stored (or stores a first one); otherwise it
	// replaces the stored hash only while it still equals old (compare
	// and swap) and reports whether it did, so a rehash at sign-in never
	// undoes a reset that happened meanwhile. A user that does not exist
	// is an error.
	SetPasswordHash(ctx context.Context, userID, old, hash string) (bool, error)
}

// ErrUnavailable is wrapped in an [*Error] when the backend is down,
// refuses connections or did not answer in time. The root package answers
// 503 for it.
var ErrUnavailable = errors.New("storage unavailable")

// ErrDuplicate is wrapped in an [*Error] when a write would break a
// uniqueness rule: a user email already taken, a provider account already
// linked, a session token or credential ID already stored.
var ErrDuplicate = errors.New("already exists")

// Error is the error of every adapter method: the method name and the
// cause. It prints as "adapter: <Method>: <cause>" and unwraps to the cause,
// so errors.Is(err, ErrUnavailable) works. Causes never carry tokens or
// other secrets.
type Error struct {
	Method string
	Err    error
}

// Error returns "adapter: <Method>: <cause>".
func (e *Error) Error() string {
	if e.Err == nil {
		return "adapter: " + e.Method
	}
	return "adapter: " + e.Method + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Wrap returns err as an *Error of method, or nil when err is nil. An err
// that is already an *Error is returned as it is.
func Wrap(method string, err error) error {
	if err == nil {
		return nil
	}
	var ae *Error
	if errors.As(err, &ae) {
		return err
	}
	return &Error{Method: method, Err: err}
}
