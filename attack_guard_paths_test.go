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

// pathApp is the app of guardtest on a ServeMux, with GET <adminPattern>
// under /admin.
func pathApp(a *authgo.Auth, adminPattern string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(a.BasePath()+"/", a.Handler())
	mux.Handle("GET "+adminPattern, guardtest.Reached("admin"))
	mux.Handle("GET /posts/{id}/edit", guardtest.Reached("edit"))
	mux.Handle("GET /vault/{rest...}", a.RequireRole("admin")(guardtest.Reached("vault")))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "open") })
	return mux
}

// signedInCookie signs email in on f and returns the Cookie header of its
// browser.
func signedInCookie(t *testing.T, f *fixture, email string) string {
	t.Helper()
	location(t, f.signIn(email, testUsers[email].Password))
	u, err := url.Parse(f.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return guardtest.CookieHeader(f.client.Jar.Cookies(u))
}

// TestGuardPathsCannotBeBypassed sends request targets that a router routes
// under a guarded prefix while a guard reading the decoded, cleaned path
// sees something else (/admin/..%2F is /admin/{page} with page "../" to
// ServeMux, and / after cleaning), over raw TCP connections so nothing
// cleans them on the way. No target may reach a guarded handler without
// the session the guard asks for. e2e/routers_test.go does the same on chi.
func TestGuardPathsCannotBeBypassed(t *testing.T) {
	for _, router := range []string{"/admin/{page}", "/admin/{rest...}"} {
		for _, gc := range guardtest.Cases() {
			t.Run(gc.Name+" "+router, func(t *testing.T) {
				f := newFixture(t, func(c *authgo.Config) { c.Access.SignInPage = "/login" })
				srv := httptest.NewServer(f.auth.Middleware(gc.Config)(pathApp(f.auth, router)))
				t.Cleanup(srv.Close)
				cookie := ""
				if gc.User != "" {
					cookie = signedInCookie(t, f, gc.User)
				}
				admin := signedInCookie(t, newFixture(t, nil), "ada@example.com")
				guardtest.Check(t, srv.Listener.Addr().String(), cookie, admin)
			})
		}
	}
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
