package e2e_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/guardtest"
	"github.com/authgo/authgo/providers"
)

const secret = "e2e-secret-0123456789abcdef0123456789abcdef"

// roles are the users the credentials provider knows, by email.
var roles = map[string]string{"ada@example.com": "admin", "grace@example.com": "viewer"}

func newAuth(t testing.TB) *authgo.Auth {
	t.Helper()
	a, err := authgo.New(authgo.Config{
		Secret:    []string{secret},
		TrustHost: true, // the tests' servers listen on ports they pick
		Providers: []authgo.Provider{providers.Credentials(providers.CredentialsConfig{
			Authorize: func(_ context.Context, c authgo.Credentials, _ *http.Request) (*authgo.User, error) {
				role, ok := roles[c["email"]]
				if !ok {
					return nil, nil
				}
				return &authgo.User{ID: "id-" + role, Email: c["email"], Role: role}, nil
			},
		})},
		Access:    authgo.AccessConfig{SignInPage: "/login"},
		LookupEnv: func(string) (string, bool) { return "", false },
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sessionCookie signs email in through Auth.SignIn and returns the Cookie
// header that carries the session.
func sessionCookie(t *testing.T, a *authgo.Auth, email string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	if _, err := a.SignIn(rec, httptest.NewRequest("POST", "http://127.0.0.1/login", nil), "credentials",
		authgo.SignInOptions{Credentials: map[string]string{"email": email, "password": "correct horse battery"}}); err != nil {
		t.Fatalf("SignIn %s: %v", email, err)
	}
	return guardtest.CookieHeader(rec.Result().Cookies())
}

// chiApp is the app of guardtest on chi, with GET <adminRoute> under
// /admin.
func chiApp(a *authgo.Auth, mw authgo.MiddlewareConfig, adminRoute string) http.Handler {
	r := chi.NewRouter()
	r.Use(a.Middleware(mw))
	r.Handle(a.BasePath()+"/*", a.Handler())
	r.Get(adminRoute, guardtest.Reached("admin"))
	r.Get("/posts/{id}/edit", guardtest.Reached("edit"))
	r.With(a.RequireRole("admin")).Get("/vault/*", guardtest.Reached("vault"))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "open") })
	return r
}

// TestChiGuardPathsCannotBeBypassed is TestGuardPathsCannotBeBypassed of
// the root module on chi, which routes on the raw (escaped) path and does
// not clean it: /admin/.. is /admin/{page} with page "..", and
// /admin/..%2F has page "..%2F".
func TestChiGuardPathsCannotBeBypassed(t *testing.T) {
	for _, route := range []string{"/admin/{page}", "/admin/*"} {
		for _, c := range guardtest.Cases() {
			t.Run(c.Name+" "+route, func(t *testing.T) {
				a := newAuth(t)
				srv := httptest.NewServer(chiApp(a, c.Config, route))
				t.Cleanup(srv.Close)
				cookie := ""
				if c.User != "" {
					cookie = sessionCookie(t, a, c.User)
				}
				guardtest.Check(t, srv.Listener.Addr().String(), cookie, sessionCookie(t, a, "ada@example.com"))
			})
		}
	}
}

// FuzzChiGuardPaths: whatever the request target, a signed-out request
// never reaches a guarded handler of chiApp, guarded by Protect or by
// guarding everything but Public paths.
func FuzzChiGuardPaths(f *testing.F) {
	for _, p := range guardtest.Bypasses {
		f.Add(p)
	}
	a := newAuth(f)
	var apps []http.Handler
	for i, c := range guardtest.Cases()[:2] {
		apps = append(apps, chiApp(a, c.Config, []string{"/admin/{page}", "/admin/*"}[i]))
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
