package mfa_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/ratelimit"
)

// TestCredentialsSignInNeedsSecondFactor: after enrolment, the right
// password yields no session — only the pending state — until the code;
// a wrong code yields none either; the right one gives a session whose
// amr is pwd, otp, mfa.
func TestCredentialsSignInNeedsSecondFactor(t *testing.T) {
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) {
			s := newSite(t, func(c *authgo.Config) { c.Session.Strategy = strategy })
			b := s.browser()
			if r := b.signIn("ada@example.com"); r.status != http.StatusFound || path(r.location) != "/dashboard" {
				t.Fatalf("first sign-in (no factor yet): %d %q", r.status, r.location)
			}
			if got := sessionAMR(b.session()); got != "pwd" {
				t.Fatalf("amr before enrolment = %q", got)
			}
			secret, _ := b.enrol()
			b.signOut()

			r := b.signIn("ada@example.com")
			if r.status != http.StatusFound || path(r.location) != "/api/auth/two-factor/challenge" {
				t.Fatalf("sign-in with a factor: %d %q", r.status, r.location)
			}
			b.mustBeSignedOut("after the password")
			if page := b.get("/api/auth/two-factor/challenge"); page.status != 200 || !strings.Contains(page.body, `name="code"`) {
				t.Fatalf("challenge page: %d %s", page.status, page.body)
			}
			if r := b.challenge("000000"); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "not right") {
				t.Fatalf("wrong code: %d %s", r.status, r.body)
			}
			b.mustBeSignedOut("after a wrong code")
			r = b.challenge(code(t, secret, s.clock.now()))
			if r.status != http.StatusFound || path(r.location) != "/dashboard" {
				t.Fatalf("right code: %d %q %s", r.status, r.location, r.body)
			}
			sess := b.session()
			if got := sessionAMR(sess); got != "pwd,otp,mfa" {
				t.Fatalf("amr = %q, session %v", got, sess)
			}
			if at, _ := sess["auth_time"].(float64); at == 0 {
				t.Fatalf("no auth_time in %v", sess)
			}
			if r := b.get("/admin"); r.status != 200 {
				t.Fatalf("/admin after both factors: %d %s", r.status, r.body)
			}
			if !strings.Contains(s.logs.String(), "second factor pending") || !strings.Contains(s.logs.String(), "second_factor=otp") {
				t.Fatalf("logs lack the steps:\n%s", s.logs.String())
			}
		})
	}
}

// TestCredentialsJSONClient: an API client (X-Auth-Return-Redirect, as
// next-auth/react's signIn sends) gets the challenge URL as JSON and
// completes it with JSON.
func TestCredentialsJSONClient(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser()
	b.signIn("grace@example.com")
	secret, _ := b.enrol()
	b.signOut()
	r := b.post("/api/auth/callback/credentials", url.Values{"email": {"grace@example.com"}, "password": {"another long secret"}}, "X-Auth-Return-Redirect", "1")
	if r.status != 200 || !strings.HasSuffix(r.json["url"].(string), "/api/auth/two-factor/challenge") {
		t.Fatalf("JSON sign-in: %d %s", r.status, r.body)
	}
	b.mustBeSignedOut("JSON client after the password")
	r = b.post("/api/auth/two-factor/challenge", url.Values{"code": {"123"}}, "Accept", "application/json")
	if r.status != http.StatusUnauthorized || r.json["code"] != "invalid_code" {
		t.Fatalf("wrong code as JSON: %d %s", r.status, r.body)
	}
	r = b.post("/api/auth/two-factor/challenge", url.Values{"code": {code(t, secret, s.clock.now())}}, "Accept", "application/json")
	if r.status != 200 || r.json["url"] == nil {
		t.Fatalf("right code as JSON: %d %s", r.status, r.body)
	}
	if sessionAMR(b.session()) != "pwd,otp,mfa" {
		t.Fatal("no session after the JSON challenge")
	}
	st := b.get("/api/auth/two-factor")
	if st.json["enabled"] != true || st.json["backupCodes"].(float64) != 10 {
		t.Fatalf("status: %s", st.body)
	}
}

