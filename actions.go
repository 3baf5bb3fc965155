package authgo

import (
	"net/http"
	"time"

	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/csrf"
	"github.com/authgo/authgo/internal/oauth"
	"github.com/authgo/authgo/internal/webauthn"
)

// handleProviders is GET /providers: every provider's id, name, type and
// URLs, keyed by id.
func (a *Auth) handleProviders(w http.ResponseWriter, rq *request) {
	type entry struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Type        string `json:"type"`
		SigninURL   string `json:"signinUrl"`
		CallbackURL string `json:"callbackUrl"`
	}
	out := make(map[string]entry, len(a.order))
	for _, p := range a.order {
		out[p.ID()] = entry{p.ID(), p.Name(), p.Type(), rq.actionURL(a, "signin/"+p.ID()), rq.actionURL(a, "callback/"+p.ID())}
	}
	writeJSON(w, http.StatusOK, out)
}

// csrfToken returns the CSRF token of rq, setting the cookie on w when the
// request has none or a forged one.
func (a *Auth) csrfToken(w http.ResponseWriter, rq *request) string {
	tok, fresh := a.csrf.Issue(cookie.Value(rq.r, rq.cookies.CSRFToken.Name))
	if fresh != "" && w != nil {
		cookie.Write(w, rq.cookies.CSRFToken.Cookie(csrf.CookieValue(fresh), time.Time{}))
	}
	return tok
}

// csrfValid reports whether the POST body of rq carries the token of its
// CSRF cookie.
func (a *Auth) csrfValid(rq *request) bool {
	return a.csrf.Verify(cookie.Value(rq.r, rq.cookies.CSRFToken.Name), rq.form.get("csrfToken"))
}

// handleCSRF is GET /csrf.
func (a *Auth) handleCSRF(w http.ResponseWriter, rq *request) {
	noStore(w)
	writeJSON(w, http.StatusOK, map[string]string{"csrfToken": a.csrfToken(w, rq)})
}

// handleSignInGet is GET /signin: the sign-in page. GET /signin/{provider}
// is not an action in Auth.js v5.
func (a *Auth) handleSignInGet(w http.ResponseWriter, rq *request) {
	switch {
	case a.cfg.Satellite != nil:
		a.satelliteSignIn(w, rq)
	case rq.provider == "":
		a.handleSignInPage(w, rq)
	default:
		a.fail(w, rq, errorf(UnknownAction, "unsupported action GET signin/%s", clip.String(rq.provider, 64)))
	}
}

// handleSignIn is POST /signin[/{provider}]: start an OAuth sign-in. Other
// provider types, or none, go back to the sign-in page, as in Auth.js.
func (a *Auth) handleSignIn(w http.ResponseWriter, rq *request) {
	if a.cfg.Satellite != nil {
		a.satelliteSignIn(w, rq)
		return
	}
	if !a.csrfValid(rq) {
		a.fail(w, rq, ErrMissingCSRF)
		return
	}
	cb := a.rememberCallbackURL(w, rq)
	if rq.provider != "" {
		p, err := a.provider(rq)
		if err != nil {
			a.fail(w, rq, err)
			return
		}
		if op, ok := p.(oauth.Provider); ok {
			a.startOAuth(w, rq, op, cb)
			return
		}
		if ep, ok := p.(EmailProvider); ok {
			a.emailSend(w, rq, ep)
			return
		}
	}
	redirect(w, rq.r, withQuery(a.pageURL(rq, a.cfg.Pages.SignIn, "signin"), "callbackUrl", cb))
}

// handleCallback is GET|POST /callback/{provider}.
func (a *Auth) handleCallback(w http.ResponseWriter, rq *request) {
	p, err := a.provider(rq)
	if err != nil {
		a.fail(w, rq, err)
		return
	}
	switch p := p.(type) {
	case CredentialsProvider:
		if rq.r.Method != http.MethodPost {
			a.fail(w, rq, errorf(UnknownAction, "credentials callback must be a POST"))
			return
		}
		if !a.csrfValid(rq) {
			a.fail(w, rq, ErrMissingCSRF)
			return
		}
		target, err := a.credentialsSignIn(w, rq, p, rq.form.values)
		if err != nil {
			a.fail(w, rq, err)
			return
		}
		redirect(w, rq.r, target)
	case oauth.Provider:
		a.finishOAuth(w, rq, p)
	case EmailProvider:
		a.emailCallbackHandler(w, rq, p)
	case webauthn.Provider:
		a.webauthnCallback(w, rq, p)
	default:
		a.fail(w, rq, errorf(InvalidProvider, "provider %q has no callback", p.ID()))
	}
}

// handleSignOut is POST /signout: end the session and go to the callbackUrl.
func (a *Auth) handleSignOut(w http.ResponseWriter, rq *request) {
	if !a.csrfValid(rq) {
		a.fail(w, rq, ErrMissingCSRF)
		return
	}
	target := a.callbackURL(rq)
	if err := a.endSession(w, rq); err != nil {
		a.fail(w, rq, err)
		return
	}
	redirect(w, rq.r, target)
}

// endSession ends the session of rq — deletes the row of a database
// session, records the sign-out of a JWT session in the revocation store
// (so that its cookies, older ones included, are refused if replayed) —
// clears its cookies and tells Events.SignOut. A token that cannot be read
// is simply cleared. When the store fails, nothing is cleared and the
// error is a SignOutError: the user is still signed in and may try again.
func (a *Auth) endSession(w http.ResponseWriter, rq *request) error {
	ctx := rq.r.Context()
	o := rq.cookies.SessionToken
	var ev SignOutEvent
	if a.cfg.Session.Strategy == StrategyDatabase {
		if token := cookie.Value(rq.r, o.Name); token != "" && len(token) <= 512 {
			a.sessionCache.forget(token)
			row, err := a.cfg.Adapter.DeleteSession(ctx, token)
			if err != nil {
				return &Error{Type: SignOutError, Err: err}
			}
			ev.Session = row
		}
	} else if c := a.readJWTCookie(rq); c.raw != "" {
		if t, err := a.decodeJWTCookie(c); err == nil {
			if err := a.revokeSession(ctx, t); err != nil {
				return &Error{Type: SignOutError, Err: err}
			}
			ev.Token = t
		}
		if c.v4 {
			cookie.ClearChunked(w, rq.r, c.opts)
		}
	}
	cookie.ClearChunked(w, rq.r, o)
	if ev.Token != nil || ev.Session != nil {
		emit(ctx, a.log, "signOut", a.cfg.Events.SignOut, ev)
	}
	return nil
}
