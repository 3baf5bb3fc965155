package authgo

import (
	"errors"
	"fmt"
)

// ErrorType is an Auth.js error type. It is what appears in ?error= of an
// error redirect when the type is safe to show a client; every other type is
// shown as Configuration and only logged in full.
type ErrorType string

// The error types: Auth.js's, and a few of authgo's own. Each constant's
// value is its name on the wire, as Auth.js spells it.
const (
	// CredentialsSignin: a credentials sign-in was refused (wrong
	// identifier or password, or invalid input); shown to the client.
	CredentialsSignin ErrorType = "CredentialsSignin"
	// OAuthAccountNotLinked: the OAuth account's email belongs to a user
	// who signed up another way; shown to the client.
	OAuthAccountNotLinked ErrorType = "OAuthAccountNotLinked"
	// OAuthCallbackError: the provider answered the callback with an
	// error, or without a code or an account id; shown to the client.
	OAuthCallbackError ErrorType = "OAuthCallbackError"
	// OAuthSignInError: an OAuth sign-in could not start (discovery or the
	// authorization URL failed).
	OAuthSignInError ErrorType = "OAuthSignInError"
	// AccessDenied: the SignIn callback refused the user; shown to the
	// client.
	AccessDenied ErrorType = "AccessDenied"
	// Verification: an email verification token is missing, expired or
	// used; shown to the client.
	Verification ErrorType = "Verification"
	// MissingCSRF: the CSRF token or the same-origin check failed; shown
	// to the client.
	MissingCSRF ErrorType = "MissingCSRF"
	// AccountNotLinked: Auth.js's type for an account linked to another
	// user (its passkey flow); shown to the client. authgo raises it for a
	// passkey sign-up with an address a user has, and for another user's
	// passkey in a signed-in session.
	AccountNotLinked ErrorType = "AccountNotLinked"
	// Configuration: a server-side mistake; it is also what the client is
	// shown for every type that is not safe to show.
	Configuration ErrorType = "Configuration"
	// AdapterError: an adapter call failed.
	AdapterError ErrorType = "AdapterError"
	// CallbackRouteError: a provider's Authorize function failed.
	CallbackRouteError ErrorType = "CallbackRouteError"
	// InvalidCallbackURL: a callbackUrl is not a URL of the app.
	InvalidCallbackURL ErrorType = "InvalidCallbackUrl"
	// InvalidCheck: an OAuth state, PKCE or nonce check failed.
	InvalidCheck ErrorType = "InvalidCheck"
	// InvalidProvider: no provider has the requested id, or it cannot do
	// what was asked of it.
	InvalidProvider ErrorType = "InvalidProvider"
	// JWTSessionError: a session token could not be read.
	JWTSessionError ErrorType = "JWTSessionError"
	// SessionTokenError: a database session could not be read.
	SessionTokenError ErrorType = "SessionTokenError"
	// SignOutError: a database session could not be deleted at sign-out.
	SignOutError ErrorType = "SignOutError"
	// UnknownAction: the request names no action of the auth endpoints.
	UnknownAction ErrorType = "UnknownAction"
	// OAuthProfileParseError: the provider's profile could not be read or
	// mapped to a user.
	OAuthProfileParseError ErrorType = "OAuthProfileParseError"
	// MissingAdapter: the call needs Config.Adapter, and none is set.
	MissingAdapter ErrorType = "MissingAdapter"
	// MissingAdapterMethods: the call needs an adapter method (an optional
	// interface of package adapter) that Config.Adapter does not have.
	MissingAdapterMethods ErrorType = "MissingAdapterMethods"
	// UnsupportedStrategy: the call does not work with the configured
	// session strategy.
	UnsupportedStrategy ErrorType = "UnsupportedStrategy"
	// RateLimited: too many sign-in attempts (authgo's own type); shown to
	// the client, with Error.RetryAfter.
	RateLimited ErrorType = "RateLimited"
	// Unavailable: the server is too busy or a store is down (authgo's own
	// type); shown to the client, answered with 503.
	Unavailable ErrorType = "Unavailable"
	// RefreshTokenError marks a session whose provider token could not be
	// refreshed; the app should send the user to sign in again.
	RefreshTokenError ErrorType = "RefreshTokenError"
	// EmailSignin: an email sign-in could not start because the address
	// is not one plain address (the code Auth.js's sign-in page shows as
	// "The e-mail could not be sent."); shown to the client.
	EmailSignin ErrorType = "EmailSignin"
)

