package authgo

import (
	"context"
	"net/http"
	"net/url"
)

// Session returns the session of r — the auth() of Auth.js — or nil when
// the request has none (no cookie, an expired, forged or revoked one). It
// runs the JWT and Session callbacks as GET /session does. When w is not
// nil the refreshed cookie is written to it (sliding expiry), and a dead
// cookie is cleared; pass nil where headers can no longer be written.
//
// Behind a guard of a (Middleware, RequireAuth, RequireRole) the session
// was read once already; Session then returns that read without doing it
// again, and writes no second cookie.
//
// Only a failing store (database sessions) is an error; errors.Is(err,
// ErrUnavailable)-style checks work on it.
func (a *Auth) Session(w http.ResponseWriter, r *http.Request) (*Session, error) {
	if s, ok := a.SessionFrom(r.Context()); ok {
		return s, nil
	}
	rq := a.newRequest(r)
	res, err := a.readSession(r.Context(), rq, TriggerRead, nil)
	if err != nil {
		return nil, err
	}
	return res.apply(w), nil
}

// SignInOptions are the options of Auth.SignIn.
type SignInOptions struct {
	// Credentials are the submitted fields of a credentials sign-in.
	Credentials map[string]string
	// Email is the address typed for an email sign-in, as the email field
	// of POST /signin/{provider}.
	Email string
	// RedirectTo is where to go after signing in: a path or a URL of the
	// app's origin (anything else is replaced by the origin). Default: the
	// callbackUrl of the request, else the origin.
	RedirectTo string
}

// SignIn signs a user in from the app's own form handler (the server
// action of Auth.js): for a credentials provider it runs Authorize with
// opts.Credentials, applies rate limiting, sets the session cookie on w
// and returns the URL to redirect to. The attempt is reserved under the
// rate limits before Authorize runs, as for POST /callback/{provider}, and
// every outcome is logged and told to Events. Failures are *Error values
// the handler can show: errors.Is(err, ErrCredentialsSignin) (wrong email
// or password, same error for both), ErrRateLimited (its RetryAfter says
// how long), ErrAccessDenied (the SignIn callback refused), ErrUnavailable
// (the server is too busy to check a password, password.ErrBusy: answer
// 503 with Retry-After).
//
// For an email provider it does what POST /signin/{provider} does with
// opts.Email (Auth.js's signIn("nodemailer", formData)): it sends the
// sign-in mail, sets the binding cookie on w and returns the URL of the
// verify-request page — for an address that gets no mail too, so the
// answer tells nothing. Failures: ErrEmailSignin (not one plain address;
// its Fields say so), ErrRateLimited, ErrUnavailable (the mail server did
// not take the mail, or the store is down; nothing stays stored, so the
// user may retry).
//
// With the second factor on (TwoFactorConfig), a user who has one gets
// no session here: the URL returned is authgo's challenge (send the user
// there), and the pending sign-in is in a cookie on w; an app with its own
// challenge form calls VerifySecondFactor with the code instead.
//
// The CSRF token of the auth endpoints is not required here (the form is
// the app's), but r must pass the cross-origin check: a POST from another
// site is refused. Protect the app's form with VerifyCSRF as well when it
// can be posted by browsers that send neither Origin nor Sec-Fetch-Site.
func (a *Auth) SignIn(w http.ResponseWriter, r *http.Request, providerID string, opts SignInOptions) (string, error) {
	if err := a.cop.Check(r); err != nil {
		return "", &Error{Type: MissingCSRF, Err: err}
	}
	rq := a.newRequest(r)
	rq.provider = providerID
	rq.form = &body{values: map[string]string{}}
	if opts.RedirectTo != "" {
		rq.form.values["callbackUrl"] = opts.RedirectTo
	}
	p, err := a.provider(rq)
	if err != nil {
		return "", err
	}
	switch p := p.(type) {
	case CredentialsProvider:
		return a.credentialsSignIn(w, rq, p, opts.Credentials)
	case EmailProvider:
		// As on POST /signin/{id}: the code form of the verify-request
		// page reads where to go from the callback-url cookie.
		a.rememberCallbackURL(w, rq)
		return a.sendSignInMail(w, rq, p, opts.Email)
	}
	return "", errorf(InvalidProvider, "SignIn supports credentials and email providers; send the browser to %s/signin/%s for %q", a.cfg.BasePath, url.PathEscape(providerID), providerID)
}