// TestCodeReuseAndClockSkew: a code works once; codes of the step before
// and after are accepted, two steps off are not.
func TestCodeReuseAndClockSkew(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser()
	b.signIn("ada@example.com")
	secret, _ := b.enrol()
	b.signOut()

	b.signIn("ada@example.com")
	used := code(t, secret, s.clock.now())
	if r := b.challenge(used); r.status != http.StatusFound {
		t.Fatalf("first use: %d %s", r.status, r.body)
	}
	b.signOut()
	b.signIn("ada@example.com")
	if r := b.challenge(used); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "used already") {
		t.Fatalf("reused code: %d %s", r.status, r.body)
	}
	b.mustBeSignedOut("after a reused code")

	for _, c := range []struct {
		name string
		off  time.Duration
		ok   bool
	}{
		{"two steps behind", -60 * time.Second, false},
		{"two steps ahead", 60 * time.Second, false},
		{"one step ahead", 30 * time.Second, true},
	} {
		s.clock.advance(90 * time.Second) // past every code used so far
		now := s.clock.now()
		r := b.challenge(code(t, secret, now.Add(c.off)))
		if (r.status == http.StatusFound) != c.ok {
			t.Fatalf("%s: %d %s", c.name, r.status, r.body)
		}
		if c.ok {
			b.signOut()
			b.signIn("ada@example.com")
		}
	}
	s.clock.advance(90 * time.Second)
	if r := b.challenge(code(t, secret, s.clock.now().Add(-30*time.Second))); r.status != http.StatusFound {
		t.Fatalf("one step behind: %d %s", r.status, r.body)
	}
}

// TestBackupCodeSingleUseUnderParallelUse: ten browsers, each with its own
// pending sign-in of the same user, send the same backup code at once:
// exactly one gets a session (the others' codes are spent, or their
// pending states are, by the one success). Then ten step-ups of one
// session send one backup code at once: exactly one is accepted.
func TestBackupCodeSingleUseUnderParallelUse(t *testing.T) {
	// The limits are not under test here: losers' wrong codes count.
	s := newSite(t, func(c *authgo.Config) { c.TwoFactor.PerUser = ratelimit.Limit{Events: 1000, Per: time.Minute} })
	b := s.browser()
	b.signIn("ada@example.com")
	_, backup := b.enrol()
	b.signOut()
	browsers := make([]*browser, 10)
	for i := range browsers {
		browsers[i] = s.browser()
		if r := browsers[i].signIn("ada@example.com"); !strings.Contains(r.location, "two-factor/challenge") {
			t.Fatalf("browser %d: %d %q", i, r.status, r.location)
		}
	}
	race := func(browsers []*browser, code string, want string) {
		t.Helper()
		var wg sync.WaitGroup
		results := make([]response, len(browsers))
		forms := make([]url.Values, len(browsers))
		for i, br := range browsers {
			forms[i] = url.Values{"code": {code}, "csrfToken": {br.csrf()}, "callbackUrl": {"/after"}}
		}
		for i, br := range browsers {
			wg.Go(func() { results[i] = br.do("POST", "/api/auth/two-factor/challenge", forms[i]) })
		}
		wg.Wait()
		won := 0
		for i, r := range results {
			switch {
			case r.status == http.StatusFound && path(r.location) == want:
				won++
			case r.status == http.StatusUnauthorized, r.status == http.StatusTooManyRequests,
				r.status == http.StatusFound && strings.Contains(r.location, "error=SessionRequired"):
			default:
				t.Fatalf("browser %d: %d %q", i, r.status, r.location)
			}
		}
		if won != 1 {
			t.Fatalf("%d requests accepted one backup code", won)
		}
	}
	race(browsers, strings.ToUpper(backup[0]), "/dashboard")
	signedIn := 0
	for _, br := range browsers {
		if br.session() != nil {
			signedIn++
		}
	}
	if signedIn != 1 {
		t.Fatalf("%d browsers signed in", signedIn)
	}

	// Ten step-ups of one session: its cookies in ten new browsers (the
	// losers above still hold pending sign-ins of their own, issued after
	// the winner's, which a backup code would complete).
	var winner *browser
	for _, br := range browsers {
		if br.session() != nil {
			winner = br
		}
	}
	u, _ := url.Parse(s.srv.URL)
	for _, c := range winner.client.Jar.Cookies(u) {
		if strings.Contains(c.Name, "second-factor") {
			t.Fatalf("the winner still holds a pending sign-in: %s", c.Name)
		}
	}
	stepUps := make([]*browser, len(browsers))
	for i := range stepUps {
		stepUps[i] = s.browser()
		stepUps[i].client.Jar.SetCookies(u, winner.client.Jar.Cookies(u))
	}
	race(stepUps, backup[1], "/after")

	b.signIn("ada@example.com")
	for _, used := range backup[:2] {
		if r := b.challenge(used); r.status != http.StatusUnauthorized {
			t.Fatalf("spent backup code again: %d", r.status)
		}
	}
	if r := b.challenge(backup[2]); r.status != http.StatusFound {
		t.Fatalf("another backup code: %d %s", r.status, r.body)
	}
	if got := sessionAMR(b.session()); got != "pwd,backup_code,mfa" {
		t.Fatalf("amr = %q", got)
	}
	if st := b.get("/api/auth/two-factor"); st.json["backupCodes"].(float64) != 7 {
		t.Fatalf("status: %s", st.body)
	}
}

