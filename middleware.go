package authgo

import (
	"context"
	"net/http"
	"path"
	"strings"
)

// MiddlewareConfig configures Auth.Middleware.
type MiddlewareConfig struct {
	// Protect lists what needs a session. An entry without "{" or a space
	// is a path prefix matched on segment boundaries and without regard to
	// case ("/dashboard" guards /dashboard, /dashboard/x and /DASHBOARD,
	// not /dashboards); any other entry is a net/http ServeMux pattern
	// ("GET /posts/{id}/edit"). Empty: every path is guarded except Public
	// ones.
	Protect []string
	// Public lists prefixes never guarded, in the same form as Protect.
	// The auth endpoints and the sign-in, error and unauthorized pages are
	// always public, so a guard can never loop.
	Public []string
	// Authorized decides a guarded request once the session is read (nil
	// when signed out). Default: allow when signed in. Return Allow(),
	// Deny(), or Respond(h) to answer with h.
	Authorized func(r *http.Request, s *Session) Verdict
	// SignedInRedirect, when set, is where a signed-in user who opens the
	// sign-in page is sent (e.g. "/dashboard").
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
// puts it in the request context (Auth.Session and SessionFrom return it
// without reading again), writes the refreshed session cookie on the
// response as Auth.js's middleware does, and guards the paths of cfg:
// signed-out page requests get a 302 to the sign-in page with a
// callbackUrl of the path and query they asked for; API requests (JSON
// Accept, or a path under Config.Access.APIPrefixes) get 401
// {"error":"Unauthorized"}.
//
// Middleware is the fast first layer. It does not replace checks in the
// handlers that mutate data: use RequireAuth, RequireRole and CanModify
// there too.
func (a *Auth) Middleware(cfg MiddlewareConfig) func(http.Handler) http.Handler {
	protect := newMatcher(cfg.Protect)
	public := newMatcher(append(append([]string{a.cfg.BasePath}, cfg.Public...), a.alwaysPublic()...))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, ok := a.readForRequest(w, r)
			if !ok {
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, &sessionResult{auth: a, session: s}))
			clean := cleanPath(r.URL.Path)
			if s != nil && cfg.SignedInRedirect != "" && a.isSignInPage(clean) {
				http.Redirect(w, r, cfg.SignedInRedirect, http.StatusFound)
				return
			}
			if public.match(r, clean) || (len(cfg.Protect) > 0 && !protect.match(r, clean)) {
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

// cleanPath returns the canonical form of a request path: decoded, dots
// and double slashes resolved, so /./admin, //admin and /admin/ all read
// /admin.
func cleanPath(p string) string {
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	p = strings.ReplaceAll(p, "\\", "/")
	c := path.Clean(p)
	return c
}

// matcher matches requests against prefixes and ServeMux patterns.
type matcher struct {
	prefixes []string
	mux      *http.ServeMux
}

func newMatcher(entries []string) *matcher {
	m := &matcher{}
	for _, e := range entries {
		if e == "" {
			continue
		}
		if strings.ContainsAny(e, "{ ") {
			if m.mux == nil {
				m.mux = http.NewServeMux()
			}
			m.mux.Handle(e, http.NotFoundHandler())
			continue
		}
		m.prefixes = append(m.prefixes, strings.ToLower(cleanPath(e)))
	}
	return m
}

func (m *matcher) match(r *http.Request, clean string) bool {
	lc := strings.ToLower(clean)
	for _, p := range m.prefixes {
		if p == "/" || lc == p || strings.HasPrefix(lc, p+"/") {
			return true
		}
	}
	if m.mux != nil {
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = clean, ""
		if _, pattern := m.mux.Handler(r2); pattern != "" {
			return true
		}
	}
	return false
}
