package authgo_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
)

// who names the session s of one Auth as a handler sees it through
// SessionFrom: "none" when no guard of that Auth ran, "signed out", or the
// email.
func who(s *authgo.Session, ok bool) string {
	switch {
	case !ok:
		return "none"
	case s == nil:
		return "signed out"
	}
	return s.User.Email
}

// TestTwoAuthsNeverShareASession runs two Auth values in one process — say
// staff and customers, with their own secrets and cookies — whose guards
// wrap the same handler. Each Auth's handler-side view (SessionFrom,
// Session) must show that Auth's user, never the other's: a customer
// signed in on the inner Auth must not pass for staff.
func TestTwoAuthsNeverShareASession(t *testing.T) {
	staff := newFixture(t, nil)
	customers := newFixture(t, func(c *authgo.Config) {
		c.Secret = []string{strings.Repeat("c", 40)}
		c.Cookies.SessionToken.Name = "customer.session-token"
	})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := staff.auth.Session(w, r)
		if err != nil {
			t.Error(err)
		}
		fmt.Fprintf(w, "staff=%s customer=%s staff-session=%s",
			who(staff.auth.SessionFrom(r.Context())), who(customers.auth.SessionFrom(r.Context())), who(s, true))
	})
	chains := map[string]http.Handler{
		"Middleware":  staff.auth.Middleware(authgo.MiddlewareConfig{Protect: []string{"/staff"}})(customers.auth.Middleware(authgo.MiddlewareConfig{Protect: []string{"/shop"}})(h)),
		"RequireAuth": customers.auth.RequireAuth(staff.auth.Middleware(authgo.MiddlewareConfig{Protect: []string{"/staff"}})(h)),
	}
	staffCookie := signedInCookie(t, staff, "ada@example.com")
	customerCookie := signedInCookie(t, customers, "grace@example.com")
	cases := []struct{ cookie, want string }{
		{customerCookie, "staff=signed out customer=grace@example.com staff-session=signed out"},
		{staffCookie + "; " + customerCookie, "staff=ada@example.com customer=grace@example.com staff-session=ada@example.com"},
	}
	for name, chain := range chains {
		for _, c := range cases {
			req := httptest.NewRequest("GET", "/page", nil)
			req.Header.Set("Cookie", c.cookie)
			rec := httptest.NewRecorder()
			chain.ServeHTTP(rec, req)
			if rec.Code != 200 || rec.Body.String() != c.want {
				t.Errorf("%s: %d %q, want %q", name, rec.Code, rec.Body.String(), c.want)
			}
		}
	}
	// No guard ran: SessionFrom says so, and is not "signed out".
	if s, ok := staff.auth.SessionFrom(context.Background()); s != nil || ok {
		t.Errorf("SessionFrom without a guard: %v, %v", s, ok)
	}
}

// TestGuardChainReadsTheSessionOnce is the README's quick start with a role
// check added: RequireAuth, RequireRole and a handler that calls
// Auth.Session, with and without Middleware in front. One request runs the
// JWT callback once and carries at most one Set-Cookie for the session
// cookie: exactly one when the read re-issues the token (JWTUpdateAge < 0:
// every read), none for a token issued just now (the default).
func TestGuardChainReadsTheSessionOnce(t *testing.T) {
	for _, c := range []struct {
		name       string
		updateAge  time.Duration
		setCookies int
	}{{"re-issued", -1, 1}, {"fresh", 0, 0}} {
		t.Run(c.name, func(t *testing.T) { guardChainReads(t, c.updateAge, c.setCookies) })
	}
}

func guardChainReads(t *testing.T, updateAge time.Duration, setCookies int) {
	var reads atomic.Int32
	f := newFixture(t, func(c *authgo.Config) {
		c.Session.JWTUpdateAge = updateAge
		c.Callbacks.JWT = func(_ context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			if p.Trigger == authgo.TriggerRead {
				reads.Add(1)
			}
			return p.Token, nil
		}
	})
	a := f.auth
	page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := a.Session(w, r)
		if err != nil || s == nil {
			t.Errorf("Session behind the guards: %v, %v", s, err)
			return
		}
		fmt.Fprintf(w, "Hello %s (%s)", s.User.Name, s.User.Role)
	})
	mux := http.NewServeMux()
	mux.Handle(a.BasePath()+"/", a.Handler())
	mux.Handle("/dashboard", a.RequireAuth(a.RequireRole("editor")(page)))
	mux.Handle("/both/", a.Middleware(authgo.MiddlewareConfig{Protect: []string{"/both"}})(a.RequireAuth(a.RequireRole("editor")(page))))
	// No guard at all: the handler reads twice; still one Set-Cookie.
	mux.HandleFunc("/twice", func(w http.ResponseWriter, r *http.Request) {
		for range 2 {
			if _, err := a.Session(w, r); err != nil {
				t.Error(err)
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.srv.Close()
	f.srv = srv
	location(t, f.signIn("ada@example.com", "correct horse battery"))

	for path, wantReads := range map[string]int32{"/dashboard": 1, "/both/x": 1, "/twice": 2} {
		reads.Store(0)
		resp := f.do("GET", path, nil, nil)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		if got := reads.Load(); got != wantReads {
			t.Errorf("GET %s ran the JWT callback %d times, want %d", path, got, wantReads)
		}
		if n := setCookieNames(resp.Header)["authjs.session-token"]; n != setCookies {
			t.Errorf("GET %s: %d Set-Cookie headers for the session cookie, want %d", path, n, setCookies)
		}
	}
}
