package authgo

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/authgo/authgo/guardpath"
	"github.com/authgo/authgo/internal/cookie"
)

// MiddlewareConfig configures Auth.Middleware.
type MiddlewareConfig struct {
	// Protect lists what needs a session. An entry without "{" or a space
	// is a path prefix matched on segment boundaries and without regard to
	// case ("/dashboard" guards /dashboard, /dashboard/x and /DASHBOARD,
	// not /dashboards); any other entry is a net/http ServeMux pattern
	// ("GET /posts/{id}/edit"). A request is guarded when any way a router
	// may read its path falls under an entry: /admin/..%2F and /admin/..
	// are under /admin (ServeMux and chi route them to /admin/{page}), as
	// are /admin;x/p and /ADMIN/p. Default: empty, which guards every path
	// except Public ones.
	Protect []string
	// Public lists what is never guarded, in the same form as Protect but
	// matched with regard to case, and only when every reading of the path
	// falls under an entry (/static/..%2Fadmin is not public). The auth
	// endpoints and the sign-in, error and unauthorized pages are always
	// public, so a guard can never loop. Default: empty.
	Public []string
	// Authorized decides a guarded request once the session is read (nil
	// when signed out). Default: nil, which allows signed-in requests.
	// Return Allow(), Deny(), or Respond(h) to answer with h. r.URL.Path is
	// the decoded path, which need not be the one the router routes: decide
	// on the session, and leave path decisions to Protect.
	Authorized func(r *http.Request, s *Session) Verdict
	// SignedInRedirect, when set, is where a signed-in user who opens the
	// sign-in page is sent (e.g. "/dashboard"). Default: empty, no
	// redirect.
	SignedInRedirect string
}

// Verdict is the answer of an Authorized callback.
type Verdict struct {
	allow   bool
	respond http.Handler
}

// Allow lets the request through.
func Allow() Verdict { return Verdict{allow: true} }

// Deny refuses the request: signed-out users are sent to sign in (401 JSON
// for API requests), signed-in users get 403.
func Deny() Verdict { return Verdict{} }

// Respond answers the request with h instead.
func Respond(h http.Handler) Verdict { return Verdict{respond: h} }

// Middleware returns middleware that reads the session once per request,
// puts it in the request context (Auth.Session and Auth.SessionFrom return
// it without reading again), writes the refreshed session cookie on the
// response as Auth.js's middleware does, and guards the paths of cfg:
// signed-out page requests get a 302 to the sign-in page with a
// callbackUrl of the path and query they asked for; API requests (JSON
// Accept, or a path under Config.Access.APIPrefixes) get 401
// {"error":"Unauthorized"}.
//
// Every response that passes Middleware carries Vary: Cookie, and one
// that sets a cookie (every signed-in one: the session cookie slides)
// Cache-Control: private, no-store unless the handler's Cache-Control
// already says private or no-store, so no shared cache hands one user's
// cookie to another. Serve files a CDN should cache outside Middleware.
//
// Middleware is the fast first layer. It does not replace checks in the
// handlers that mutate data: use RequireAuth, RequireRole and CanModify
// there too.
func (a *Auth) Middleware(cfg MiddlewareConfig) func(http.Handler) http.Handler {
	protect := guardpath.NewMatcher(cfg.Protect, true)
	public := guardpath.NewMatcher(append(append([]string{a.cfg.BasePath}, cfg.Public...), a.alwaysPublic()...), false)
	guardAll := len(cfg.Protect) == 0
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r, s, ok := a.guard(w, r)
			if !ok {
				return
			}
			if s != nil && cfg.SignedInRedirect != "" && a.isSignInPage(guardpath.Clean(r.URL.Path)) {
				http.Redirect(w, r, cfg.SignedInRedirect, http.StatusFound)
				return
			}
			var segs [8]string
			rp := guardpath.Read(r, segs[:0])
			if public.All(&rp) || (!guardAll && !protect.Any(&rp)) {
				next.ServeHTTP(w, r)
				return
			}
			v := Verdict{allow: s != nil}
			if cfg.Authorized != nil {
				v = cfg.Authorized(r, s)
			}
			switch {
			case v.respond != nil:
				v.respond.ServeHTTP(w, r)
			case v.allow:
				next.ServeHTTP(w, r)
			case s == nil:
				a.unauthenticated(w, r)
			default:
				a.forbidden(w, r)
			}
		})
	}
}

// ctxKey is the context key under which the guards of one Auth keep the
// session they read: each Auth has its own, so two in one process never
// see each other's session.
type ctxKey struct{ a *Auth }

// SessionFrom returns the session a guard of a (Middleware, RequireAuth,
// RequireRole) read for the request of ctx. ok is false when no guard of a
// ran for it (read the session with Session then). A nil session with ok
// true is a signed-out request: Middleware lets those through to paths it
// does not guard, and an Authorized callback may allow them anywhere.
func (a *Auth) SessionFrom(ctx context.Context) (s *Session, ok bool) {
	s, ok = ctx.Value(ctxKey{a}).(*Session)
	return s, ok
}