// TestPendingStateReplayAndOtherUser: the pending cookie of a sign-in that
// succeeded is refused when replayed, even with a new right code; a
// pending state of one user cannot be completed with another's code.
func TestPendingStateReplayAndOtherUser(t *testing.T) {
	s := newSite(t, nil)
	ada, grace := s.browser(), s.browser()
	ada.signIn("ada@example.com")
	adaSecret, _ := ada.enrol()
	ada.signOut()
	grace.signIn("grace@example.com")
	graceSecret, _ := grace.enrol()
	grace.signOut()

	ada.signIn("ada@example.com")
	u, _ := url.Parse(s.srv.URL)
	var pending []*http.Cookie
	for _, c := range ada.client.Jar.Cookies(u) {
		if strings.Contains(c.Name, "second-factor") {
			pending = append(pending, c)
		}
	}
	if len(pending) == 0 {
		t.Fatal("no pending cookie")
	}
	if r := ada.challenge(code(t, graceSecret, s.clock.now())); r.status != http.StatusUnauthorized {
		t.Fatalf("ada's pending state with grace's code: %d %s", r.status, r.body)
	}
	ada.mustBeSignedOut("another user's code")
	if r := ada.challenge(code(t, adaSecret, s.clock.now())); r.status != http.StatusFound {
		t.Fatalf("ada's code: %d %s", r.status, r.body)
	}
	s.clock.advance(30 * time.Second)
	thief := s.browser()
	thief.client.Jar.SetCookies(u, pending)
	r := thief.challenge(code(t, adaSecret, s.clock.now()))
	if r.status != http.StatusFound || !strings.Contains(r.location, "error=SessionRequired") {
		t.Fatalf("replayed pending state: %d %q", r.status, r.location)
	}
	thief.mustBeSignedOut("replayed pending state")
	if !strings.Contains(s.logs.String(), "spent second-factor state replayed") {
		t.Fatal("no log line for the replay")
	}
	// Without any pending state nor session.
	if r := s.browser().challenge("123456"); r.status != http.StatusFound || !strings.Contains(r.location, "SessionRequired") {
		t.Fatalf("no state: %d %q", r.status, r.location)
	}
}

