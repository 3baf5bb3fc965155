package authgo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/password"
)

// fail answers a failed action as Auth.js's catch block does: log the error,
// then redirect to the sign-in page (sign-in errors) or the error page with
// ?error=<type>[&code=<code>]. POST /session answers 400 null instead; an
// unavailable store 503; a rate-limited request 429.
func (a *Auth) fail(w http.ResponseWriter, rq *request, err error) {
	e := asError(err, Configuration)
	ctx := rq.r.Context()
	if errors.Is(e, adapter.ErrUnavailable) || e.Type == Unavailable {
		e = &Error{Type: Unavailable, Err: e.Err}
	}
	a.logError(ctx, rq, e)
	switch {
	case rq.action == "session" && rq.r.Method == http.MethodPost:
		writeJSON(w, http.StatusBadRequest, nil)
		return
	case e.Type == RateLimited:
		a.tooManyRequests(w, rq, e)
		return
	case e.Type == Unavailable:
		if errors.Is(e, password.ErrBusy) {
			a.holdBusy(ctx)
		}
		w.Header().Set("Retry-After", "5")
		if wantsJSON(rq.r) {
			writeJSON(w, http.StatusServiceUnavailable, a.jsonFailure(rq, Unavailable, nil))
			return
		}
		a.renderError(w, rq, http.StatusServiceUnavailable, string(Unavailable))
		return
	}
	if e.Fields != nil && rq.r.Header.Get("X-Auth-Return-Redirect") == "" {
		// Field errors to an API client: as JSON. The built-in form gets
		// them through the flash saved below.
		if wantsJSON(rq.r) {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": string(e.Type), "code": e.Code, "fields": e.Fields})
			return
		}
	}
	ct := e.ClientType()
	if ct == CredentialsSignin && a.cfg.Pages.SignIn == "" && !wantsJSON(rq.r) {
		a.saveSignInFlash(w, rq, e.Fields) // the redirect below comes back to a filled form
	}
	code := ""
	if ct == CredentialsSignin {
		code = e.Code
		if code == "" {
			code = "credentials"
		}
	}
	var page string
	if e.SignInKind() {
		page = a.pageURL(rq, a.cfg.Pages.SignIn, "signin")
	} else {
		page = a.pageURL(rq, a.cfg.Pages.Error, "error")
	}
	target := withQuery(page, "error", string(ct), "code", code)
	if rq.r.Header.Get("X-Auth-Return-Redirect") != "" {
		// Auth.js answers an error in JSON mode with the URL alone, no
		// Location header.
		writeJSON(w, http.StatusOK, map[string]string{"url": target})
		return
	}
	redirect(w, rq.r, target)
}

// logError logs e at a level that fits it: client mistakes at info or warn,
// server failures at error. The cause is logged; it never holds a secret or
// a token (callers make sure of that).
func (a *Auth) logError(ctx context.Context, rq *request, e *Error) {
	attrs := []any{"type", string(e.Type), "action", rq.action}
	if rq.provider != "" {
		attrs = append(attrs, "provider", rq.provider)
	}
	if e.Code != "" {
		attrs = append(attrs, "code", e.Code)
	}
	if e.Err != nil {
		attrs = append(attrs, "err", e.Err.Error())
	}
	switch e.Type {
	case CredentialsSignin, MissingCSRF, RateLimited, InvalidCallbackURL, UnknownAction, InvalidProvider, AccessDenied, Verification, EmailSignin:
		if e.signInLogged {
			return // "sign-in failed" or "rate limited" said it, with the client
		}
		a.log.WarnContext(ctx, "authgo: request refused", attrs...)
	default:
		a.log.ErrorContext(ctx, "authgo: request failed", attrs...)
	}
}

// tooManyRequests answers a rate-limited attempt: 429 with Retry-After, as
// JSON for API clients or as the sign-in page with a plain message.
func (a *Auth) tooManyRequests(w http.ResponseWriter, rq *request, e *Error) {
	secs := max(e.RetryAfter, 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if wantsJSON(rq.r) {
		writeJSON(w, http.StatusTooManyRequests, a.jsonFailure(rq, RateLimited, map[string]any{"retryAfter": secs}))
		return
	}
	a.renderSignInPage(w, rq, http.StatusTooManyRequests, signInPageState{notice: retryMessage(secs)})
}

// jsonFailure is the JSON body of a failure answered with its own status
// (429, 503): {"error": t, …extra}. For the next-auth/react client
// (X-Auth-Return-Redirect) it also holds "url", the page that shows t, as
// every other answer in that mode does: the client reads the error from
// it, and without it signIn throws instead of returning the error.
func (a *Auth) jsonFailure(rq *request, t ErrorType, extra map[string]any) map[string]any {
	out := map[string]any{"error": string(t)}
	for k, v := range extra {
		out[k] = v
	}
	if rq.r.Header.Get("X-Auth-Return-Redirect") != "" {
		e := &Error{Type: t}
		page := a.pageURL(rq, a.cfg.Pages.Error, "error")
		if e.SignInKind() {
			page = a.pageURL(rq, a.cfg.Pages.SignIn, "signin")
		}
		out["url"] = withQuery(page, "error", string(e.ClientType()))
	}
	return out
}

func retryMessage(secs int) string {
	d := time.Duration(secs) * time.Second
	switch {
	case d <= time.Minute:
		return "Too many sign-in attempts. Try again in a minute."
	default:
		return fmt.Sprintf("Too many sign-in attempts. Try again in %d minutes.", int((d+time.Minute-1)/time.Minute))
	}
}

// configurationFailure answers a request that fails Auth.js's assertConfig
// (an invalid callbackUrl parameter) as Auth.js does: GET requests for a page get the
// error page with Configuration (500), or a redirect to Pages.Error; every
// other request gets 500 JSON with a plain message.
func (a *Auth) configurationFailure(w http.ResponseWriter, rq *request, err error) {
	a.logError(rq.r.Context(), rq, asError(err, Configuration))
	switch rq.action {
	case "signin", "signout", "error", "verify-request":
		if rq.r.Method == http.MethodGet && rq.provider == "" {
			if p := a.cfg.Pages.Error; p != "" && !strings.HasPrefix(rq.r.URL.Query().Get("callbackUrl"), p) {
				redirect(w, rq.r, withQuery(a.pageURL(rq, p, ""), "error", string(Configuration)))
				return
			}
			a.renderError(w, rq, 0, string(Configuration))
			return
		}
	}
	writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "There was a problem with the server configuration. Check the server logs for more information."})
}
