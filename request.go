package authgo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/cookie"
)

// MaxBodyBytes is the largest request body the auth endpoints read: 64 KiB.
// Sign-in forms and session updates are far smaller. A POST with a larger
// body is answered 413 Request Entity Too Large (JSON
// {"error":"RequestTooLarge","maxBytes":65536} for API clients, plain text
// for browsers) without reading more of it than the limit.
const MaxBodyBytes = 64 << 10

// body is a parsed POST body: form-urlencoded or JSON. Values holds every
// member that is a string (or a number or boolean, formatted); raw holds
// every JSON member as sent, for members that carry objects (the data of a
// session update).
type body struct {
	values map[string]string
	raw    map[string]json.RawMessage
}

func (b *body) get(k string) string {
	if b == nil {
		return ""
	}
	return b.values[k]
}

// errUnsupportedBody is returned for a body that is neither JSON nor a form.
var errUnsupportedBody = errors.New("body must be application/json or application/x-www-form-urlencoded")

// errBodyTooLarge is returned for a body of more than MaxBodyBytes.
var errBodyTooLarge = fmt.Errorf("body larger than %d bytes", MaxBodyBytes)

// parseBody reads r's body as Auth.js's getBody does: JSON or a
// form-urlencoded form, at most MaxBodyBytes (errBodyTooLarge past it, as
// soon as Content-Length says so). An empty body is an empty form.
func parseBody(w http.ResponseWriter, r *http.Request) (*body, error) {
	b := &body{values: map[string]string{}}
	if r.Body == nil || r.Body == http.NoBody {
		return b, nil
	}
	if r.ContentLength > MaxBodyBytes {
		return nil, errBodyTooLarge
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct != "" && err != nil {
		return nil, errUnsupportedBody
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errBodyTooLarge
		}
		return nil, err
	}
	if len(data) == 0 {
		return b, nil
	}
	switch mt {
	case "application/json":
		if err := json.Unmarshal(data, &b.raw); err != nil {
			return nil, errors.New("body is not a JSON object")
		}
		for k, v := range b.raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				b.values[k] = s
				continue
			}
			var n json.Number
			if json.Unmarshal(v, &n) == nil {
				b.values[k] = n.String()
				continue
			}
			var t bool
			if json.Unmarshal(v, &t) == nil {
				b.values[k] = strconv.FormatBool(t)
			}
		}
	case "application/x-www-form-urlencoded", "":
		q, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, errors.New("body is not a valid form")
		}
		for k, v := range q {
			if len(v) > 0 {
				b.values[k] = v[0]
			}
		}
	default:
		return nil, errUnsupportedBody
	}
	return b, nil
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte("null")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// bodyTooLarge answers a POST whose body is over MaxBodyBytes: 413, as JSON
// for API clients, as plain text for browsers. It is the client's mistake,
// not the server's configuration, so no error redirect.
func bodyTooLarge(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "RequestTooLarge", "maxBytes": MaxBodyBytes})
		return
	}
	http.Error(w, fmt.Sprintf("Request body too large: the limit is %d bytes.", MaxBodyBytes), http.StatusRequestEntityTooLarge)
}

// noStore marks a response as private and never cached, as Auth.js marks
// /session and /csrf.
func noStore(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-cache, no-store")
	h.Set("Expires", "0")
	h.Set("Pragma", "no-cache")
}

// redirect sends the client to location: a 302, or with the
// X-Auth-Return-Redirect header (as next-auth/react sends) a 200 JSON
// {"url": location}; the Location header is set in both cases.
func redirect(w http.ResponseWriter, r *http.Request, location string) {
	w.Header().Set("Location", location)
	if r.Header.Get("X-Auth-Return-Redirect") != "" {
		writeJSON(w, http.StatusOK, map[string]string{"url": location})
		return
	}
	w.WriteHeader(http.StatusFound)
}

// withQuery appends k=v pairs to u, with ? or & as u needs.
func withQuery(u string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return u
	}
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + encodeOrdered(kv)
}

// encodeOrdered encodes the pairs in the order given (url.Values sorts).
func encodeOrdered(kv []string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[i]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(kv[i+1]))
	}
	return b.String()
}

// pageURL returns the absolute URL of a configured page (a path on the
// app, or a URL) or of the built-in page action.
func (a *Auth) pageURL(rq *request, configured, action string) string {
	switch {
	case configured == "":
		return rq.actionURL(a, action)
	case strings.HasPrefix(configured, "/"):
		return rq.origin + configured
	}
	return configured
}

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
		w.Header().Set("Retry-After", "5")
		if wantsJSON(rq.r) {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": string(Unavailable)})
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
	case CredentialsSignin, MissingCSRF, RateLimited, InvalidCallbackURL, UnknownAction, InvalidProvider, AccessDenied, Verification:
		if e.signInLogged {
			return // "sign-in failed" or "rate limited" said it, with the client
		}
		a.log.WarnContext(ctx, "authgo: request refused", attrs...)
	default:
		a.log.ErrorContext(ctx, "authgo: request failed", attrs...)
	}
}

// wantsJSON reports whether a client expects JSON rather than a page.
func wantsJSON(r *http.Request) bool {
	if r.Header.Get("X-Auth-Return-Redirect") != "" {
		return true
	}
	acc := r.Header.Get("Accept")
	return strings.Contains(acc, "application/json") && !strings.Contains(acc, "text/html")
}

// tooManyRequests answers a rate-limited attempt: 429 with Retry-After, as
// JSON for API clients or as the sign-in page with a plain message.
func (a *Auth) tooManyRequests(w http.ResponseWriter, rq *request, e *Error) {
	secs := max(e.RetryAfter, 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if wantsJSON(rq.r) {
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": string(RateLimited), "retryAfter": secs})
		return
	}
	a.renderSignInPage(w, rq, http.StatusTooManyRequests, signInPageState{notice: retryMessage(secs)})
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

// callbackURLParam returns the callbackUrl of rq: the body's, else the
// query's.
func callbackURLParam(rq *request) string {
	if v := rq.form.get("callbackUrl"); v != "" {
		return v
	}
	return rq.r.URL.Query().Get("callbackUrl")
}

// checkCallbackURLParam refuses, as Auth.js's assertConfig does, a
// callbackUrl in the query or the body that is not a path or an http(s)
// URL (javascript:, data:, …): the client sent it itself.
func (a *Auth) checkCallbackURLParam(rq *request) error {
	for _, v := range []string{rq.r.URL.Query().Get("callbackUrl"), rq.form.get("callbackUrl")} {
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
