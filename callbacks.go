package authgo

import (
	"context"
	"net/http"
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
	Request     *http.Request
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
// returns an error is logged and never breaks the request.
type Events struct {
	SignIn      func(ctx context.Context, e SignInEvent) error
	SignOut     func(ctx context.Context, e SignOutEvent) error
	Session     func(ctx context.Context, e SessionEvent) error
	CreateUser  func(ctx context.Context, user *User) error
	UpdateUser  func(ctx context.Context, user *User) error
	LinkAccount func(ctx context.Context, e LinkAccountEvent) error
}

// SignInEvent is the payload of Events.SignIn.
type SignInEvent struct {
	User      *User
	Account   *Account
	Profile   map[string]any
	IsNewUser bool
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
