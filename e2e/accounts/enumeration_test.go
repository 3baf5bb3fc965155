package accounts_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/ratelimit"
)

// answer is what a client sees of a response, less what is random.
type answer struct {
	status   int
	location string
	body     string
	cookies  string // names and value lengths
	took     time.Duration
}

func (x *app) measure(t *testing.T, path string, form url.Values, asJSON bool) answer {
	t.Helper()
	return x.measureAs(t, x.browser(), path, form, asJSON)
}

// measureAs is measure from the browser c (a signed-in one).
func (x *app) measureAs(t *testing.T, c *http.Client, path string, form url.Values, asJSON bool) answer {
	t.Helper()
	form.Set("csrfToken", x.csrf(c))
	req, _ := http.NewRequest(http.MethodPost, x.srv.URL+"/api/auth/"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if asJSON {
		req.Header.Set("Accept", "application/json")
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	took := time.Since(start)
	resp.Body.Close()
	var ck []string
	for _, c := range resp.Cookies() {
		ck = append(ck, fmt.Sprintf("%s=%d", c.Name, len(c.Value)))
	}
	slices.Sort(ck)
	return answer{resp.StatusCode, resp.Header.Get("Location"), string(b), strings.Join(ck, ";"), took}
}

// percentiles returns p10, p50 and p90 of ds.
func percentiles(ds []time.Duration) (p10, p50, p90 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p int) time.Duration { return s[(len(s)-1)*p/100] }
	return at(10), at(50), at(90)
}

// compareAnswers checks that two groups of answers are byte-identical and
// that their timing distributions overlap (the middle 80% of each reaches
// into the other's), and prints the figures.
func compareAnswers(t *testing.T, what string, a, b []answer, an, bn string) {
	t.Helper()
	for i := range a { // even i: a browser (302), odd i: an API client (JSON)
		x, y := a[i], b[i]
		if x.status != y.status || x.location != y.location || x.body != y.body || x.cookies != y.cookies {
			t.Fatalf("%s: answers differ:\n%s: %d %q %q %s\n%s: %d %q %q %s", what, an, x.status, x.location, x.body, x.cookies, bn, y.status, y.location, y.body, y.cookies)
		}
	}
	ta, tb := make([]time.Duration, len(a)), make([]time.Duration, len(b))
	for i := range a {
		ta[i], tb[i] = a[i].took, b[i].took
	}
	a10, a50, a90 := percentiles(ta)
	b10, b50, b90 := percentiles(tb)
	t.Logf("%s (n=%d each, half browsers, half JSON; e.g. status %d, Location %q, cookies %s; all identical pairwise):\n  %-9s p10 %6.1f ms  p50 %6.1f ms  p90 %6.1f ms\n  %-9s p10 %6.1f ms  p50 %6.1f ms  p90 %6.1f ms",
		what, len(a), a[0].status, a[0].location, a[0].cookies, an, ms(a10), ms(a50), ms(a90), bn, ms(b10), ms(b50), ms(b90))
	if max(a10, b10) > min(a90, b90) {
		t.Errorf("%s: timing distributions do not overlap: %s p10–p90 %v–%v, %s %v–%v", what, an, a10, a90, bn, b10, b90)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// Enumeration resistance, measured: sign-ups with new and with taken
// addresses, and reset requests for known and unknown addresses, answer
// byte for byte alike (status, Location, body, the set of cookies and
// their lengths) and in overlapping time. Run with -v to see the figures.
func TestEnumerationResistance(t *testing.T) {
	const n = 30
	x := newApp(t, stores[0].open(t), authgo.StrategyJWT, func(o *account.PasswordOptions) {
		l := ratelimit.Limit{Events: 10 * n, Per: time.Hour}
		o.SendLimits = email.SendLimits{PerEmail: l, PerEmailClient: l, PerIP: l}
	})
	// A mail server that takes 20 ms per message, as a real one on a
	// network does: the loopback one takes ~1 ms, less than a loaded
	// machine's timer overshoot, which would be measured instead.
	x.box.setDelay(20 * time.Millisecond)
	for i := range n {
		addr := fmt.Sprintf("taken%03d@example.com", i)
		if r, _ := x.post(x.browser(), "account/signup", url.Values{"email": {addr}, "password": {strongPW}}); r.StatusCode != http.StatusFound {
			t.Fatalf("seed sign-up: %d", r.StatusCode)
		}
	}
	var fresh, taken []answer
	for i := range n { // interleaved, so load on the machine hits both alike
		fresh = append(fresh, x.measure(t, "account/signup", url.Values{"email": {fmt.Sprintf("fresh%03d@example.com", i)}, "password": {strongPW}}, i%2 == 1))
		taken = append(taken, x.measure(t, "account/signup", url.Values{"email": {fmt.Sprintf("taken%03d@example.com", i)}, "password": {strongPW}}, i%2 == 1))
	}
	compareAnswers(t, "sign-up", fresh, taken, "new", "taken")
	for i := range n {
		if s, _ := x.box.last(t, fmt.Sprintf("taken%03d@example.com", i)); !strings.HasPrefix(s, "Someone tried to sign up") {
			t.Fatalf("the owner of a taken address got %q", s)
		}
	}

	var known, unknown []answer
	for i := range n {
		known = append(known, x.measure(t, "account/forgot-password", url.Values{"email": {fmt.Sprintf("taken%03d@example.com", i)}}, i%2 == 1))
		unknown = append(unknown, x.measure(t, "account/forgot-password", url.Values{"email": {fmt.Sprintf("nobody%03d@example.com", i)}}, i%2 == 1))
	}
	compareAnswers(t, "password reset request", known, unknown, "known", "unknown")
}
