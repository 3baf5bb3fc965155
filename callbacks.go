package authgo

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/email"
)

// Trigger says why the JWT callback runs.
type Trigger string

// The triggers of the JWT and Session callbacks.
const (
	TriggerRead   Trigger = ""       // a plain session read
	TriggerSignIn Trigger = "signIn" // a sign-in: User and Account are set
	TriggerSignUp Trigger = "signUp" // a sign-in that created the user
	TriggerUpdate Trigger = "update" // POST /session or Auth.Update
)

// Callbacks shape what happens at each step, as Auth.js's callbacks do. Every
// field is optional; a nil one behaves as Auth.js's default.
type Callbacks struct {
	// SignIn decides whether a user may sign in. Return "" and nil to
	// allow, a URL to send the user there instead, or an error to deny
	// (AccessDenied unless the error is an *Error of another type).
	SignIn func(ctx context.Context, p SignInParams) (redirectTo string, err error)
	// Redirect decides where a callbackUrl may send the user. The default
	// allows paths and URLs of baseURL's origin and maps anything else to
	// baseURL, so there is no open redirect.
	Redirect func(ctx context.Context, url, baseURL string) string
	// JWT shapes the token at sign-in, on every session read and on
	// update. Returning nil ends the session. The default returns
	// p.Token unchanged.
	JWT func(ctx context.Context, p JWTParams) (*Token, error)
	// Session shapes the session JSON sent to the client. The default
	// returns p.Session unchanged.
	Session func(ctx context.Context, p SessionParams) (*Session, error)
}

// SignInParams are the arguments of the SignIn callback.
type SignInParams struct {
	User        *User
	Account     *Account
	Profile     map[string]any // OAuth/OIDC profile; nil otherwise
	Credentials Credentials    // credentials sign-in; nil otherwise
	// Email is set for an email sign-in: before the mail is sent
	// (VerificationRequest true; refusing sends nothing and answers the
	// client as for any address) and when the link or code is used.
	Email   *email.SignInParams
	Request *http.Request
}

// JWTParams are the arguments of the JWT callback.
type JWTParams struct {
	Token     *Token
	Trigger   Trigger
	User      *User          // on sign-in
	Account   *Account       // on sign-in
	Profile   map[string]any // on OAuth sign-in
	IsNewUser bool
	// Session is the data posted to POST /session (Trigger update).
	Session any
}

// SessionParams are the arguments of the Session callback. Token is set
// for JWT sessions, User for database sessions.
type SessionParams struct {
	Session    *Session
	Token      *Token
	User       *User
	Trigger    Trigger
	NewSession any
}

// Events are told what happened; they cannot change it. An event that
// returns an error is logged and never breaks the request. Every field is
// optional; a nil one is not called.
type Events struct {
	SignIn      func(ctx context.Context, e SignInEvent) error
	SignOut     func(ctx context.Context, e SignOutEvent) error
	Session     func(ctx context.Context, e SessionEvent) error
	CreateUser  func(ctx context.Context, user *User) error
	UpdateUser  func(ctx context.Context, user *User) error
	LinkAccount func(ctx context.Context, e LinkAccountEvent) error
	// SignInFailure is told of every sign-in that did not succeed, by
	// any provider and through any path (the /callback endpoint,
	// Auth.SignIn): wrong credentials, a refused SignIn callback, a failed
	// OAuth step, a server too busy to check a password. An authgo
	// extension; Auth.js has no such event.
	SignInFailure func(ctx context.Context, e SignInFailureEvent) error
	// RateLimited is told of every attempt refused by a rate limit
	// (RateLimitConfig), before any password was checked. An authgo
	// extension.
	RateLimited func(ctx context.Context, e RateLimitedEvent) error
	// PasskeyCloneWarning is told of every passkey sign-in whose signature
	// counter did not grow: the credential may have been copied. The
	// sign-in is refused unless the provider allows counter regressions.
	// An authgo extension.
	PasskeyCloneWarning func(ctx context.Context, e account.PasskeyCloneEvent) error
}

// SignInEvent is the payload of Events.SignIn.
type SignInEvent struct {
	User      *User
	Account   *Account
	Profile   map[string]any
	IsNewUser bool
	// ClientIP is the client that signed in, as RateLimitConfig.Proxies
	// find it.
	ClientIP netip.Addr
	// IdentifierHash is the keyed hash of the identifier the user signed
	// in with (the email or username of a credentials sign-in, the
	// provider's account id of an OAuth one), as the logs carry it.
	IdentifierHash string
}

// SignInFailureEvent is the payload of Events.SignInFailure. It carries no
// password, token or identifier in clear, so it can go to a security log
// as it is.
type SignInFailureEvent struct {
	// Provider is the id of the provider signed in with.
	Provider string
	// ClientIP is the client, as RateLimitConfig.Proxies find it; the
	// zero Addr when unknown.
	ClientIP netip.Addr
	// IdentifierHash is a keyed hash of the identifier (the email or
	// username; HMAC-SHA-256 under a key derived from the secret, 32 hex
	// digits): equal for attempts on one account, meaningless without the
	// secret. Empty when the attempt named none (OAuth failures).
	IdentifierHash string
	// Type is the Auth.js error type: CredentialsSignin for wrong
	// credentials, AccessDenied for a refusing SignIn callback,
	// OAuthCallbackError or InvalidCheck for a failed OAuth step,
	// Unavailable when the server was too busy to check a password.
	Type ErrorType
	// Code refines Type: the CredentialsSignin code, or the error code an
	// identity provider answered with.
	Code string
	// Step is the failed OAuth step ("authorize", "token", "check", ...);
	// empty for credentials.
	Step string
}

// RateLimitedEvent is the payload of Events.RateLimited.
type RateLimitedEvent struct {
	// Provider is the id of the provider the attempt was for.
	Provider string
	// ClientIP is the client, as RateLimitConfig.Proxies find it.
	ClientIP netip.Addr
	// IdentifierHash is the keyed hash of the identifier, as in
	// SignInFailureEvent; empty when the attempt named none.
	IdentifierHash string
	// Limit names the limit that refused the attempt: "identifier-client"
	// (RateLimitConfig.PerIdentifierClient), "identifier"
	// (PerIdentifier), "client" (PerIP), or "unavailable" when the
	// Limiter failed and FailurePolicy refused.
	Limit string
	// RetryAfter is how long until the attempt would be allowed.
	RetryAfter time.Duration
}

// SignOutEvent is the payload of Events.SignOut: Token for JWT sessions,
// Session for database sessions.
type SignOutEvent struct {
	Token   *Token
	Session *SessionRecord
}

// SessionEvent is the payload of Events.Session.
type SessionEvent struct {
	Session *Session
	Token   *Token
}

// LinkAccountEvent is the payload of Events.LinkAccount.
type LinkAccountEvent struct {
	User    *User
	Account *Account
	Profile map[string]any
}

// emit tells an event handler (if one is set) what happened, logging (never
// returning) its error or panic: events cannot break a request.
func emit[E any](ctx context.Context, log *slog.Logger, name string, handler func(context.Context, E) error, e E) {
	if handler == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			log.ErrorContext(ctx, "authgo: event panicked", "event", name, "type", "EventError", "panic", fmt.Sprint(v))
		}
	}()
	if err := handler(ctx, e); err != nil {
		log.ErrorContext(ctx, "authgo: event failed", "event", name, "type", "EventError", "err", err)
	}
}