// guard reads the session of r for a guard and keeps it in the context of
// the request it returns, so later guards and Session do not read (and
// write the cookie) again. The writer it returns marks the response as
// depending on the session (see privateWriter). ok is false when the store
// failed; the response is written then.
func (a *Auth) guard(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request, *Session, bool) {
	if s, ok := a.SessionFrom(r.Context()); ok {
		return w, r, s, true
	}
	g := &guarded{privateWriter: privateWriter{ResponseWriter: w}}
	s, ok := a.readForRequest(&g.privateWriter, r)
	if !ok {
		return &g.privateWriter, r, nil, false
	}
	g.sessionContext = sessionContext{Context: r.Context(), key: ctxKey{a}, s: s}
	return &g.privateWriter, r.WithContext(&g.sessionContext), s, true
}

// guarded is what a guard adds to a request, in one allocation: the
// writer it hands on and the context that carries the session.
type guarded struct {
	privateWriter
	sessionContext
}

// sessionContext is context.WithValue(ctx, key, s) for the one key a
// guard sets.
type sessionContext struct {
	context.Context
	key ctxKey
	s   *Session
}

// Value returns the session for the guard's key, else asks the parent.
func (c *sessionContext) Value(key any) any {
	if key == any(c.key) {
		return c.s
	}
	return c.Context.Value(key)
}

// readForRequest reads the session of r, writing the refreshed cookie on w.
// A failing store answers 503 and ok is false.
func (a *Auth) readForRequest(w http.ResponseWriter, r *http.Request) (*Session, bool) {
	s, err := a.Session(w, r)
	if err != nil {
		a.log.ErrorContext(r.Context(), "authgo: session read failed", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
		if a.isAPI(r) {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": string(Unavailable)})
		} else {
			http.Error(w, "The service is temporarily unavailable. Try again in a moment.", http.StatusServiceUnavailable)
		}
		return nil, false
	}
	return s, true
}

// privateWriter is the ResponseWriter a guard hands on. When the response
// is committed (headers written) it adds Vary: Cookie, and when the
// response sets a cookie it makes it private to the browser
// (cookie.Private), whatever the handler set in between: a handler that
// marks a page "public, max-age=3600" must not have a CDN store the
// refreshed session cookie of the user who happened to load it. Unwrap,
// Flush, Hijack and ReadFrom reach the writer underneath
// (http.ResponseController works through it, http.ServeContent keeps
// sendfile).
type privateWriter struct {
	http.ResponseWriter
	committed bool
}

// commit marks the response once, before its header is written; final is
// false for a 1xx (informational) header, after which the final one is
// marked again.
func (p *privateWriter) commit(final bool) {
	if p.committed {
		return
	}
	p.committed = final
	h := p.ResponseWriter.Header()
	if len(h.Values("Set-Cookie")) > 0 {
		cookie.Private(h)
	} else {
		cookie.Vary(h)
	}
}

// WriteHeader marks the response and writes the header.
func (p *privateWriter) WriteHeader(code int) {
	p.commit(code >= 200)
	p.ResponseWriter.WriteHeader(code)
}

// Write marks the response if no header was written yet, and writes b.
func (p *privateWriter) Write(b []byte) (int, error) {
	p.commit(true)
	return p.ResponseWriter.Write(b)
}

// ReadFrom marks the response if no header was written yet, and copies
// src to it (with the writer underneath's ReadFrom when it has one).
func (p *privateWriter) ReadFrom(src io.Reader) (int64, error) {
	p.commit(true)
	return io.Copy(p.ResponseWriter, src)
}

// Flush marks the response if no header was written yet, and flushes it
// when the writer underneath can.
func (p *privateWriter) Flush() {
	p.commit(true)
	_ = http.NewResponseController(p.ResponseWriter).Flush()
}

// Hijack hands over the connection when the writer underneath can.
func (p *privateWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(p.ResponseWriter).Hijack()
}

// Unwrap returns the writer underneath, for http.ResponseController.
func (p *privateWriter) Unwrap() http.ResponseWriter { return p.ResponseWriter }

// alwaysPublic are the pages a guard must never send to itself.
func (a *Auth) alwaysPublic() []string {
	var out []string
	for _, p := range []string{a.signInPage(), a.cfg.Pages.Error, a.cfg.Access.UnauthorizedPage} {
		if strings.HasPrefix(p, "/") {
			out = append(out, strings.SplitN(p, "?", 2)[0])
		}
	}
	return out
}

// signInPage is the path (or URL) of the sign-in page guards send to.
func (a *Auth) signInPage() string {
	switch {
	case a.cfg.Access.SignInPage != "":
		return a.cfg.Access.SignInPage
	case a.cfg.Pages.SignIn != "":
		return a.cfg.Pages.SignIn
	}
	return a.cfg.BasePath + "/signin"
}

func (a *Auth) isSignInPage(clean string) bool {
	p := a.signInPage()
	return strings.HasPrefix(p, "/") && strings.EqualFold(clean, strings.SplitN(p, "?", 2)[0])
}
