package authgo_test

// Attacks on login rate limiting (issue 8, items 1, 3, 4, 6 and 15): racing
// the limiter with parallel attempts, rotating IPv6 addresses inside one
// /64, locking the real owner out from another network, flooding the
// password hash, and signing in without leaving a trace in the logs.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/providers"
	"github.com/authgo/authgo/ratelimit"
)

// memoryLimiter is the limiter of the root's runs of the checks every
// backend passes; the module adapter/redis runs them with Redis.
func memoryLimiter(*testing.T) ratelimit.Limiter { return ratelimit.NewMemory() }

// Item 1: parallel attempts must not get more through to Authorize than
// the limit allows (see limittest.RaceLimits).
func TestAttackRaceLimits(t *testing.T) { limittest.RaceLimits(t, memoryLimiter) }

// signInAs calls Auth.SignIn for email from the client at remote.
func signInAs(f *fixture, remote, email, pw string) string { return f.lim.SignInAs(remote, email, pw) }

// Item 4: a client that owns an IPv6 /64 (the usual size of one customer's
// network) must not get a fresh per-IP budget from each of its addresses.
// An IPv4-mapped IPv6 address is the IPv4 address.
func TestAttackIPv6RotationInOnePrefix(t *testing.T) {
	f := newFixture(t, nil)
	limited := 0
	for i := range 60 {
		remote := fmt.Sprintf("[2001:db8:1:2:%x::%x]:443", i, i+1)
		if signInAs(f, remote, fmt.Sprintf("user%d@example.com", i), "wrong password") == string(authgo.RateLimited) {
			limited++
		}
	}
	if n := f.authorized.Load(); n > 50 || limited != 10 {
		t.Fatalf("60 addresses of one /64: %d reached Authorize, %d limited; want at most 50 and 10", n, limited)
	}
	// Another /64 has its own budget.
	if got := signInAs(f, "[2001:db8:1:3::1]:443", "ada@example.com", "correct horse battery"); got != "ok" {
		t.Fatalf("a client of another /64: %s", got)
	}

	g := newFixture(t, func(c *authgo.Config) { c.RateLimit.PerIP = ratelimit.Limit{Events: 3, Per: time.Hour} })
	for i, remote := range []string{"192.0.2.7:1", "[::ffff:192.0.2.7]:2", "192.0.2.7:3"} {
		if got := signInAs(g, remote, fmt.Sprintf("nobody%d@example.com", i), "wrong password"); got != string(authgo.CredentialsSignin) {
			t.Fatalf("%s: %s", remote, got)
		}
	}
	if n := g.authorized.Load(); n != 3 {
		t.Fatalf("%d attempts reached Authorize, want 3", n)
	}
	if got := signInAs(g, "[::ffff:192.0.2.7]:4", "ada@example.com", "correct horse battery"); got != string(authgo.RateLimited) {
		t.Fatalf("IPv4-mapped address of a limited IPv4 client: %s", got)
	}
}

// Item 6: wrong guesses from one network must not lock the owner out from
// another (see limittest.LockoutOfOwner).
func TestAttackLockoutOfOwner(t *testing.T) { limittest.LockoutOfOwner(t, memoryLimiter) }

