package authgo_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/ratelimit"
)

// A mail scanner fetches every link of a mail (GET, HEAD, a prefetch)
// before the reader clicks. With Auth.js's behaviour (ConsumeOnGet) the
// fetch uses the token up and the reader's click fails; by default
// nothing but the page's POST uses it.
func TestAttackEmailScannerBurnsLink(t *testing.T) {
	for _, tc := range []struct {
		name         string
		consumeOnGet bool
		wantSignedIn bool
	}{
		{"default", false, true},
		{"ConsumeOnGet (Auth.js)", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newEmailFixture(t, func(o *email.Options) { o.ConsumeOnGet = tc.consumeOnGet }, nil)
			location(t, f.ask("ada@example.com", nil))
			link, _ := f.lastMail("ada@example.com")
			scanner := newBrowserOf(f)
			u, _ := url.Parse(link)
			for _, h := range []map[string]string{nil, {"Sec-Purpose": "prefetch"}, {"Purpose": "prefetch"}} {
				drain(scanner.do("GET", u.RequestURI(), nil, h))
			}
			drain(scanner.do("HEAD", u.RequestURI(), nil, nil))
			if tc.consumeOnGet {
				// A plain GET, as a scanner that ignores the prefetch
				// headers sends it.
				drain(scanner.do("GET", u.RequestURI(), nil, nil))
			}
			var resp *http.Response
			if tc.consumeOnGet {
				resp = f.get(link) // the reader's click
			} else {
				resp = f.confirm(link)
			}
			got := resp.Header.Get("Location")
			if signedIn := got == f.url("/dashboard"); signedIn != tc.wantSignedIn {
				t.Fatalf("after the scanner, the reader's click went to %q (signed in %v, want %v)", got, signedIn, tc.wantSignedIn)
			}
		})
	}
}

// A prefetch never signs in, even with ConsumeOnGet.
func TestAttackEmailPrefetchConsumesNothing(t *testing.T) {
	f := newEmailFixture(t, func(o *email.Options) { o.ConsumeOnGet = true }, nil)
	location(t, f.ask("ada@example.com", nil))
	link, _ := f.lastMail("ada@example.com")
	u, _ := url.Parse(link)
	resp := f.do("GET", u.RequestURI(), nil, map[string]string{"Sec-Purpose": "prefetch;prerender"})
	if resp.StatusCode != 200 || sessionEmail(f.fixture) != "" {
		t.Fatalf("prefetch: %d, session %q", resp.StatusCode, sessionEmail(f.fixture))
	}
	if got := location(t, f.get(link)); got != f.url("/dashboard") {
		t.Fatalf("GET with ConsumeOnGet went to %q", got)
	}
}

// Reuse, expiry and another address's token are the Verification error.
func TestAttackEmailLinkReuseExpiryOtherAddress(t *testing.T) {
	f := newEmailFixture(t, func(o *email.Options) { o.MaxAge = 15 * time.Minute }, nil)
	location(t, f.ask("ada@example.com", nil))
	link, _ := f.lastMail("ada@example.com")

	// Ada's token with Grace's address.
	forged := strings.Replace(link, "email=ada%40example.com", "email=grace%40example.com", 1)
	if forged == link {
		t.Fatal("link has no email parameter to swap")
	}
	attacker := newBrowserOf(f)
	verificationError(t, attacker.confirm(forged))
	if e := sessionEmail(attacker.fixture); e != "" {
		t.Fatalf("signed in as %q with another address's token", e)
	}

	location(t, f.confirm(link)) // Ada's link still works: the forgery used nothing up.
	verificationError(t, newBrowserOf(f).confirm(link))

	location(t, f.ask("grace@example.com", nil))
	link, _ = f.lastMail("grace@example.com")
	f.clock.advance(16 * time.Minute)
	verificationError(t, f.confirm(link))
}

func verificationError(t *testing.T, resp *http.Response) {
	t.Helper()
	if got := location(t, resp); !strings.Contains(got, "/api/auth/error?error=Verification") {
		t.Fatalf("Location %q, want the Verification error", got)
	}
}

