package authgo_test

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/guardtest"
)

// pathApp is an app on a ServeMux whose guarded handlers say so in an
// X-Reached header: GET <adminPattern> (under /admin), GET
// /posts/{id}/edit, and GET /vault/{rest...} behind RequireRole("admin") alone.
// Everything else is an open page.
func pathApp(a *authgo.Auth, adminPattern string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(a.BasePath()+"/", a.Handler())
	reached := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Reached", name)
			io.WriteString(w, name)
		}
	}
	mux.Handle("GET "+adminPattern, reached("admin"))
	mux.Handle("GET /posts/{id}/edit", reached("edit"))
	mux.Handle("GET /vault/{rest...}", a.RequireRole("admin")(reached("vault")))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "open") })
	return mux
}

// guardCase is one way of guarding /admin and GET /posts/{id}/edit.
type guardCase struct {
	name string
	mw   authgo.MiddlewareConfig
	user string // who is signed in: "" for nobody
}

func guardCases() []guardCase {
	adminOnly := func(r *http.Request, s *authgo.Session) authgo.Verdict {
		if s != nil && s.User.Role == "admin" {
			return authgo.Allow()
		}
		return authgo.Deny()
	}
	protect := []string{"/admin", "GET /posts/{id}/edit"}
	return []guardCase{
		{name: "protect", mw: authgo.MiddlewareConfig{Protect: protect}},
		// Everything guarded but the public prefixes: a path must not pass
		// for /static or the sign-in page while it routes to /admin.
		{name: "guard-all", mw: authgo.MiddlewareConfig{Public: []string{"/static", "/open"}}},
		// A signed-in viewer where the Authorized callback wants an admin.
		{name: "authorized", mw: authgo.MiddlewareConfig{Protect: protect, Authorized: adminOnly}, user: "grace@example.com"},
	}
}

// signedInCookie signs email in on f and returns the Cookie header of its
// browser.
func signedInCookie(t *testing.T, f *fixture, email string) string {
	t.Helper()
	location(t, f.signIn(email, testUsers[email].password))
	return guardtest.CookieHeader(f.client.Jar.Cookies(mustURL(t, f.srv.URL)))
}

// TestGuardPathsCannotBeBypassed sends request targets that a router routes
// under a guarded prefix while a guard reading the decoded, cleaned path
// sees something else (/admin/..%2F is /admin/{page} with page "../" to
// ServeMux, and / after cleaning). Each goes over a raw TCP connection so
// nothing cleans it on the way. No target may reach a guarded handler
// without the session the guard asks for.
func TestGuardPathsCannotBeBypassed(t *testing.T) {
	for _, router := range []string{"/admin/{page}", "/admin/{rest...}"} {
		for _, gc := range guardCases() {
			t.Run(gc.name+" "+router, func(t *testing.T) {
				f := newFixture(t, func(c *authgo.Config) { c.Access.SignInPage = "/login" })
				srv := httptest.NewServer(f.auth.Middleware(gc.mw)(pathApp(f.auth, router)))
				t.Cleanup(srv.Close)
				cookie := ""
				if gc.user != "" {
					cookie = signedInCookie(t, f, gc.user)
				}
				addr := srv.Listener.Addr().String()
				// The harness can tell reached from refused.
				admin := adminCookie(t)
				for _, p := range []string{"/admin/p", "/vault/p", "/posts/1/edit"} {
					if r := rawGet(t, addr, p, admin); r.Header.Get("X-Reached") == "" {
						t.Fatalf("control: an admin did not reach %s: %d %q", p, r.Status, r.Body)
					}
					if r := rawGet(t, addr, p, cookie); r.Header.Get("X-Reached") != "" {
						t.Fatalf("control: %s reached %q without the right session", p, r.Header.Get("X-Reached"))
					}
				}
				if r := rawGet(t, addr, "/static/x", cookie); r.Status != 200 || r.Body != "open" {
					t.Fatalf("control: /static/x: %d %q", r.Status, r.Body)
				}
				targets := append([]string{}, guardtest.Bypasses...)
				for _, p := range guardtest.Bypasses {
					if strings.HasPrefix(p, "/admin") {
						targets = append(targets, "/vault"+strings.TrimPrefix(p, "/admin"))
					}
				}
				bypassed := 0
				for _, p := range targets {
					r := rawGet(t, addr, p, cookie)
					if h := r.Header.Get("X-Reached"); h != "" {
						bypassed++
						t.Errorf("GET %s reached the %s handler (%d)", p, h, r.Status)
					}
				}
				t.Logf("%d of %d targets bypassed the guard", bypassed, len(targets))
			})
		}
	}
}

// adminCookie signs in an admin on a fresh fixture of the same secret, for
// the control request.
func adminCookie(t *testing.T) string {
	t.Helper()
	f := newFixture(t, nil)
	return signedInCookie(t, f, "ada@example.com")
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func rawGet(t *testing.T, addr, target, cookie string) *guardtest.Response {
	t.Helper()
	r, err := guardtest.Get(addr, target, cookie)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return r
}

// FuzzGuardPaths: whatever the request target, a signed-out request never
// reaches a guarded handler of pathApp on ServeMux, with /admin guarded by
// Protect or by guarding everything but Public paths.
func FuzzGuardPaths(f *testing.F) {
	for _, p := range guardtest.Bypasses {
		f.Add(p)
	}
	a := mustNew(f, authgo.Config{Secret: []string{testSecret}, Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: noEnv,
		Access: authgo.AccessConfig{SignInPage: "/login"}})
	apps := []http.Handler{
		a.Middleware(authgo.MiddlewareConfig{Protect: []string{"/admin", "GET /posts/{id}/edit"}})(pathApp(a, "/admin/{rest...}")),
		a.Middleware(authgo.MiddlewareConfig{Public: []string{"/static", "/open"}})(pathApp(a, "/admin/{page}")),
	}
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: app.example\r\n\r\n")))
		if err != nil {
			return // the server would answer 400
		}
		for i, app := range apps {
			rec := httptest.NewRecorder()
			app.ServeHTTP(rec, req)
			if h := rec.Header().Get("X-Reached"); h != "" {
				t.Fatalf("app %d: GET %q reached the %s handler signed out", i, target, h)
			}
		}
	})
}