// logRecords returns the JSON log records of buf whose msg is msg.
func logRecords(t *testing.T, buf *bytes.Buffer, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(buf.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// jsonLogFixture is a fixture that logs JSON records to the returned
// buffer, with a GitHub provider beside the credentials one.
func jsonLogFixture(t *testing.T, secret string) (*fixture, *limittest.Logs) {
	buf := &limittest.Logs{}
	f := newFixture(t, func(c *authgo.Config) {
		c.Secret = []string{secret}
		c.Logger = slog.New(slog.NewJSONHandler(buf, nil))
		c.Providers = append(c.Providers, providers.GitHub(providers.Options{ClientID: "id", ClientSecret: "secret"}))
	})
	return f, buf
}

// Item 15: every sign-in success, failure and limit is logged with the
// provider, the client IP and a keyed hash of the identifier, never the
// email or the password, on every path.
func TestAttackSignInsAreLogged(t *testing.T) {
	f, buf := jsonLogFixture(t, testSecret)
	signInAs(f, "192.0.2.1:1", "Ada@Example.com", "wrong password 1")
	location(t, f.signIn("ada@example.com", "wrong password 2"))
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	signInAs(f, "192.0.2.2:1", "grace@example.com", "wrong password 3")
	for range 6 { // five failures, then limited
		signInAs(f, "192.0.2.3:1", "ada@example.com", "wrong password 4")
	}
	f.do("GET", "/api/auth/callback/github?error=access_denied", nil, nil)

	logs := bytes.NewBufferString(buf.String())
	for _, secret := range []string{"ada@example.com", "Ada@Example.com", "grace@example.com", "wrong password", "correct horse"} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("the log holds %q:\n%s", secret, logs)
		}
	}
	failures := logRecords(t, logs, "authgo: sign-in failed")
	if len(failures) != 9 {
		t.Fatalf("%d failures logged, want 9 (8 credentials, 1 OAuth):\n%s", len(failures), logs)
	}
	want := []struct{ provider, ip string }{
		{"credentials", "192.0.2.1"}, {"credentials", "127.0.0.1"}, {"credentials", "192.0.2.2"},
		{"credentials", "192.0.2.3"}, {"credentials", "192.0.2.3"}, {"credentials", "192.0.2.3"},
		{"credentials", "192.0.2.3"}, {"credentials", "192.0.2.3"}, {"github", "127.0.0.1"},
	}
	for i, w := range want {
		if failures[i]["provider"] != w.provider || failures[i]["client_ip"] != w.ip {
			t.Fatalf("failure %d: %v, want provider %s from %s", i, failures[i], w.provider, w.ip)
		}
	}
	ada := failures[0]["identifier_hash"]
	if s, _ := ada.(string); len(s) < 16 || failures[1]["identifier_hash"] != ada || failures[2]["identifier_hash"] == ada {
		t.Fatalf("identifier hashes: %v %v %v (the same account must hash alike, another differently)", ada, failures[1]["identifier_hash"], failures[2]["identifier_hash"])
	}
	successes := logRecords(t, logs, "authgo: sign-in succeeded")
	if len(successes) != 1 || successes[0]["client_ip"] != "127.0.0.1" || successes[0]["identifier_hash"] != ada || successes[0]["provider"] != "credentials" {
		t.Fatalf("successes: %v", successes)
	}
	limited := logRecords(t, logs, "authgo: sign-in rate limited")
	if len(limited) != 1 || limited[0]["client_ip"] != "192.0.2.3" || limited[0]["identifier_hash"] != ada {
		t.Fatalf("rate limited: %v", limited)
	}
	// Each refused sign-in is one line: the request log does not repeat
	// what the sign-in log said.
	for _, r := range logRecords(t, bytes.NewBufferString(buf.String()), "authgo: request refused") {
		if r["type"] == "CredentialsSignin" || r["type"] == "RateLimited" {
			t.Fatalf("a refused sign-in logged twice: %v", r)
		}
	}

	// The hash is keyed by the secret: another deployment's logs cannot be
	// joined with these by hashing guessed emails.
	other, buf2 := jsonLogFixture(t, strings.Repeat("another-secret-", 3))
	signInAs(other, "192.0.2.1:1", "ada@example.com", "wrong password")
	if got := logRecords(t, bytes.NewBufferString(buf2.String()), "authgo: sign-in failed"); len(got) != 1 || got[0]["identifier_hash"] == ada {
		t.Fatalf("another secret gives the same identifier hash: %v", got)
	}
}

// Item 4: the prefix is configurable; 128 counts every address alone.
func TestRateLimitIPv6PrefixConfig(t *testing.T) {
	for _, tc := range []struct {
		bits    int
		limited bool
	}{{0, true}, {48, true}, {128, false}} {
		f := newFixture(t, func(c *authgo.Config) {
			c.RateLimit.PerIP = ratelimit.Limit{Events: 2, Per: time.Hour}
			c.RateLimit.IPv6Prefix = tc.bits
		})
		for i := range 2 {
			signInAs(f, fmt.Sprintf("[2001:db8:1:%x::1]:1", i), fmt.Sprintf("user%d@example.com", i), "wrong password")
		}
		got := signInAs(f, "[2001:db8:1:ff::2]:1", "ada@example.com", "correct horse battery")
		// /0 means /64: the third address is in another /64, so allowed.
		want := tc.bits == 48
		if (got == string(authgo.RateLimited)) != want {
			t.Errorf("IPv6Prefix %d: third attempt %s", tc.bits, got)
		}
	}
	for _, bad := range []int{-1, 129} {
		_, err := authgo.New(authgo.Config{Secret: []string{testSecret}, TrustHost: true, RateLimit: authgo.RateLimitConfig{IPv6Prefix: bad}, LookupEnv: func(string) (string, bool) { return "", false }})
		if err == nil || !strings.Contains(err.Error(), "IPv6Prefix") {
			t.Errorf("IPv6Prefix %d: %v", bad, err)
		}
	}
}

