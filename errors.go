package authgo

import (
	"errors"
	"fmt"
)

// ErrorType is an Auth.js error type. It is what appears in ?error= of an
// error redirect when the type is safe to show a client; every other type is
// shown as Configuration and only logged in full.
type ErrorType string

// The Auth.js error types authgo raises.
const (
	CredentialsSignin     ErrorType = "CredentialsSignin"
	OAuthAccountNotLinked ErrorType = "OAuthAccountNotLinked"
	OAuthCallbackError    ErrorType = "OAuthCallbackError"
	OAuthSignInError      ErrorType = "OAuthSignInError"
	AccessDenied          ErrorType = "AccessDenied"
	Verification          ErrorType = "Verification"
	MissingCSRF           ErrorType = "MissingCSRF"
	AccountNotLinked      ErrorType = "AccountNotLinked"
	Configuration         ErrorType = "Configuration"
	AdapterErrorType      ErrorType = "AdapterError"
	CallbackRouteError    ErrorType = "CallbackRouteError"
	InvalidCallbackURL    ErrorType = "InvalidCallbackUrl"
	InvalidCheck          ErrorType = "InvalidCheck"
	InvalidProvider       ErrorType = "InvalidProvider"
	JWTSessionError       ErrorType = "JWTSessionError"
	SessionTokenError     ErrorType = "SessionTokenError"
	SignOutError          ErrorType = "SignOutError"
	UnknownAction         ErrorType = "UnknownAction"
	OAuthProfileParseErr  ErrorType = "OAuthProfileParseError"
	RateLimited           ErrorType = "RateLimited"
	Unavailable           ErrorType = "Unavailable"
	// RefreshTokenError marks a session whose provider token could not be
	// refreshed; the app should send the user to sign in again.
	RefreshTokenError ErrorType = "RefreshTokenError"
)

// clientSafe are the types Auth.js shows in ?error= (isClientError); authgo
// adds RateLimited and Unavailable, which tell an attacker nothing.
var clientSafe = map[ErrorType]bool{
	CredentialsSignin: true, OAuthAccountNotLinked: true, OAuthCallbackError: true,
	AccessDenied: true, Verification: true, MissingCSRF: true, AccountNotLinked: true,
	RateLimited: true, Unavailable: true,
}

// signInKind are the types Auth.js redirects to the sign-in page (its
// SignInError subclasses); the others go to the error page.
var signInKind = map[ErrorType]bool{
	CredentialsSignin: true, OAuthAccountNotLinked: true, OAuthCallbackError: true,
	OAuthSignInError: true, MissingCSRF: true, AccountNotLinked: true, RateLimited: true,
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
