package authgo_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/internal/testenv"
)

func benchAuth(b testing.TB, mutate func(*authgo.Config)) (*authgo.Auth, *http.Request) {
	cfg := authgo.Config{
		Secret:    []string{testSecret},
		URL:       "http://localhost/api/auth",
		Providers: []authgo.Provider{testCredentials()},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		LookupEnv: noEnv,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	a, err := authgo.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	if _, err := a.SignIn(rec, httptest.NewRequest("POST", "http://localhost/login", nil), "credentials", authgo.SignInOptions{Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"}}); err != nil {
		b.Fatal(err)
	}
	req := httptest.NewRequest("GET", "http://localhost/api/auth/session", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	check := httptest.NewRecorder()
	a.Handler().ServeHTTP(check, req)
	if !strings.Contains(check.Body.String(), `"user"`) {
		b.Fatalf("no session to benchmark: %d %s", check.Code, check.Body)
	}
	return a, req
}

// discard is a ResponseWriter that keeps headers but drops the body, so
// the benchmark measures the handler rather than a recorder's buffer.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

// serveLoop serves req with h b.N times.
func serveLoop(b *testing.B, h http.Handler, req *http.Request) {
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	testenv.ReportCPU(b)
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

// BenchmarkSessionEndpoint is GET /api/auth/session with a JWT session
// issued less than Session.JWTUpdateAge ago, the common case: decode,
// checks, callbacks, JSON.
func BenchmarkSessionEndpoint(b *testing.B) {
	a, req := benchAuth(b, nil)
	serveLoop(b, a.Handler(), req)
}

// reissueAll is a Config with every read re-issuing the JWT.
func reissueAll(c *authgo.Config) { c.Session.JWTUpdateAge = -1 }

// BenchmarkSessionEndpointReissue is GET /api/auth/session re-issuing the
// token (once per JWTUpdateAge per session, or every read as Auth.js):
// decode, callbacks, re-encode, Set-Cookie, JSON.
func BenchmarkSessionEndpointReissue(b *testing.B) {
	a, req := benchAuth(b, reissueAll)
	serveLoop(b, a.Handler(), req)
}

// BenchmarkSessionEndpointDatabase is GET /api/auth/session with a
// database session in the memory adapter.
func BenchmarkSessionEndpointDatabase(b *testing.B) {
	a, req := benchAuth(b, func(c *authgo.Config) { c.Adapter = memory.New() })
	serveLoop(b, a.Handler(), req)
}

// guardedHandler is Middleware guarding /admin and RequireRole("admin")
// in front of a handler that answers 204.
func guardedHandler(a *authgo.Auth) http.Handler {
	return a.Middleware(authgo.MiddlewareConfig{Protect: []string{"/admin"}})(a.RequireRole("admin")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
}

// TestHotPathAllocations holds the allocation budgets of issue 9 (at most
// 20 per request) for GET /session and a guarded request with a JWT
// session, the session read and answered in full: for a token issued just
// now (answered from the cookie as it is) and for one that is re-issued
// (Session.JWTUpdateAge < 0: encrypted again and written back). Counts,
// unlike times, do not depend on the machine's load.
func TestHotPathAllocations(t *testing.T) {
	for _, every := range []bool{false, true} {
		a, req := benchAuth(t, func(c *authgo.Config) {
			if every {
				c.Session.JWTUpdateAge = -1
			}
		})
		admin := req.Clone(req.Context())
		admin.URL.Path = "/admin"
		for _, c := range []struct {
			name string
			h    http.Handler
			r    *http.Request
			code int
		}{
			{"GET /session", a.Handler(), req, http.StatusOK},
			{"Middleware + RequireRole", guardedHandler(a), admin, http.StatusNoContent},
		} {
			w := &discard{h: http.Header{}}
			n := testing.AllocsPerRun(200, func() {
				clear(w.h)
				c.h.ServeHTTP(w, c.r)
			})
			if want := map[bool]int{false: 0, true: 1}[every]; len(w.h["Set-Cookie"]) != want || w.code != c.code {
				t.Fatalf("%s (re-issued %v): answered %d with %v, want %d and %d Set-Cookie", c.name, every, w.code, w.h, c.code, want)
			}
			if n > 20 {
				t.Errorf("%s (re-issued %v): %v allocations per request, budget 20", c.name, every, n)
			}
		}
	}
}

// BenchmarkMiddleware is a guarded request through Middleware and
// RequireRole to a trivial handler.
func BenchmarkMiddleware(b *testing.B) {
	a, req := benchAuth(b, nil)
	req.URL.Path = "/admin"
	serveLoop(b, guardedHandler(a), req)
}

// BenchmarkMiddlewareReissue is BenchmarkMiddleware re-issuing the token.
func BenchmarkMiddlewareReissue(b *testing.B) {
	a, req := benchAuth(b, reissueAll)
	req.URL.Path = "/admin"
	serveLoop(b, guardedHandler(a), req)
}

// BenchmarkSessionRead is Auth.Session without writing the cookie back.
func BenchmarkSessionRead(b *testing.B) {
	a, req := benchAuth(b, nil)
	b.ReportAllocs()
	testenv.ReportCPU(b)
	for b.Loop() {
		if s, err := a.Session(nil, req); err != nil || s == nil {
			b.Fatal(s, err)
		}
	}
}

// BenchmarkSessionEndpointRevocable is GET /api/auth/session with a JWT
// session and a revocation store (the memory adapter): the store is read
// for the watermarks once per Revocation.CacheTTL, not per request.
func BenchmarkSessionEndpointRevocable(b *testing.B) {
	a, req := benchAuth(b, func(c *authgo.Config) { c.Revocation.Store = memory.New() })
	serveLoop(b, a.Handler(), req)
}