// Item 1: only failures count (see limittest.SuccessesAreRefunded).
func TestRateLimitSuccessesAreRefunded(t *testing.T) {
	limittest.SuccessesAreRefunded(t, memoryLimiter)
}

// Item 15: the events carry what the logs carry.
func TestSignInEvents(t *testing.T) {
	var mu sync.Mutex
	var failures []authgo.SignInFailureEvent
	var limited []authgo.RateLimitedEvent
	var signIns []authgo.SignInEvent
	f := newFixture(t, func(c *authgo.Config) {
		c.RateLimit.PerIdentifierClient = ratelimit.Limit{Events: 1, Per: time.Hour}
		c.Events.SignInFailure = func(_ context.Context, e authgo.SignInFailureEvent) error {
			mu.Lock()
			defer mu.Unlock()
			failures = append(failures, e)
			return nil
		}
		c.Events.RateLimited = func(_ context.Context, e authgo.RateLimitedEvent) error {
			mu.Lock()
			defer mu.Unlock()
			limited = append(limited, e)
			return nil
		}
		c.Events.SignIn = func(_ context.Context, e authgo.SignInEvent) error {
			mu.Lock()
			defer mu.Unlock()
			signIns = append(signIns, e)
			return nil
		}
	})
	signInAs(f, "[2001:db8::7]:1", "ada@example.com", "wrong password")
	signInAs(f, "[2001:db8::7]:1", "ada@example.com", "wrong password")
	signInAs(f, "192.0.2.9:1", "ADA@example.com", "correct horse battery")
	mu.Lock()
	defer mu.Unlock()
	v6 := netip.MustParseAddr("2001:db8::7")
	if len(failures) != 1 || failures[0].Provider != "credentials" || failures[0].ClientIP != v6 ||
		failures[0].Type != authgo.CredentialsSignin || failures[0].Code != "credentials" || len(failures[0].IdentifierHash) != 32 {
		t.Fatalf("failures: %+v", failures)
	}
	hash := failures[0].IdentifierHash
	if len(limited) != 1 || limited[0].ClientIP != v6 || limited[0].Limit != "identifier-client" ||
		limited[0].IdentifierHash != hash || limited[0].RetryAfter <= 0 || limited[0].RetryAfter > time.Hour {
		t.Fatalf("rate limited: %+v", limited)
	}
	if len(signIns) != 1 || signIns[0].ClientIP != netip.MustParseAddr("192.0.2.9") || signIns[0].IdentifierHash != hash || signIns[0].User.ID != "user-1" {
		t.Fatalf("sign-ins: %+v", signIns)
	}
}

// hashingFixture is a fixture whose Authorize checks real argon2id hashes
// with package password, as an app does: Verify for a known email,
// DummyVerify for an unknown one, and ErrBusy passed on.
func hashingFixture(t *testing.T, mutate func(*authgo.Config)) (*fixture, *atomic.Int32) {
	t.Helper()
	hash, err := password.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	f := newFixture(t, func(c *authgo.Config) {
		c.Providers = []authgo.Provider{providers.Credentials(providers.CredentialsConfig{
			Authorize: func(ctx context.Context, cr authgo.Credentials, r *http.Request) (*authgo.User, error) {
				calls.Add(1)
				if cr["email"] != "ada@example.com" {
					_, err := password.DummyVerify(cr["password"])
					return nil, err
				}
				ok, err := password.Verify(cr["password"], hash)
				if err != nil || !ok {
					return nil, err
				}
				return &authgo.User{ID: "user-1", Email: "ada@example.com"}, nil
			},
		})}
		if mutate != nil {
			mutate(c)
		}
	})
	return f, &calls
}

