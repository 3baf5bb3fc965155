package authgo_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

// guardedApp is an app behind Middleware with role checks in handlers.
func guardedApp(t *testing.T, f *fixture) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(f.auth.BasePath()+"/", f.auth.Handler())
	ok := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			s, _ := f.auth.SessionFrom(r.Context())
			who := "anonymous"
			if s != nil {
				who = s.User.Email
			}
			io.WriteString(w, name+" for "+who)
		}
	}
	mux.Handle("/", ok("home"))
	mux.Handle("/login", ok("login"))
	mux.Handle("/dashboard", ok("dashboard"))
	mux.Handle("/admin/", f.auth.RequireRole("admin")(ok("admin")))
	mux.Handle("/admin", f.auth.RequireRole("admin")(ok("admin")))
	mux.Handle("/editor", f.auth.RequireRole("editor")(ok("editor")))
	mux.Handle("/api/me", ok("me"))
	mw := f.auth.Middleware(authgo.MiddlewareConfig{
		Protect:          []string{"/dashboard", "/admin", "/editor", "/api/"},
		SignedInRedirect: "/dashboard",
	})
	return mw(mux)
}

func newGuarded(t *testing.T) (*fixture, *httptest.Server) {
	f := newFixture(t, func(c *authgo.Config) {
		c.Access.SignInPage = "/login"
		c.Access.UnauthorizedPage = "/unauthorized"
	})
	srv := httptest.NewServer(guardedApp(t, f))
	t.Cleanup(srv.Close)
	f.srv.Close()
	f.srv = srv
	return f, srv
}

