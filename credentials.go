package authgo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"

	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/signin"
	"github.com/authgo/authgo/internal/uuid"
)

// maxCredentialLen bounds every submitted credential; a longer value (a
// 1 MB "password") is refused before Authorize runs.
const maxCredentialLen = 1024

// credentialsSignIn runs a credentials sign-in and issues the session. It
// returns where to send the user. The rate limits guard it: the attempt is
// reserved before Authorize runs (a limited attempt never reaches it, so no
// password hash is computed for it), a failure keeps its reservation, a
// success takes it back; every outcome is logged and told to Events.
func (a *Auth) credentialsSignIn(w http.ResponseWriter, rq *request, p CredentialsProvider, values map[string]string) (to string, err error) {
	ctx := rq.r.Context()
	creds := Credentials(maps.Clone(values))
	if creds == nil {
		creds = Credentials{}
	}
	identifier := identifierOf(p, creds)
	if errs := validateCredentials(p.Fields(), inputRulesOf(p), creds); errs != nil {
		err := &Error{Type: CredentialsSignin, Code: "invalid_input", Fields: errs}
		a.signInFailed(ctx, SignInFailureEvent{Provider: p.ID(), ClientIP: a.clientIP(rq.r), IdentifierHash: a.signIns.identifierHash(identifier), Type: err.Type, Code: err.Code})
		return "", err
	}
	att, err := a.beginAttempt(rq.r, "signin", p.ID(), identifier)
	if err != nil {
		return "", err
	}
	defer func() { att.end(ctx, err) }()
	account := &Account{Type: TypeCredentials, Provider: p.ID()}
	var user *User
	if pp, ok := p.(PasswordProvider); ok {
		user, err = a.passwordAuthorize(ctx, rq, pp, creds)
	} else {
		user, err = a.authorize(signin.WithAccount(ctx, account), rq.r, p, creds)
	}
	if err != nil {
		return "", err
	}
	att.passed(ctx)
	account.ProviderAccountID = user.ID
	if to, err := a.runSignIn(ctx, rq, SignInParams{User: user, Account: account, Credentials: creds, Request: rq.r}); err != nil || to != "" {
		return to, err
	}
	if a.cfg.Session.Strategy == StrategyDatabase {
		if user, err = a.ensureStoredUser(ctx, user); err != nil {
			return "", err
		}
		account.ProviderAccountID = user.ID
	}
	challenge, err := a.issueSession(ctx, w, rq, signedIn{user: user, account: account, methods: []string{amr.Password}, provider: p.ID()})
	if err != nil || challenge != "" {
		att.pending = challenge != ""
		return challenge, err
	}
	att.done = true
	emit(ctx, a.log, "signIn", a.cfg.Events.SignIn, SignInEvent{User: user, Account: account, ClientIP: att.client, IdentifierHash: att.idHash})
	return a.callbackURL(rq), nil
}

// authorize calls the provider's Authorize and turns its outcomes into
// Auth.js's: nil user or a credentials error → CredentialsSignin, any other
// error → CallbackRouteError (shown as Configuration). A user without an id
// gets a random one, as Auth.js gives it.
func (a *Auth) authorize(ctx context.Context, r *http.Request, p CredentialsProvider, creds Credentials) (u *User, err error) {
	for k, v := range creds {
		if len(v) > maxCredentialLen {
			return nil, &Error{Type: CredentialsSignin, Code: "credentials", Err: fmt.Errorf("field %q longer than %d bytes", clip.String(k, 32), maxCredentialLen)}
		}
	}
	defer func() {
		if v := recover(); v != nil {
			u, err = nil, errorf(CallbackRouteError, "provider %q: Authorize panicked: %v", p.ID(), v)
		}
	}()
	u, err = p.Authorize(ctx, creds, r)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			if e.Type == CredentialsSignin && e.Code == "" {
				e = &Error{Type: CredentialsSignin, Code: "credentials", Err: e.Err}
			}
			return nil, e
		}
		if busy(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			// No guess was checked: the server was too busy to hash
			// (password.ErrBusy), or the client went away. 503.
			return nil, &Error{Type: Unavailable, Err: err}
		}
		return nil, &Error{Type: CallbackRouteError, Err: fmt.Errorf("provider %q: Authorize: %w", p.ID(), err)}
	}
	if u == nil {
		return nil, &Error{Type: CredentialsSignin, Code: "credentials"}
	}
	c := *u
	if c.ID == "" {
		c.ID = uuid.New()
	}
	return &c, nil
}

// identifierOf returns the submitted identifier of a credentials sign-in.
func identifierOf(p CredentialsProvider, creds Credentials) string {
	if f, ok := p.(IdentifierField); ok {
		return creds[f.IdentifierField()]
	}
	if v := creds["email"]; v != "" {
		return v
	}
	return creds["username"]
}

// runSignIn runs the SignIn callback: "" and nil allow; a URL redirects
// (checked by the redirect rule); an error denies with AccessDenied.
func (a *Auth) runSignIn(ctx context.Context, rq *request, p SignInParams) (string, error) {
	if a.cfg.Callbacks.SignIn == nil {
		return "", nil
	}
	to, err := a.cfg.Callbacks.SignIn(ctx, p)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return "", e
		}
		return "", &Error{Type: AccessDenied, Err: err}
	}
	if to != "" {
		return a.redirectTarget(ctx, rq, to), nil
	}
	return "", nil
}

// ensureStoredUser returns the adapter's record of a credentials user, so
// a database session can point at it: by id, else by email (in its
// email.Normalize form, which a created user is stored under); a user the
// adapter does not know yet is created (Events.CreateUser is told). This is
// what lets credentials sign-in use database sessions, which Auth.js does
// not allow (its issue #3729).
func (a *Auth) ensureStoredUser(ctx context.Context, u *User) (*User, error) {
	ad := a.cfg.Adapter
	if e, ok := email.Normalize(u.Email); ok {
		c := *u
		c.Email = e
		u = &c
	}
	found, err := ad.GetUser(ctx, u.ID)
	if err != nil {
		return nil, &Error{Type: AdapterError, Err: err}
	}
	if found == nil && u.Email != "" {
		if found, err = ad.GetUserByEmail(ctx, u.Email); err != nil {
			return nil, &Error{Type: AdapterError, Err: err}
		}
	}
	if found != nil {
		return found, nil
	}
	created, err := ad.CreateUser(ctx, *u)
	if err != nil {
		return nil, &Error{Type: AdapterError, Err: err}
	}
	emit(ctx, a.log, "createUser", a.cfg.Events.CreateUser, created)
	return created, nil
}