// Many browsers press the button of one link at once: exactly one signs in.
func TestAttackEmailParallelConsumption(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	location(t, f.ask("ada@example.com", nil))
	link, _ := f.lastMail("ada@example.com")
	const racers = 16
	browsers := make([]*emailFixture, racers)
	forms := make([]url.Values, racers)
	for i := range browsers {
		browsers[i] = newBrowserOf(f)
		csrf := browsers[i].csrf()
		u, _ := url.Parse(link)
		q := u.Query()
		forms[i] = url.Values{"token": {q.Get("token")}, "email": {q.Get("email")}, "csrfToken": {csrf}}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	start := make(chan struct{})
	for i := range browsers {
		wg.Go(func() {
			<-start
			resp := browsers[i].do("POST", "/api/auth/callback/email", forms[i], nil)
			if resp.StatusCode == http.StatusFound && !strings.Contains(resp.Header.Get("Location"), "error=") {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d of %d browsers signed in with one link, want exactly 1", wins, racers)
	}
}

// Five wrong codes burn the code: the right one is refused after them.
func TestAttackEmailCodeGuessing(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	location(t, f.ask("ada@example.com", nil))
	_, code := f.lastMail("ada@example.com")
	wrong := "000000"
	if wrong == code {
		wrong = "111111"
	}
	for i := range email.CodeTries {
		resp := f.sendCode(wrong)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("wrong code %d: status %d", i+1, resp.StatusCode)
		}
	}
	resp := f.sendCode(code)
	if resp.StatusCode != http.StatusForbidden || sessionEmail(f.fixture) != "" {
		t.Fatalf("right code after %d wrong ones: %d, session %q; want 403 and none", email.CodeTries, resp.StatusCode, sessionEmail(f.fixture))
	}
	// Still burned when the limiter's window would let one more through.
	f.clock.advance(3 * time.Minute)
	if resp := f.sendCode(code); resp.StatusCode == http.StatusFound {
		t.Fatal("the burned code worked three minutes later")
	}
}

// A code is bound to the browser that asked: another browser (an
// attacker who asked for the victim's address, or who read the code)
// cannot use it, and a code expires after 10 minutes.
func TestAttackEmailCodeOtherBrowserAndExpiry(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	location(t, f.ask("ada@example.com", nil))
	_, code := f.lastMail("ada@example.com")
	other := newBrowserOf(f)
	if resp := other.sendCode(code); resp.StatusCode != http.StatusForbidden || sessionEmail(other.fixture) != "" {
		t.Fatalf("code in another browser: %d", resp.StatusCode)
	}
	// The attacker asks for Ada's address himself: his binding does not
	// make Ada's code his.
	location(t, other.ask("ada@example.com", nil))
	if resp := other.sendCode(code); resp.StatusCode == http.StatusFound {
		t.Fatal("the code of the victim's mail worked with the attacker's own binding")
	}
	f.clock.advance(11 * time.Minute)
	if resp := f.sendCode(code); resp.StatusCode == http.StatusFound {
		t.Fatal("the code worked after 11 minutes")
	}
}

// The mail server is down: the client hears 503 "try later", nothing stays
// stored, the failed send does not count against the limits, and a retry
// works once the server is back.
func TestAttackEmailSMTPDown(t *testing.T) {
	var down sync.Map
	down.Store("down", true)
	mail := &email.Memory{}
	f := newEmailFixture(t, func(o *email.Options) {
		o.Sender = email.SenderFunc(func(ctx context.Context, m *email.Message) error {
			if v, _ := down.Load("down"); v == true {
				return &email.SendError{Step: email.StepDial, Err: errors.New("connection refused")}
			}
			return mail.Send(ctx, m)
		})
	}, nil)
	for range 5 { // more than PerEmailClient (3)
		resp := f.ask("ada@example.com", nil)
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("SMTP down: status %d", resp.StatusCode)
		}
		if !strings.Contains(strings.ToLower(body), "try") {
			t.Errorf("SMTP down page does not say to try later:\n%s", body)
		}
	}
	if n := f.store.live(t); n != 0 {
		t.Fatalf("%d tokens stayed stored after failed sends", n)
	}
	if strings.Contains(f.logs.String(), "ada@example.com") {
		t.Errorf("the log names the address:\n%s", f.logs.String())
	}
	down.Store("down", false)
	f.mail = mail
	location(t, f.ask("ada@example.com", nil))
	link, _ := f.lastMail("ada@example.com")
	if got := location(t, f.confirm(link)); got != f.url("/dashboard") {
		t.Fatalf("retry after the server came back: %q", got)
	}
}

// An address the app refuses (invite-only and unknown, or refused by the
// SignIn callback) gets no mail and the same answer as an address that
// gets one; the log names it by its hash only.
func TestAttackEmailEnumeration(t *testing.T) {
	f := newEmailFixture(t, func(o *email.Options) { o.DisableSignUp = true }, func(c *authgo.Config) {
		c.Callbacks.SignIn = func(ctx context.Context, p authgo.SignInParams) (string, error) {
			if strings.HasSuffix(p.User.Email, "@blocked.example") {
				return "", errors.New("domain not allowed")
			}
			return "", nil
		}
	})
	for _, e := range []string{"ada@example.com", "boss@blocked.example"} {
		if _, err := f.store.CreateUser(context.Background(), authgo.User{Email: e}); err != nil {
			t.Fatal(err)
		}
	}
	answer := func(addr string) string {
		b := newBrowserOf(f)
		b.csrf()
		resp := b.ask(addr, nil)
		var names []string
		for _, c := range resp.Cookies() {
			names = append(names, c.Name+" len="+strconv.Itoa(len(c.Value))+" maxage="+strconv.Itoa(c.MaxAge))
		}
		slices.Sort(names)
		return strconv.Itoa(resp.StatusCode) + " " + resp.Header.Get("Location") + " " + strings.Join(names, ",") + " " + readAll(t, resp)
	}
	known := answer("ada@example.com")
	for _, addr := range []string{"nobody@example.com", "boss@blocked.example"} {
		if got := answer(addr); got != known {
			t.Errorf("answer for %s:\n%s\nfor a known address:\n%s", addr, got, known)
		}
		if _, ok := f.mail.Last(addr); ok {
			t.Errorf("%s got mail", addr)
		}
	}
	if _, ok := f.mail.Last("ada@example.com"); !ok {
		t.Fatal("the known address got no mail")
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "email sign-in refused") || !strings.Contains(logs, "identifier_hash=") {
		t.Errorf("no log line for the refused addresses:\n%s", logs)
	}
	if strings.Contains(logs, "nobody@example.com") || strings.Contains(logs, "blocked.example") {
		t.Errorf("the log names a refused address:\n%s", logs)
	}
}

// Sends are limited per address and client: the fourth mail within 15
// minutes is refused with 429, before anything is stored or sent.
func TestAttackEmailSendFlood(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	for i := range 3 {
		location(t, f.ask("ada@example.com", nil))
		if f.mail.Len() != i+1 {
			t.Fatalf("send %d: %d mails", i+1, f.mail.Len())
		}
	}
	resp := f.ask("ada@example.com", nil)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("fourth send: status %d", resp.StatusCode)
	}
	if f.mail.Len() != 3 || len(f.store.created) != 6 {
		t.Fatalf("after the refused send: %d mails, %d tokens stored", f.mail.Len(), len(f.store.created))
	}
	// Per client, whatever the address.
	g := newEmailFixture(t, func(o *email.Options) { o.SendLimits.PerIP = ratelimit.Limit{Events: 2, Per: time.Hour} }, nil)
	location(t, g.ask("a@example.com", nil))
	location(t, g.ask("b@example.com", nil))
	if resp := g.ask("c@example.com", nil); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third address from one client: %d", resp.StatusCode)
	}
}