// SignOut ends the session of r from the app's own handler, as POST
// /signout does: it deletes a database session, or records the sign-out of
// a JWT session in the revocation store (RevocationConfig; one small row
// or key until the session's last token expires) so that a copy of its
// cookie — the current one or an older one the session had before a read
// re-issued it — is refused from then on; then it clears the cookies on w
// and tells Events.SignOut. Without a revocation store a JWT sign-out only
// clears the cookie. It returns where to go next: redirectTo if it passes
// the redirect check, else the origin. Like SignIn it refuses cross-origin
// requests. When the store fails the error is a SignOutError (wrapping
// adapter.ErrUnavailable when the store is down), the cookies are left as
// they are and the user is still signed in.
func (a *Auth) SignOut(w http.ResponseWriter, r *http.Request, redirectTo string) (string, error) {
	if err := a.cop.Check(r); err != nil {
		return "", &Error{Type: MissingCSRF, Err: err}
	}
	rq := a.newRequest(r)
	if err := a.endSession(w, rq); err != nil {
		return "", err
	}
	if redirectTo == "" {
		return rq.origin, nil
	}
	return a.redirectTarget(r.Context(), rq, redirectTo), nil
}

// Update runs a session update from the server (unstable_update of
// Auth.js): the JWT callback gets Trigger update and data as Session (the
// Session callback gets it as NewSession for database sessions), and the
// new cookie is written to w.
func (a *Auth) Update(w http.ResponseWriter, r *http.Request, data any) (*Session, error) {
	rq := a.newRequest(r)
	res, err := a.readSession(r.Context(), rq, TriggerUpdate, data)
	if err != nil {
		return nil, err
	}
	return res.apply(w), nil
}

// CSRFToken returns the CSRF token to put in a form of the app's own (as a
// hidden csrfToken field), setting the CSRF cookie on w when needed. It is
// the same token the auth endpoints check.
func (a *Auth) CSRFToken(w http.ResponseWriter, r *http.Request) string {
	return a.csrfToken(w, a.newRequest(r))
}

// VerifyCSRF reports whether r — a POST of one of the app's own forms —
// is same-origin (Origin / Sec-Fetch-Site) and carries, in token, the
// token of its CSRF cookie. Read token from the form field csrfToken.
func (a *Auth) VerifyCSRF(r *http.Request, token string) bool {
	if a.cop.Check(r) != nil {
		return false
	}
	rq := a.newRequest(r)
	rq.form = &body{values: map[string]string{"csrfToken": token}}
	return a.csrfValid(rq)
}

// UpdateUser stores changes to a user through the adapter — a new name, a
// new role — and tells Events.UpdateUser. Database sessions show the change
// on their next read (cached lookups of the user are dropped). A JWT session
// carries the claims it was issued with: revoke it (RevokeUserSessions), or
// read the user in the JWT callback, for a change to apply at once.
//
// Failures are *Error values: MissingAdapter without Config.Adapter,
// Configuration for a User without an ID, AdapterError (wrapping the
// adapter's error) when the adapter fails. An unknown user is (nil, nil).
func (a *Auth) UpdateUser(ctx context.Context, u User) (*User, error) {
	if a.cfg.Adapter == nil {
		return nil, errorf(MissingAdapter, "UpdateUser needs Config.Adapter")
	}
	if u.ID == "" {
		return nil, errorf(Configuration, "UpdateUser needs the user's ID")
	}
	updated, err := a.cfg.Adapter.UpdateUser(ctx, u)
	if err != nil {
		return nil, newError(AdapterError, err)
	}
	if updated == nil {
		return nil, nil
	}
	a.sessionCache.forgetUser(u.ID)
	emit(ctx, a.log, "updateUser", a.cfg.Events.UpdateUser, updated)
	return updated, nil
}
