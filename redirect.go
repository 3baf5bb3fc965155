package authgo

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authgo/authgo/internal/cookie"
)

// callbackURLParam returns the callbackUrl of rq: the body's, else the
// query's.
func callbackURLParam(rq *request) string {
	if v := rq.form.get("callbackUrl"); v != "" {
		return v
	}
	return queryCallbackURL(rq)
}

// queryCallbackURL is the callbackUrl of rq's query. A request without a
// query (most, GET /session on every page load) parses none.
func queryCallbackURL(rq *request) string {
	if rq.r.URL.RawQuery == "" {
		return ""
	}
	return rq.r.URL.Query().Get("callbackUrl")
}

// checkCallbackURLParam refuses, as Auth.js's assertConfig does, a
// callbackUrl in the query or the body that is not a path or an http(s)
// URL (javascript:, data:, …): the client sent it itself.
func (a *Auth) checkCallbackURLParam(rq *request) error {
	for _, v := range [2]string{queryCallbackURL(rq), rq.form.get("callbackUrl")} {
		if v != "" && !isHTTPURL(v, rq.origin) {
			return errorf(InvalidCallbackURL, "callbackUrl is not an http(s) URL")
		}
	}
	return nil
}

// callbackCookie returns the callback-url cookie of rq, or "" when it is
// not a path or an http(s) URL. authgo only ever writes checked URLs there,
// so a javascript: value was planted (by a sibling subdomain, or an
// injected Set-Cookie); Auth.js answers every request with a 500 until it
// is cleared, which would let whoever planted it lock the user out.
func callbackCookie(rq *request) string {
	v := cookie.Value(rq.r, rq.cookies.CallbackURL.Name)
	if v != "" && !isHTTPURL(v, rq.origin) {
		return ""
	}
	return v
}

// clearBadCallbackCookie deletes a callback-url cookie that callbackCookie
// ignores.
func (a *Auth) clearBadCallbackCookie(w http.ResponseWriter, rq *request) {
	name := rq.cookies.CallbackURL.Name
	if cookie.Value(rq.r, name) != "" && callbackCookie(rq) == "" {
		a.log.WarnContext(rq.r.Context(), "authgo: callback-url cookie is not an http(s) URL; cleared", "action", rq.action)
		cookie.Write(w, rq.cookies.CallbackURL.Expired(name))
	}
}

// isHTTPURL reports whether v resolves, against origin, to an http(s) URL.
func isHTTPURL(v, origin string) bool {
	base, err := url.Parse(origin)
	if err != nil {
		return false
	}
	u, err := base.Parse(v)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https")
}

// safeRedirect is the default Redirect callback (Auth.js's rule, made
// stricter): a path on the app becomes baseURL+path, a URL of the same
// origin is kept, anything else becomes baseURL. Protocol-relative
// (//evil), backslash (/\evil) and control-character forms never leave the
// origin.
func safeRedirect(target, baseURL string) string {
	if target == "" || len(target) > 4096 {
		return baseURL
	}
	for i := 0; i < len(target); i++ {
		if target[i] < 0x20 || target[i] == 0x7f {
			return baseURL
		}
	}
	if strings.HasPrefix(target, "/") {
		if strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
			return baseURL
		}
		u, err := url.Parse(baseURL + target)
		if err != nil || u.Host != hostOf(baseURL) {
			return baseURL
		}
		return baseURL + target
	}
	u, err := url.Parse(target)
	if err != nil || strings.Contains(target, "\\") {
		return baseURL
	}
	b, err := url.Parse(baseURL)
	if err != nil {
		return baseURL
	}
	if u.User != nil || !strings.EqualFold(u.Scheme, b.Scheme) || !strings.EqualFold(u.Host, b.Host) || u.Opaque != "" {
		return baseURL
	}
	return target
}

func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Host
}

// redirectTarget passes target through the Redirect callback (or the
// default rule) and checks the result once more: a callback that returns a
// foreign URL cannot open a redirect by mistake unless it returns one on
// purpose as an absolute URL.
func (a *Auth) redirectTarget(ctx context.Context, rq *request, target string) string {
	if a.cfg.Callbacks.Redirect != nil {
		out := a.cfg.Callbacks.Redirect(ctx, target, rq.origin)
		if out == "" {
			return rq.origin
		}
		if strings.HasPrefix(out, "/") {
			return safeRedirect(out, rq.origin)
		}
		return out
	}
	return safeRedirect(target, rq.origin)
}

// callbackURL returns where to send the user after this action: the
// callbackUrl parameter, else a valid callback-url cookie, else the origin,
// passed through the redirect check.
func (a *Auth) callbackURL(rq *request) string {
	v := callbackURLParam(rq)
	if v == "" {
		v = callbackCookie(rq)
	}
	if v == "" {
		return rq.origin
	}
	return a.redirectTarget(rq.r.Context(), rq, v)
}

// rememberCallbackURL stores the checked callbackUrl parameter in the
// callback-url cookie when it changed, as Auth.js does on each request that
// carries one.
func (a *Auth) rememberCallbackURL(w http.ResponseWriter, rq *request) string {
	param := callbackURLParam(rq)
	target := a.callbackURL(rq)
	if param != "" && callbackCookie(rq) != target {
		cookie.Write(w, rq.cookies.CallbackURL.Cookie(target, time.Time{}))
	}
	return target
}
