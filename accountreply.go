package authgo

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/internal/cookie"
)

// accountOK answers a step that succeeded: JSON {"ok":true,"url":next,
// "message":msg} to API clients, a redirect to next for browsers.
func (a *Auth) accountOK(w http.ResponseWriter, rq *request, next, msg string) {
	noStore(w)
	if wantsJSON(rq.r) {
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "url": next, "message": msg})
		return
	}
	redirect(w, rq.r, next)
}

// accountRefuse answers a step refused for the client's input: JSON
// {"error":code,"message":msg,"fields":{…}} with status to API clients,
// the step's page again with the sentence and the field errors for
// browsers.
func (a *Auth) accountRefuse(w http.ResponseWriter, rq *request, status int, code, msg string, fields map[string]string) {
	noStore(w)
	if wantsJSON(rq.r) {
		body := map[string]any{"error": code, "message": msg}
		if len(fields) > 0 {
			body["fields"] = fields
		}
		writeJSON(w, status, body)
		return
	}
	a.renderAccount(w, rq, status, rq.provider, accountPageState{err: msg, fields: fields})
}

// accountFailed answers a step that failed for a reason other than the
// input: no CSRF token (403), a rate limit (429 with Retry-After), a store
// or mail server that is down (503), anything else (500). It logs the
// error (without secrets: callers never put one in it).
func (a *Auth) accountFailed(w http.ResponseWriter, rq *request, err error) {
	e := asError(err, AdapterError)
	a.logError(rq.r.Context(), rq, e)
	switch {
	case e.Type == MissingCSRF:
		a.accountRefuse(w, rq, http.StatusForbidden, "MissingCSRF", "The form expired. Reload the page and try again.", nil)
	case e.Type == RateLimited:
		secs := max(e.RetryAfter, 1)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		msg := "Too many attempts. Try again in " + (time.Duration(secs) * time.Second).Round(time.Minute).String() + "."
		if secs <= 60 {
			msg = "Too many attempts. Try again in a minute."
		}
		a.accountRefuse(w, rq, http.StatusTooManyRequests, string(RateLimited), msg, nil)
	case e.Type == Unavailable || e.Is(unavailableErr):
		w.Header().Set("Retry-After", "30")
		a.accountRefuse(w, rq, http.StatusServiceUnavailable, string(Unavailable), "The server could not do this now (the mail or the database did not answer). Nothing was changed; try again in a few minutes.", nil)
	case e.Type == AccessDenied:
		a.accountRefuse(w, rq, http.StatusForbidden, string(AccessDenied), "This is not allowed for your account.", nil)
	default:
		a.accountRefuse(w, rq, http.StatusInternalServerError, string(e.ClientType()), "Something went wrong on the server. Nothing was changed; try again later.", nil)
	}
}

// unavailableErr matches an *Error of type Unavailable through Is.
var unavailableErr = &Error{Type: Unavailable}

// accountUser returns the signed-in user of rq and when the session began;
// a nil user when there is none (or it expired, was revoked, or the user
// is gone).
func (a *Auth) accountUser(ctx context.Context, rq *request) (*User, time.Time, error) {
	ad := a.cfg.Adapter
	if a.cfg.Session.Strategy == StrategyDatabase {
		token := cookie.Value(rq.r, rq.cookies.SessionToken.Name)
		if token == "" || len(token) > 512 {
			return nil, time.Time{}, nil
		}
		s, u, err := ad.GetSessionAndUser(ctx, token)
		if err != nil {
			return nil, time.Time{}, adapterFailure(err)
		}
		if s == nil || u == nil || !s.Expires.After(a.now()) {
			return nil, time.Time{}, nil
		}
		return u, s.CreatedAt, nil
	}
	c := a.readJWTCookie(rq)
	if c.raw == "" {
		return nil, time.Time{}, nil
	}
	t, err := a.decodeJWTCookie(c)
	if err != nil || t.Subject == "" {
		return nil, time.Time{}, nil
	}
	if revoked, err := a.tokenRevoked(ctx, t); err != nil || revoked {
		return nil, time.Time{}, err
	}
	u, err := ad.GetUser(ctx, t.Subject)
	if err != nil {
		return nil, time.Time{}, adapterFailure(err)
	}
	return u, tokenSignInTime(t), nil
}

// signedInUser is accountUser for the steps that need a signed-in user:
// without one, a browser is sent to the sign-in page (coming back here)
// and an API client gets 401; ok is false then.
func (a *Auth) signedInUser(w http.ResponseWriter, rq *request) (u *User, since time.Time, ok bool) {
	u, since, err := a.accountUser(rq.r.Context(), rq)
	if err != nil {
		a.accountFailed(w, rq, err)
		return nil, since, false
	}
	if u == nil {
		if wantsJSON(rq.r) {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "SessionRequired", "message": "Sign in first."})
			return nil, since, false
		}
		redirect(w, rq.r, withQuery(a.pageURL(rq, a.cfg.Pages.SignIn, "signin"), "callbackUrl", rq.actionURL(a, "account/"+rq.provider)))
		return nil, since, false
	}
	return u, since, true
}

// accountSignIn signs user in after a step that proved the mailbox (a
// verification or reset link, a code): the SignIn callback, a new
// session, Events.SignIn. It returns where to go next.
func (a *Auth) accountSignIn(ctx context.Context, w http.ResponseWriter, rq *request, user *User, isNew bool) (string, error) {
	acct := &Account{Type: TypeCredentials, Provider: a.accounts.id, ProviderAccountID: user.ID, UserID: user.ID}
	if to, err := a.runSignIn(ctx, rq, SignInParams{User: user, Account: acct, Request: rq.r}); err != nil || to != "" {
		return to, err
	}
	if err := a.dropOtherSession(ctx, rq, user.ID); err != nil {
		return "", err
	}
	// The link or code proved the mailbox: the method is "email".
	challenge, err := a.issueSession(ctx, w, rq, signedIn{user: user, account: acct, isNewUser: isNew, methods: []string{amr.Email}, provider: a.accounts.id})
	if err != nil || challenge != "" {
		return challenge, err // a second factor is still due
	}
	idHash := a.signIns.identifierHash(user.Email)
	a.signInSucceeded(ctx, a.accounts.id, a.clientIP(rq.r), idHash, "via", rq.provider)
	emit(ctx, a.log, "signIn", a.cfg.Events.SignIn, SignInEvent{User: user, Account: acct, IsNewUser: isNew, ClientIP: a.clientIP(rq.r), IdentifierHash: idHash})
	return a.callbackURL(rq), nil
}
