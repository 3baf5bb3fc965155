package authgo_test

import (
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/ratelimit"
)

func TestLoginRateLimitPerIdentifier(t *testing.T) {
	f := newFixture(t, nil)
	for i := 0; i < 5; i++ {
		location(t, f.signIn("ada@example.com", "wrong password "+strconv.Itoa(i)))
	}
	calls := f.authorized.Load()
	resp := f.signIn("ada@example.com", "correct horse battery")
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("6th attempt: %d, want 429", resp.StatusCode)
	}
	ra, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 15*60 {
		t.Fatalf("Retry-After %q", resp.Header.Get("Retry-After"))
	}
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), "Too many sign-in attempts") {
		t.Fatal("no plain message on the sign-in page")
	}
	if f.authorized.Load() != calls {
		t.Fatal("Authorize (the password check) ran for a limited request")
	}
	// The identifier is folded: case and spaces do not buy new attempts.
	if resp := f.signIn(" ADA@example.com ", "x y z w v u"); resp.StatusCode != 429 {
		t.Fatalf("folded identifier not limited: %d", resp.StatusCode)
	}
	// Another account from the same client is still allowed.
	if loc := location(t, f.signIn("grace@example.com", "another long secret")); loc != f.srv.URL {
		t.Fatal(loc)
	}
	// API clients get JSON.
	form := url.Values{"email": {"ada@example.com"}, "password": {"wrong-password"}, "csrfToken": {f.csrf()}}
	resp = f.do("POST", "/api/auth/callback/credentials", form, map[string]string{"X-Auth-Return-Redirect": "1"})
	var out map[string]any
	decodeJSON(t, resp, &out)
	if resp.StatusCode != 429 || out["error"] != "RateLimited" {
		t.Fatalf("%d %v", resp.StatusCode, out)
	}
}

func TestSuccessResetsIdentifierCount(t *testing.T) {
	f := newFixture(t, nil)
	for i := 0; i < 4; i++ {
		location(t, f.signIn("ada@example.com", "wrong password"))
	}
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	for i := 0; i < 4; i++ {
		if got := location(t, f.signIn("ada@example.com", "wrong password")); !strings.Contains(got, "CredentialsSignin") {
			t.Fatalf("attempt %d after a success: %s", i, got)
		}
	}
}

func TestRateLimitPerIP(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) {
		c.RateLimit.PerIP = ratelimit.Limit{Events: 3, Per: time.Hour}
	})
	for i := 0; i < 3; i++ {
		location(t, f.signIn("user"+strconv.Itoa(i)+"@example.com", "wrong password"))
	}
	if resp := f.signIn("ada@example.com", "correct horse battery"); resp.StatusCode != 429 {
		t.Fatalf("per-IP limit not applied: %d", resp.StatusCode)
	}
}

func TestSignInHelperRateLimitedError(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) {
		c.RateLimit.PerIdentifier = ratelimit.Limit{Events: 1, Per: time.Hour}
	})
	req := func() *http.Request {
		r, _ := http.NewRequest("POST", f.url("/login"), nil)
		r.RemoteAddr = "192.0.2.1:1234"
		return r
	}
	w := newRecorder()
	_, err := f.auth.SignIn(w, req(), "credentials", authgo.SignInOptions{Credentials: map[string]string{"email": "ada@example.com", "password": "bad password"}})
	if !errorsIs(err, authgo.ErrCredentialsSignin) {
		t.Fatalf("first: %v", err)
	}
	_, err = f.auth.SignIn(w, req(), "credentials", authgo.SignInOptions{Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"}})
	var e *authgo.Error
	if !errorsAs(err, &e) || e.Type != authgo.RateLimited || e.RetryAfter < 1 {
		t.Fatalf("second: %v", err)
	}
}

// Two instances over one limiter share one budget (see
// limittest.SharedBudget; the module adapter/redis runs it with Redis, and
// a Redis that is down).
func TestRateLimitSharedByInstances(t *testing.T) {
	limittest.SharedBudget(t, ratelimit.NewMemory())
}
