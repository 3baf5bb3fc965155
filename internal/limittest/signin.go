package limittest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
	"github.com/authgo/authgo/ratelimit"
)

// The sign-in attacks on rate limiting (issue 8, items 1 and 6) that every
// Limiter backend must stop, and the sharing of one budget by instances.
// The root's attack_ratelimit_test.go runs them with the memory limiter,
// the module adapter/redis with the Redis one.

// NewLimiter returns the limiter under test, with state of its own.
type NewLimiter func(t *testing.T) ratelimit.Limiter

// gate is a credentials provider whose Authorize counts its calls and then
// waits until every attempt of a burst has either entered it or been
// answered. So all attempts of a burst are in flight together, whatever the
// machine's speed, and the count is exactly how many passed the limiter.
type gate struct {
	entered atomic.Int32
	release chan struct{}
}

// provider returns the gated credentials provider: every attempt is a
// wrong password.
func (g *gate) provider() authgo.Provider {
	return providers.Credentials(providers.CredentialsConfig{
		Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			g.entered.Add(1)
			<-g.release
			return nil, nil
		},
	})
}

// burst runs attempt(i) for i in [0, n) at once and returns how many
// reached Authorize and the outcome of each attempt.
func (g *gate) burst(t *testing.T, n int, attempt func(i int) string) (int, []string) {
	t.Helper()
	out := make([]string, n)
	var done atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			out[i] = attempt(i)
			done.Add(1)
		})
	}
	deadline := time.Now().Add(60 * time.Second)
	for int(g.entered.Load()+done.Load()) < n {
		if time.Now().After(deadline) {
			close(g.release)
			wg.Wait()
			t.Fatalf("burst stuck: %d entered Authorize, %d answered, of %d", g.entered.Load(), done.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
	close(g.release)
	wg.Wait()
	return int(g.entered.Load()), out
}

// RaceLimits is item 1: parallel attempts must not get more through to
// Authorize than the limit allows: forty wrong passwords for one email
// from one client (PerIdentifierClient 5), and 120 distinct emails from one
// client (PerIP 50), through the /callback endpoint and through
// Auth.SignIn.
func RaceLimits(t *testing.T, newLimiter NewLimiter) {
	viaCallback := func(email func(i int) string) func(f *Fixture, csrf string, i int) string {
		return func(f *Fixture, csrf string, i int) string {
			resp, err := f.PostCredentials(csrf, email(i), "wrong password")
			if err != nil {
				return err.Error()
			}
			return strconv.Itoa(resp.StatusCode)
		}
	}
	viaSignIn := func(email func(i int) string) func(f *Fixture, csrf string, i int) string {
		return func(f *Fixture, _ string, i int) string {
			return f.SignInAs("192.0.2.1:4711", email(i), "wrong password")
		}
	}
	ada := func(int) string { return "ada@example.com" }
	distinct := func(i int) string { return fmt.Sprintf("user%d@example.com", i) }
	for _, tc := range []struct {
		name     string
		n, limit int
		attempt  func(f *Fixture, csrf string, i int) string
	}{
		{"callback/one identifier", 40, 5, viaCallback(ada)},
		{"callback/one IP", 120, 50, viaCallback(distinct)},
		{"SignIn/one identifier", 40, 5, viaSignIn(ada)},
		{"SignIn/one IP", 120, 50, viaSignIn(distinct)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &gate{release: make(chan struct{})}
			f := NewFixture(t, func(c *authgo.Config) {
				c.Providers = []authgo.Provider{g.provider()}
				c.RateLimit.Limiter = newLimiter(t)
			})
			csrf := f.CSRF()
			n, out := g.burst(t, tc.n, func(i int) string { return tc.attempt(f, csrf, i) })
			outcomes := map[string]int{}
			for _, o := range out {
				outcomes[o]++
			}
			t.Logf("%s: %d of %d parallel attempts reached Authorize; outcomes %v", tc.name, n, tc.n, outcomes)
			if n > tc.limit {
				t.Fatalf("%d attempts reached Authorize, limit %d", n, tc.limit)
			}
			if refused := outcomes["429"] + outcomes[string(authgo.RateLimited)]; refused != tc.n-n {
				t.Fatalf("%d refused by the limits, want %d", refused, tc.n-n)
			}
		})
	}
}

// LockoutOfOwner is item 6: wrong guesses from one network must not lock
// the owner out from another (ASVS 2.2.1: limits that do not become a
// lock-out), while the account as a whole takes at most 100 failures an
// hour from everywhere.
func LockoutOfOwner(t *testing.T, newLimiter NewLimiter) {
	f := NewFixture(t, func(c *authgo.Config) { c.RateLimit.Limiter = newLimiter(t) })
	const attacker, owner = "198.51.100.1:1", "203.0.113.9:1"
	for i := range 5 {
		if got := f.SignInAs(attacker, "ada@example.com", fmt.Sprint("wrong guess ", i)); got != string(authgo.CredentialsSignin) {
			t.Fatalf("guess %d: %s", i, got)
		}
	}
	if got := f.SignInAs(attacker, "ada@example.com", "wrong guess 6"); got != string(authgo.RateLimited) {
		t.Fatalf("6th guess from the attacker's network: %s, want RateLimited", got)
	}
	if got := f.SignInAs(owner, "ada@example.com", "correct horse battery"); got != "ok" {
		t.Fatalf("the owner from another network after the attacker's 5 guesses: %s, want ok", got)
	}

	// An attacker with many addresses stays under the per-client limit
	// and is stopped by the per-account ceiling.
	before := f.Authorized.Load()
	failed, limited := 0, 0
	for i := range 250 {
		remote := fmt.Sprintf("198.51.%d.%d:1", 101+i/4/250, 1+(i/4)%250)
		switch f.SignInAs(remote, "ada@example.com", fmt.Sprint("distributed guess ", i)) {
		case string(authgo.CredentialsSignin):
			failed++
		case string(authgo.RateLimited):
			limited++
		}
	}
	checked := int(f.Authorized.Load() - before)
	t.Logf("distributed attacker: %d of 250 guesses checked, %d failed, %d limited", checked, failed, limited)
	if checked+5 > 100 || limited == 0 {
		t.Fatalf("distributed guesses checked: %d (+5 earlier), want at most 100 failures for one account", checked)
	}
	if got := f.SignInAs("192.0.2.200:1", "ada@example.com", "another guess"); got != string(authgo.RateLimited) {
		t.Fatalf("a new network past the ceiling: %s, want RateLimited", got)
	}
	// Another account is not affected.
	if got := f.SignInAs("192.0.2.201:1", "grace@example.com", "another long secret"); got != "ok" {
		t.Fatalf("another account: %s", got)
	}
}

// SuccessesAreRefunded is item 1: only failures count. A client's
// successful sign-ins, however many, spend no budget, and a success
// forgets its own earlier typos.
func SuccessesAreRefunded(t *testing.T, newLimiter NewLimiter) {
	f := NewFixture(t, func(c *authgo.Config) {
		c.RateLimit.Limiter = newLimiter(t)
		c.RateLimit.PerIP = ratelimit.Limit{Events: 3, Per: time.Hour}
		c.RateLimit.PerIdentifier = ratelimit.Limit{Events: 3, Per: time.Hour}
	})
	for i := range 10 {
		if got := f.SignInAs("192.0.2.1:1", "ada@example.com", "correct horse battery"); got != "ok" {
			t.Fatalf("success %d: %s", i, got)
		}
	}
	for i := range 3 {
		if got := f.SignInAs("192.0.2.1:1", "ada@example.com", "wrong password"); got != string(authgo.CredentialsSignin) {
			t.Fatalf("failure %d after 10 successes: %s", i, got)
		}
	}
	if got := f.SignInAs("192.0.2.1:1", "ada@example.com", "correct horse battery"); got != string(authgo.RateLimited) {
		t.Fatalf("after 3 failures (limit 3): %s", got)
	}
}

// SharedBudget checks that two instances (two Auths) over one limiter
// share one budget: five wrong passwords spread over both leave the sixth
// attempt, on either, refused with 429.
func SharedBudget(t *testing.T, shared ratelimit.Limiter) {
	one := NewFixture(t, func(c *authgo.Config) { c.RateLimit.Limiter = shared })
	two := NewFixture(t, func(c *authgo.Config) { c.RateLimit.Limiter = shared })
	for i := range 5 {
		f := one
		if i%2 == 1 {
			f = two
		}
		if resp := f.SignIn("ada@example.com", "wrong password "+strconv.Itoa(i)); resp.StatusCode != http.StatusFound {
			t.Fatalf("wrong password %d: %d, want 302", i, resp.StatusCode)
		}
	}
	if resp := two.SignIn("ada@example.com", "correct horse battery"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("budget not shared across instances: %d", resp.StatusCode)
	}
}

// BackendDown checks what a sign-in does when the limiter's backend fails
// (newDown returns a limiter whose every call fails): refused with 429
// before Authorize runs and logged (fail-closed, the default), or let
// through with FailOpen.
func BackendDown(t *testing.T, newDown NewLimiter) {
	closed := NewFixture(t, func(c *authgo.Config) { c.RateLimit.Limiter = newDown(t) })
	if resp := closed.SignIn("ada@example.com", "correct horse battery"); resp.StatusCode != http.StatusTooManyRequests || closed.Authorized.Load() != 0 {
		t.Fatalf("backend down, fail-closed: %d (Authorize ran %d times)", resp.StatusCode, closed.Authorized.Load())
	}
	if logs := closed.Logs.String(); !strings.Contains(logs, "rate limiter failed") || !strings.Contains(logs, "fail-closed") {
		t.Fatal("limiter failure not logged")
	}
	open := NewFixture(t, func(c *authgo.Config) {
		c.RateLimit.Limiter = newDown(t)
		c.RateLimit.FailurePolicy = ratelimit.FailOpen
	})
	resp := open.SignIn("ada@example.com", "correct horse battery")
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || got != open.Server.URL {
		t.Fatalf("backend down, fail-open: %d to %q", resp.StatusCode, got)
	}
}
