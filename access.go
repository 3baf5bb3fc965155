package authgo

import (
	"net/http"
	"slices"
	"strings"

	"github.com/authgo/authgo/guardpath"
)

// AccessConfig configures route guards and role checks.
type AccessConfig struct {
	// Roles is the role hierarchy, lowest first: a user with a role passes
	// every check for a role before it. Default: viewer, editor, admin.
	Roles []string
	// SignInPage is where guards send signed-out page requests, with a
	// callbackUrl. Default: Pages.SignIn, else the built-in page.
	SignInPage string
	// UnauthorizedPage is where guards send signed-in page requests that
	// lack the role. Default: none; a plain 403 page is served.
	UnauthorizedPage string
	// APIPrefixes are path prefixes whose requests get JSON 401/403 instead
	// of redirects, matched as MiddlewareConfig.Protect matches prefixes
	// (on segment boundaries, without regard to case: "/api/" covers /api
	// and /api/x, not /apis). Default: "/api/". A request whose Accept asks
	// for JSON is treated as an API request everywhere.
	APIPrefixes []string
}

var defaultRoles = []string{"viewer", "editor", "admin"}

func (c *AccessConfig) normalize() {
	if len(c.Roles) == 0 {
		c.Roles = defaultRoles
	}
	if c.APIPrefixes == nil {
		c.APIPrefixes = []string{"/api/"}
	}
}

// HasRole reports whether the session's user holds role or a role above it
// in the hierarchy. Roles come only from the session (the token or the
// user record), never from the request.
func (a *Auth) HasRole(s *Session, role string) bool {
	if s == nil || s.User == nil || s.User.Role == "" {
		return false
	}
	have := slices.Index(a.cfg.Access.Roles, s.User.Role)
	want := slices.Index(a.cfg.Access.Roles, role)
	if have < 0 || want < 0 {
		return s.User.Role == role && role != ""
	}
	return have >= want
}

// CanModify reports whether the session's user may change a resource owned
// by ownerID: its owner, or a holder of the highest role.
func (a *Auth) CanModify(s *Session, ownerID string) bool {
	if s == nil || s.User == nil || s.User.ID == "" {
		return false
	}
	roles := a.cfg.Access.Roles
	return s.User.ID == ownerID || a.HasRole(s, roles[len(roles)-1])
}

// RequireAuth is middleware that lets only signed-in requests through:
// others get 401 JSON (APIs) or a redirect to sign in (pages). It is
// RequireRole(""); see there for how the session is read and kept.
func (a *Auth) RequireAuth(next http.Handler) http.Handler {
	return a.RequireRole("")(next)
}

// RequireRole returns middleware that lets through only requests whose
// session holds role (or a higher one): signed-out requests get 401 JSON
// or a redirect to sign in; signed-in ones without the role get 403 JSON
// or the unauthorized page. An empty role requires only a session.
//
// It guards the handler it wraps, so the router's choice of handler is the
// guard's: no request path can route around it. The session is read once
// per request whatever the number of guards of a (Middleware, RequireAuth,
// RequireRole) in the chain: the first one reads it, writes the refreshed
// cookie and keeps the session in the request context, where the others,
// Auth.Session and Auth.SessionFrom find it. Responses are marked as
// Middleware marks them (Vary: Cookie; private when they set a cookie).
func (a *Auth) RequireRole(role string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w, r, s, ok := a.guard(w, r)
			if !ok {
				return
			}
			switch {
			case s == nil:
				a.unauthenticated(w, r)
			case role != "" && !a.HasRole(s, role):
				a.forbidden(w, r)
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// isAPI reports whether r wants JSON answers: it asks for JSON, or some
// reading of its path falls under an API prefix (as Middleware's Protect
// matches).
func (a *Auth) isAPI(r *http.Request) bool {
	if wantsJSON(r) {
		return true
	}
	rp := guardpath.Read(r, nil)
	return a.apiPaths.Any(&rp)
}

// unauthenticated answers a request that needs a session and has none.
func (a *Auth) unauthenticated(w http.ResponseWriter, r *http.Request) {
	if a.isAPI(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Unauthorized"})
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "Sign in to do this.", http.StatusUnauthorized)
		return
	}
	cb := r.URL.EscapedPath()
	if cb == "" || !strings.HasPrefix(cb, "/") || strings.HasPrefix(cb, "//") {
		cb = "/"
	}
	if r.URL.RawQuery != "" {
		cb += "?" + r.URL.RawQuery
	}
	page := a.signInPage()
	if !strings.HasPrefix(page, "/") {
		// The sign-in page is on another host (a satellite's main app):
		// the way back must name this host.
		cb = a.newRequest(r).origin + cb
	}
	http.Redirect(w, r, withQuery(page, "callbackUrl", cb), http.StatusFound)
}

// forbidden answers a signed-in request that lacks the right.
func (a *Auth) forbidden(w http.ResponseWriter, r *http.Request) {
	if a.isAPI(r) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "Forbidden"})
		return
	}
	if p := a.cfg.Access.UnauthorizedPage; p != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, withQuery(p, "from", guardpath.Clean(r.URL.Path)), http.StatusFound)
		return
	}
	http.Error(w, "You do not have access to this page.", http.StatusForbidden)
}