func get(t *testing.T, f *fixture, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	resp := f.do("GET", path, nil, header)
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestMiddlewareRedirectsAndAPI401(t *testing.T) {
	f, _ := newGuarded(t)
	resp, _ := get(t, f, "/dashboard?tab=2", nil)
	if got := resp.Header.Get("Location"); resp.StatusCode != 302 || got != "/login?callbackUrl=%2Fdashboard%3Ftab%3D2" {
		t.Fatalf("%d %q", resp.StatusCode, got)
	}
	resp, body := get(t, f, "/api/me", nil)
	if resp.StatusCode != 401 || strings.TrimSpace(body) != `{"error":"Unauthorized"}` {
		t.Fatalf("API: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, f, "/dashboard", map[string]string{"Accept": "application/json"})
	if resp.StatusCode != 401 {
		t.Fatalf("JSON Accept: %d %s", resp.StatusCode, body)
	}
	// The sign-in page and the home page are not guarded.
	for _, p := range []string{"/login", "/", "/api/auth/session"} {
		if resp, _ := get(t, f, p, nil); resp.StatusCode != 200 {
			t.Errorf("%s: %d", p, resp.StatusCode)
		}
	}
}

func TestMiddlewarePathTricksCannotSlipPast(t *testing.T) {
	f, srv := newGuarded(t)
	for _, p := range []string{"/admin/", "/ADMIN", "/Admin/x", "/admin%2F", "/./admin", "//admin", "/x/../admin", "/dashboard/", "/DASHBOARD", "/admin%2fusers"} {
		req, _ := http.NewRequest("GET", srv.URL+"/", nil)
		req.URL.Opaque = "" // keep the raw path as written
		req.URL, _ = url.Parse(srv.URL + p)
		resp, err := f.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && (strings.Contains(string(b), "admin for") || strings.Contains(string(b), "dashboard for")) {
			t.Errorf("%s reached a guarded handler signed out: %s", p, b)
		}
	}
}

func TestMiddlewareRolesAndSignedInRedirect(t *testing.T) {
	f, _ := newGuarded(t)
	location(t, f.signIn("grace@example.com", "another long secret")) // viewer
	resp, body := get(t, f, "/dashboard", nil)
	if resp.StatusCode != 200 || body != "dashboard for grace@example.com" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Errorf("middleware re-issued a token issued just now: %q", sc)
	}
	resp, _ = get(t, f, "/admin", nil)
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/unauthorized?from=%2Fadmin" {
		t.Fatalf("viewer on /admin: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = get(t, f, "/admin", map[string]string{"Accept": "application/json"})
	if resp.StatusCode != 403 || !strings.Contains(body, "Forbidden") {
		t.Fatalf("viewer on /admin as API: %d %s", resp.StatusCode, body)
	}
	// A forged role header or cookie changes nothing.
	resp, _ = get(t, f, "/admin", map[string]string{"X-Role": "admin", "X-User-Role": "admin"})
	if resp.StatusCode == 200 {
		t.Fatal("forged role header honoured")
	}
	// Signed in, the sign-in page redirects to the landing page.
	resp, _ = get(t, f, "/login", nil)
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "/dashboard" {
		t.Fatalf("signed-in /login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	g, _ := newGuarded(t)
	location(t, g.signIn("ada@example.com", "correct horse battery")) // admin
	for _, p := range []string{"/admin", "/editor", "/dashboard"} {
		if resp, body := get(t, g, p, nil); resp.StatusCode != 200 {
			t.Errorf("admin on %s: %d %s", p, resp.StatusCode, body)
		}
	}
}

func TestRoleHierarchy(t *testing.T) {
	a := mustNew(t, authgo.Config{Secret: []string{testSecret}, Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: noEnv})
	s := func(role string) *authgo.Session {
		return &authgo.Session{User: &authgo.SessionUser{ID: "u-" + role, Role: role}}
	}
	cases := []struct {
		have, want string
		ok         bool
	}{
		{"admin", "viewer", true}, {"admin", "editor", true}, {"admin", "admin", true},
		{"editor", "viewer", true}, {"editor", "admin", false}, {"viewer", "editor", false},
		{"", "viewer", false}, {"superuser", "viewer", false}, {"viewer", "nonexistent", false},
	}
	for _, c := range cases {
		if got := a.HasRole(s(c.have), c.want); got != c.ok {
			t.Errorf("HasRole(%q, %q) = %v", c.have, c.want, got)
		}
	}
	if a.HasRole(nil, "viewer") {
		t.Error("nil session has a role")
	}
	if !a.CanModify(s("viewer"), "u-viewer") || a.CanModify(s("editor"), "someone") || !a.CanModify(s("admin"), "someone") {
		t.Error("ownership rule wrong")
	}
}

func TestMiddlewareAuthorizedCallback(t *testing.T) {
	f := newFixture(t, nil)
	mw := f.auth.Middleware(authgo.MiddlewareConfig{
		Authorized: func(r *http.Request, s *authgo.Session) authgo.Verdict {
			if r.URL.Path == "/teapot" {
				return authgo.Respond(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(418) }))
			}
			if r.URL.Path == "/open" {
				return authgo.Allow()
			}
			return authgo.Deny()
		},
	})
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
	for path, want := range map[string]int{"/teapot": 418, "/open": 200, "/closed": 302, "/api/auth/signin": 200} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
	}
	var out map[string]string
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/closed", nil)
	req.Header.Set("Accept", "application/json")
	h.ServeHTTP(rec, req)
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	if rec.Code != 401 || out["error"] != "Unauthorized" {
		t.Errorf("API deny: %d %v", rec.Code, out)
	}
}

func TestOversizedHeadersAndCookies(t *testing.T) {
	_, srv := newGuarded(t)
	// A header block past net/http's 1 MB limit: 431 from the server.
	req, _ := http.NewRequest("GET", srv.URL+"/dashboard", nil)
	req.Header.Set("Cookie", "authjs.session-token="+strings.Repeat("a", 1<<20+8192))
	resp, err := newBrowser().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("oversized header: %d", resp.StatusCode)
	}
	// Many chunks and a 200 KB value under the limit: treated as no session.
	var b strings.Builder
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, "authjs.session-token.%d=%s; ", i, strings.Repeat("x", 2000))
	}
	for _, cookie := range []string{b.String(), "authjs.session-token=" + strings.Repeat("y", 200_000)} {
		req, _ = http.NewRequest("GET", srv.URL+"/dashboard", nil)
		req.Header.Set("Cookie", cookie)
		resp, err = newBrowser().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("oversized cookie: %d, want a redirect to sign in", resp.StatusCode)
		}
	}
}