// Hostile addresses are refused before anything is stored or sent.
func TestAttackEmailHostileAddresses(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	for _, addr := range []string{
		`"attacker@evil.example"@victim.example`, "a@victim.example@evil.example", "a@victim.example,evil.example",
		"a＠victim.example@evil.example", "victim@exаmple.com\r\nBcc: x@evil.example", strings.Repeat("a", 10240) + "@example.com", "",
		"victim@exаmple.com", "victim\u200b@example.com", "victim@\u202eelpmaxe.com",
	} {
		resp := f.ask(addr, nil)
		if got := location(t, resp); !strings.Contains(got, "/api/auth/signin?error=EmailSignin") {
			t.Errorf("%.40q: Location %q", addr, got)
		}
	}
	if f.mail.Len() != 0 || len(f.store.created) != 0 {
		t.Fatalf("%d mails sent, %d tokens stored for hostile addresses", f.mail.Len(), len(f.store.created))
	}
}

// The link's page is served with no-referrer and no-store: the token in
// its URL must not leak to another site or a cache.
func TestAttackEmailLinkPageHeaders(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	location(t, f.ask("ada@example.com", nil))
	link, _ := f.lastMail("ada@example.com")
	resp := f.get(link)
	if resp.Header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("headers %v", resp.Header)
	}
	// The button's POST needs the CSRF token.
	u, _ := url.Parse(link)
	q := u.Query()
	resp = newBrowserOf(f).do("POST", "/api/auth/callback/email", url.Values{"token": {q.Get("token")}, "email": {q.Get("email")}}, nil)
	if got := location(t, resp); !strings.Contains(got, "MissingCSRF") {
		t.Fatalf("POST without CSRF: %q", got)
	}
}