// TestEarlierPendingSignInsSpent: when one of a user's pending sign-ins is
// completed, those begun before it are spent and those begun after it are
// not: a later one is a first factor proved again, and a code of its own
// completes it. (TestBackupCodeSingleUseUnderParallelUse once ran its
// step-up race in the losers' browsers, which held such later sign-ins:
// when one of them won the race, a backup code rightly completed it, and
// the test read that as a step-up sent to the wrong place.)
func TestEarlierPendingSignInsSpent(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser()
	b.signIn("ada@example.com")
	secret, backup := b.enrol()
	b.signOut()
	early, done, late := s.browser(), s.browser(), s.browser()
	for _, br := range []*browser{early, done, late} {
		if r := br.signIn("ada@example.com"); !strings.Contains(r.location, "two-factor/challenge") {
			t.Fatalf("sign-in: %d %q", r.status, r.location)
		}
		s.clock.advance(time.Millisecond) // each begins at its own time
	}
	if r := done.challenge(code(t, secret, s.clock.now())); r.status != http.StatusFound || path(r.location) != "/dashboard" {
		t.Fatalf("completed sign-in: %d %q", r.status, r.location)
	}
	if r := early.challenge(backup[0]); r.status != http.StatusFound || !strings.Contains(r.location, "error=SessionRequired") {
		t.Fatalf("sign-in begun before the completed one: %d %q", r.status, r.location)
	}
	early.mustBeSignedOut("sign-in begun before the completed one")
	if r := late.challenge(backup[0]); r.status != http.StatusFound || path(r.location) != "/dashboard" {
		t.Fatalf("sign-in begun after the completed one: %d %q", r.status, r.location)
	}
	if got := sessionAMR(late.session()); got != "pwd,backup_code,mfa" {
		t.Fatalf("amr = %q", got)
	}
	if st := late.get("/api/auth/two-factor"); st.json["backupCodes"].(float64) != 9 {
		t.Fatalf("status: %s", st.body)
	}
}

// TestStepUpRoundTrip: a session that skipped the code on a trusted device
// is sent from /admin (RequireFactor otp) to the challenge and back with
// otp in its amr; /fresh (RequireFreshAuth) sends an old session to sign
// in again and back.
func TestStepUpRoundTrip(t *testing.T) {
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) {
			s := newSite(t, func(c *authgo.Config) { c.Session.Strategy = strategy })
			b := s.browser()
			b.signIn("ada@example.com")
			secret, _ := b.enrol()
			b.signOut()
			b.signIn("ada@example.com")
			if r := b.challenge(code(t, secret, s.clock.now()), "trustDevice", "true"); r.status != http.StatusFound {
				t.Fatalf("challenge: %d", r.status)
			}
			b.signOut()
			s.clock.advance(30 * time.Second)
			if r := b.signIn("ada@example.com"); path(r.location) != "/dashboard" {
				t.Fatalf("trusted device still asked: %q", r.location)
			}
			if got := sessionAMR(b.session()); got != "pwd" {
				t.Fatalf("amr on a trusted device = %q", got)
			}
			if r := b.get("/admin", "Accept", "application/json"); r.status != http.StatusForbidden || r.json["error"] != "FactorRequired" {
				t.Fatalf("API without the factor: %d %s", r.status, r.body)
			}
			r := b.get("/admin?tab=users")
			if r.status != http.StatusFound || !strings.HasPrefix(path(r.location), "/api/auth/two-factor/challenge?callbackUrl=") {
				t.Fatalf("/admin without the factor: %d %q", r.status, r.location)
			}
			if page := b.get(r.location); page.status != 200 || strings.Contains(page.body, "trustDevice") {
				t.Fatalf("step-up page: %d %s", page.status, page.body)
			}
			r = b.challenge(code(t, secret, s.clock.now()))
			if r.status != http.StatusFound || path(r.location) != "/admin?tab=users" {
				t.Fatalf("step-up: %d %q %s", r.status, r.location, r.body)
			}
			if r := b.get(r.location); r.status != 200 {
				t.Fatalf("/admin after the step-up: %d %s", r.status, r.body)
			}
			if got := sessionAMR(b.session()); got != "pwd,otp,mfa" {
				t.Fatalf("amr after the step-up = %q", got)
			}

			if r := b.get("/fresh"); r.status != 200 {
				t.Fatalf("/fresh just after sign-in: %d", r.status)
			}
			s.clock.advance(11 * time.Minute)
			if r := b.get("/fresh", "Accept", "application/json"); r.status != http.StatusUnauthorized || r.json["error"] != "FreshAuthRequired" {
				t.Fatalf("stale API: %d %s", r.status, r.body)
			}
			r = b.get("/fresh")
			if r.status != http.StatusFound || !strings.Contains(r.location, "callbackUrl=%2Ffresh") {
				t.Fatalf("stale /fresh: %d %q", r.status, r.location)
			}
			r = b.post("/api/auth/callback/credentials", url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "callbackUrl": {"/fresh"}})
			if path(r.location) != "/fresh" {
				t.Fatalf("sign-in again on the trusted device: %q", r.location)
			}
			if r := b.get("/fresh"); r.status != 200 {
				t.Fatalf("/fresh after signing in again: %d", r.status)
			}
		})
	}
}

