package e2e_test

import (
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

func newAuth(t *testing.T) *authgo.Auth {
	t.Helper()
	a, err := authgo.New(authgo.Config{
		Secret: []string{secret},
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

// chiApp is the app of the root's ServeMux path test on chi: the guarded
// handlers say so in X-Reached.
func chiApp(a *authgo.Auth, mw authgo.MiddlewareConfig, adminRoute string) http.Handler {
	reached := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Reached", name)
			io.WriteString(w, name)
		}
	}
	r := chi.NewRouter()
	r.Use(a.Middleware(mw))
	r.Handle(a.BasePath()+"/*", a.Handler())
	r.Get(adminRoute, reached("admin"))
	r.Get("/posts/{id}/edit", reached("edit"))
	r.With(a.RequireRole("admin")).Get("/vault/*", reached("vault"))
	r.NotFound(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "open") })
	return r
}

// TestChiGuardPathsCannotBeBypassed is TestGuardPathsCannotBeBypassed of
// the root module on chi, which routes on the raw (escaped) path and does
// not clean it: /admin/.. is /admin/{page} with page "..", and
// /admin/..%2F has page "..%2F".
func TestChiGuardPathsCannotBeBypassed(t *testing.T) {
	adminOnly := func(r *http.Request, s *authgo.Session) authgo.Verdict {
		if s != nil && s.User.Role == "admin" {
			return authgo.Allow()
		}
		return authgo.Deny()
	}
	protect := []string{"/admin", "GET /posts/{id}/edit"}
	cases := []struct {
		name string
		mw   authgo.MiddlewareConfig
		user string
	}{
		{"protect", authgo.MiddlewareConfig{Protect: protect}, ""},
		{"guard-all", authgo.MiddlewareConfig{Public: []string{"/static", "/open"}}, ""},
		{"authorized", authgo.MiddlewareConfig{Protect: protect, Authorized: adminOnly}, "grace@example.com"},
	}
	for _, route := range []string{"/admin/{page}", "/admin/*"} {
		for _, c := range cases {
			t.Run(c.name+" "+route, func(t *testing.T) {
				a := newAuth(t)
				srv := httptest.NewServer(chiApp(a, c.mw, route))
				t.Cleanup(srv.Close)
				addr := srv.Listener.Addr().String()
				cookie := ""
				if c.user != "" {
					cookie = sessionCookie(t, a, c.user)
				}
				admin := sessionCookie(t, a, "ada@example.com")
				for _, p := range []string{"/admin/p", "/vault/p", "/posts/1/edit"} {
					if r := get(t, addr, p, admin); r.Header.Get("X-Reached") == "" {
						t.Fatalf("control: an admin did not reach %s: %d %q", p, r.Status, r.Body)
					}
					if r := get(t, addr, p, cookie); r.Header.Get("X-Reached") != "" {
						t.Fatalf("control: %s reached %q without the right session", p, r.Header.Get("X-Reached"))
					}
				}
				targets := append([]string{}, guardtest.Bypasses...)
				for _, p := range guardtest.Bypasses {
					if strings.HasPrefix(p, "/admin") {
						targets = append(targets, "/vault"+strings.TrimPrefix(p, "/admin"))
					}
				}
				bypassed := 0
				for _, p := range targets {
					if h := get(t, addr, p, cookie).Header.Get("X-Reached"); h != "" {
						bypassed++
						t.Errorf("GET %s reached the %s handler", p, h)
					}
				}
				t.Logf("%d of %d targets bypassed the guard", bypassed, len(targets))
			})
		}
	}
}

func get(t *testing.T, addr, target, cookie string) *guardtest.Response {
	t.Helper()
	r, err := guardtest.Get(addr, target, cookie)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return r
}