// clientSafe are the types Auth.js shows in ?error= (isClientError); authgo
// adds RateLimited, Unavailable and EmailSignin, which tell an attacker
// nothing.
var clientSafe = map[ErrorType]bool{
	CredentialsSignin: true, OAuthAccountNotLinked: true, OAuthCallbackError: true,
	AccessDenied: true, Verification: true, MissingCSRF: true, AccountNotLinked: true,
	RateLimited: true, Unavailable: true, EmailSignin: true,
}

// signInKind are the types Auth.js redirects to the sign-in page (its
// SignInError subclasses); the others go to the error page.
var signInKind = map[ErrorType]bool{
	CredentialsSignin: true, OAuthAccountNotLinked: true, OAuthCallbackError: true,
	OAuthSignInError: true, MissingCSRF: true, AccountNotLinked: true, RateLimited: true,
	EmailSignin: true,
}

// Error is an authentication error with its Auth.js type. Code refines a
// CredentialsSignin ("credentials" unless the provider set its own) and is
// shown in &code=. Err is the cause; it is logged, never shown.
type Error struct {
	Type ErrorType
	Code string
	Err  error
	// RetryAfter is set on RateLimited errors: how long until another
	// attempt is allowed, in whole seconds.
	RetryAfter int
	// Fields maps a form field to what is wrong with it, on
	// CredentialsSignin errors with Code "invalid_input". The messages
	// speak only of syntax, never of whether an account exists.
	Fields map[string]string

	// signInLogged is set when the sign-in log (attempt.go) has told this
	// failure, with the client and the identifier hash; the request log
	// then does not repeat a refusal.
	signInLogged bool
}

// Error returns the type, the code and the cause, for logs.
func (e *Error) Error() string {
	msg := "authgo: " + string(e.Type)
	if e.Code != "" {
		msg += " (" + e.Code + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same type, so that
// errors.Is(err, authgo.ErrCredentialsSignin) matches any credentials
// failure, whatever its code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Type == e.Type && (t.Code == "" || t.Code == e.Code) && t.Err == nil
}

// SignInKind reports whether the error belongs on the sign-in page (true) or
// the error page (false), as Auth.js sorts them.
func (e *Error) SignInKind() bool { return signInKind[e.Type] }

// ClientType is the type shown to a client: e.Type when Auth.js shows it,
// else Configuration.
func (e *Error) ClientType() ErrorType {
	if clientSafe[e.Type] {
		return e.Type
	}
	return Configuration
}

// Sentinel errors to compare with errors.Is.
var (
	ErrCredentialsSignin = &Error{Type: CredentialsSignin}
	ErrAccessDenied      = &Error{Type: AccessDenied}
	ErrMissingCSRF       = &Error{Type: MissingCSRF}
	ErrRateLimited       = &Error{Type: RateLimited}
	ErrUnavailable       = &Error{Type: Unavailable}
	ErrEmailSignin       = &Error{Type: EmailSignin}
)

// CredentialsError returns the error an Authorize function returns to refuse
// a sign-in with its own code, shown to the client as
// ?error=CredentialsSignin&code=<code>. The code must be safe to show.
func CredentialsError(code string) error {
	if code == "" {
		code = "credentials"
	}
	return &Error{Type: CredentialsSignin, Code: code}
}

func newError(t ErrorType, err error) *Error { return &Error{Type: t, Err: err} }

func errorf(t ErrorType, format string, args ...any) *Error {
	return &Error{Type: t, Err: fmt.Errorf(format, args...)}
}

// asError returns err as an *Error, wrapping anything else as t.
func asError(err error, t ErrorType) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return newError(t, err)
}