// TestTrustedDeviceRevoked: signing out everywhere and turning the factor
// off and on again both end the trust of a device.
func TestTrustedDeviceRevoked(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser()
	b.signIn("ada@example.com")
	secret, _ := b.enrol()
	b.signOut()
	trust := func() {
		t.Helper()
		b.signIn("ada@example.com")
		if r := b.challenge(code(t, secret, s.clock.now()), "trustDevice", "true"); r.status != http.StatusFound {
			t.Fatalf("challenge: %d %s", r.status, r.body)
		}
		s.clock.advance(30 * time.Second)
		b.signOut()
		if r := b.signIn("ada@example.com"); path(r.location) != "/dashboard" {
			t.Fatalf("trusted device asked: %q", r.location)
		}
		b.signOut()
	}
	trust()
	if _, err := s.auth.RevokeUserSessions(t.Context(), "user-1"); err != nil {
		t.Fatal(err)
	}
	s.clock.advance(time.Second)
	if r := b.signIn("ada@example.com"); !strings.Contains(r.location, "two-factor/challenge") {
		t.Fatalf("after signing out everywhere: %q", r.location)
	}
	b.challenge(code(t, secret, s.clock.now()))
	s.clock.advance(30 * time.Second)
	b.signOut()
	trust()
	// Off (with a code) and on again: the old trust is gone.
	b.signIn("ada@example.com")
	b.signOut()
	b.signIn("ada@example.com")
	if r := b.post("/api/auth/two-factor/disable", url.Values{"code": {code(t, secret, s.clock.now())}}, "Accept", "application/json"); r.status != 200 {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	s.clock.advance(30 * time.Second)
	secret, _ = b.enrol()
	b.signOut()
	if r := b.signIn("ada@example.com"); !strings.Contains(r.location, "two-factor/challenge") {
		t.Fatalf("after the factor changed: %q", r.location)
	}
}

// TestRateLimitedCodes: wrong codes are limited per user before any code
// is checked: the sixth attempt in 15 minutes is refused, even a right
// one, and every failure is logged and told to Events.SignInFailure.
func TestRateLimitedCodes(t *testing.T) {
	var mu sync.Mutex
	var failures []authgo.SignInFailureEvent
	s := newSite(t, func(c *authgo.Config) {
		c.Events.SignInFailure = func(_ context.Context, ev authgo.SignInFailureEvent) error {
			mu.Lock()
			failures = append(failures, ev)
			mu.Unlock()
			return nil
		}
	})
	b := s.browser()
	b.signIn("ada@example.com")
	secret, _ := b.enrol()
	b.signOut()
	b.signIn("ada@example.com")
	for i := range 5 {
		if r := b.challenge("11111" + string(rune('0'+i))); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d", i, r.status)
		}
	}
	r := b.post("/api/auth/two-factor/challenge", url.Values{"code": {code(t, secret, s.clock.now())}}, "Accept", "application/json")
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("sixth attempt: %d %s", r.status, r.body)
	}
	b.mustBeSignedOut("rate limited")
	// Another browser of the same user is limited as well (per user).
	other := s.browser()
	other.signIn("ada@example.com")
	if r := other.post("/api/auth/two-factor/challenge", url.Values{"code": {code(t, secret, s.clock.now())}}, "Accept", "application/json"); r.status != http.StatusTooManyRequests {
		t.Fatalf("other browser: %d %s", r.status, r.body)
	}
	mu.Lock()
	n := 0
	for _, ev := range failures {
		if ev.Step == "second_factor" && ev.Code == "invalid_code" && ev.IdentifierHash != "" {
			n++
		}
	}
	mu.Unlock()
	if n != 5 {
		t.Fatalf("%d second-factor failure events, want 5: %+v", n, failures)
	}
	if strings.Contains(s.logs.String(), secret) || strings.Contains(s.logs.String(), "user-1") {
		t.Fatal("the log shows the secret or the user id")
	}
}