// Item 3: when the process computes as many hashes as it allows, a sign-in
// fails at once with 503 and Retry-After (JSON for API clients, the error
// page for forms), for known and unknown emails alike, and the attempt is
// not counted against the account: nothing was checked.
func TestAttackHashFloodAnsweredBusy(t *testing.T) {
	t.Cleanup(func() { password.SetMaxConcurrent(0) })
	f, calls := hashingFixture(t, func(c *authgo.Config) { c.RateLimit.ConcurrentHashes = 1 })
	if prev := password.SetMaxConcurrent(1); prev != 1 {
		t.Fatalf("New did not apply ConcurrentHashes: the bound was %d", prev)
	}
	release, err := password.Acquire() // the one slot: a hash in progress
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 { // more than PerIdentifierClient allows
		email := "ada@example.com"
		if i%2 == 1 {
			email = "nobody@example.com"
		}
		resp := f.signIn(email, "wrong password")
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "<html") {
			t.Fatalf("%s while hashing is full: %d, Retry-After %q, body %.80q", email, resp.StatusCode, resp.Header.Get("Retry-After"), body)
		}
	}
	form := url.Values{"email": {"ada@example.com"}, "password": {"wrong password"}, "csrfToken": {f.csrf()}}
	resp := f.do("POST", "/api/auth/callback/credentials", form, map[string]string{"X-Auth-Return-Redirect": "1"})
	var out map[string]any
	decodeJSON(t, resp, &out)
	if resp.StatusCode != http.StatusServiceUnavailable || out["error"] != "Unavailable" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("API client while hashing is full: %d %v", resp.StatusCode, out)
	}
	_, err = f.auth.SignIn(newRecorder(), limittest.ClientRequest("192.0.2.1:1"), "credentials",
		authgo.SignInOptions{Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"}})
	if !errorsIs(err, authgo.ErrUnavailable) {
		t.Fatalf("Auth.SignIn while hashing is full: %v", err)
	}
	if !strings.Contains(f.logs.String(), "type=Unavailable") {
		t.Fatal("busy sign-ins not logged")
	}
	release()

	// None of the busy attempts was counted: five wrong passwords are
	// still checked, then the right one is refused only by the limit.
	before := calls.Load()
	for i := range 5 {
		if got := location(t, f.signIn("ada@example.com", "wrong password")); !strings.Contains(got, "CredentialsSignin") {
			t.Fatalf("failure %d after the flood: %s", i, got)
		}
	}
	if n := calls.Load() - before; n != 5 {
		t.Fatalf("%d of 5 attempts checked after the flood", n)
	}
	if resp := f.signIn("ada@example.com", "correct horse battery"); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt: %d, want 429", resp.StatusCode)
	}
}

// Issue 9 item 4: with providers.InputAsIs, Authorize receives the email
// as typed, but the rate limits must still count it folded: an attacker
// who varies case, width and surrounding space gets no more than
// PerIdentifierClient (5) guesses at one account from one client, and the
// limit that stops the sixth is the identifier's, not the client's.
func TestAttackIdentifierCaseWithInputAsIs(t *testing.T) {
	var limits []string
	var mu sync.Mutex
	f := newFixture(t, func(c *authgo.Config) {
		c.Providers = []authgo.Provider{providers.Credentials(providers.CredentialsConfig{
			Input: providers.InputAsIs(),
			Authorize: func(context.Context, authgo.Credentials, *http.Request) (*authgo.User, error) {
				return nil, nil
			},
		})}
		c.Events.RateLimited = func(_ context.Context, e authgo.RateLimitedEvent) error {
			mu.Lock()
			defer mu.Unlock()
			limits = append(limits, e.Limit)
			return nil
		}
	})
	spellings := []string{"ada@example.com", "ADA@example.com", "Ada@Example.Com", " ada@example.com", "ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ", "ada@EXAMPLE.COM ", "aDa@example.com"}
	var out []string
	for _, email := range spellings {
		out = append(out, signInAs(f, "192.0.2.9:1234", email, "a wrong guess"))
	}
	want := []string{"CredentialsSignin", "CredentialsSignin", "CredentialsSignin", "CredentialsSignin", "CredentialsSignin", "RateLimited", "RateLimited"}
	if fmt.Sprint(out) != fmt.Sprint(want) {
		t.Fatalf("outcomes %v, want %v", out, want)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(limits) != "[identifier-client identifier-client]" {
		t.Fatalf("limited by %v, want identifier-client twice", limits)
	}
}
