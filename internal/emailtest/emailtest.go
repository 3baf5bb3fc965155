// Package emailtest holds the checks of email sign-in that every store must
// pass, run by the root module with the memory adapter, by the SQL driver
// modules against SQLite, PostgreSQL and MariaDB, and by adapter/redis
// against Redis (as internal/limittest is for rate limiters).
package emailtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/providers"
)

// Store is the store under test.
type Store struct {
	// Adapter keeps users and verification tokens.
	Adapter adapter.Adapter
	// Tokens, when set, counts the verification tokens the store holds for
	// identifier, read from the store itself (a SQL COUNT, a Redis SCAN),
	// so that a row the adapter's own methods would not find counts too.
	Tokens func(t *testing.T, identifier string) int
}

// recorder is the adapter under test, recording each verification token
// stored; failAt makes the n-th store (from 1) fail as a store that is
// down.
type recorder struct {
	adapter.Adapter
	mu      sync.Mutex
	created []adapter.VerificationToken
	stores  int
	failAt  int
}

func (r *recorder) CreateVerificationToken(ctx context.Context, vt adapter.VerificationToken) error {
	r.mu.Lock()
	r.stores++
	fail := r.stores == r.failAt
	if !fail {
		r.created = append(r.created, vt)
	}
	r.mu.Unlock()
	if fail {
		return &adapter.Error{Method: "CreateVerificationToken", Err: fmt.Errorf("injected: %w", adapter.ErrUnavailable)}
	}
	return r.Adapter.CreateVerificationToken(ctx, vt)
}

func (r *recorder) failStore(n int) {
	r.mu.Lock()
	r.stores, r.failAt = 0, n
	r.mu.Unlock()
}

// tokensOf returns the tokens recorded for identifier.
func (r *recorder) tokensOf(identifier string) []adapter.VerificationToken {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []adapter.VerificationToken
	for _, vt := range r.created {
		if vt.Identifier == identifier {
			out = append(out, vt)
		}
	}
	return out
}

// sender sends through the Sender it currently holds and keeps every
// message it was given, sent or not.
type sender struct {
	to    atomic.Pointer[email.Sender]
	mu    sync.Mutex
	tried []email.Message
}

func (s *sender) use(to email.Sender) { s.to.Store(&to) }

func (s *sender) Send(ctx context.Context, m *email.Message) error {
	s.mu.Lock()
	s.tried = append(s.tried, *m)
	s.mu.Unlock()
	return (*s.to.Load()).Send(ctx, m)
}

// secrets returns what the messages to identifier carried: links, tokens
// and codes.
func (s *sender) secrets(identifier string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, m := range s.tried {
		if !strings.Contains(m.To, identifier) {
			continue
		}
		if link := linkPattern.FindString(m.Text); link != "" {
			u, _ := url.Parse(link)
			out = append(out, link, u.Query().Get("token"))
		}
		if c := codePattern.FindStringSubmatch(m.Text); c != nil {
			out = append(out, c[1])
		}
	}
	return out
}

var (
	linkPattern = regexp.MustCompile(`https?://\S+/api/auth/callback/email\?\S+`)
	codePattern = regexp.MustCompile(`code: (\d{6,12})`)
)

// app is an authgo server with an email provider on the store under test,
// and a browser.
type app struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
	store  Store
	rec    *recorder
	mail   *sender
	logs   *limittest.Logs
}

const testSecret = "emailtest-secret-0123456789-abcdefghijklmnopqrstuvwxyz"

func newApp(t *testing.T, s Store) *app {
	t.Helper()
	a := &app{t: t, store: s, rec: &recorder{Adapter: s.Adapter}, mail: &sender{}, logs: &limittest.Logs{}}
	auth, err := authgo.New(authgo.Config{
		Secret:    []string{testSecret},
		TrustHost: true,
		Providers: []authgo.Provider{providers.Email(providers.EmailConfig{Options: email.Options{
			Sender: a.mail, From: "App <no-reply@app.example>",
		}})},
		Adapter:   a.rec,
		Logger:    slog.New(slog.NewTextHandler(a.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		LookupEnv: func(string) (string, bool) { return "", false },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/auth/", auth.Handler())
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	jar, _ := cookiejar.New(nil)
	a.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return a
}

func (a *app) do(method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (a *app) csrf() string {
	a.t.Helper()
	_, body := a.do("GET", "/api/auth/csrf", nil, nil)
	var out struct{ CSRFToken string }
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.CSRFToken == "" {
		a.t.Fatalf("csrf: %v %q", err, body)
	}
	return out.CSRFToken
}

func (a *app) ask(identifier string, header map[string]string) (*http.Response, string) {
	a.t.Helper()
	return a.do("POST", "/api/auth/signin/email", url.Values{"email": {identifier}, "csrfToken": {a.csrf()}, "callbackUrl": {"/dashboard"}}, header)
}

// clients are the three ways a client asks: a browser on the built-in
// page, next-auth/react's signIn (X-Auth-Return-Redirect) and a JSON API
// client. Four asks are more than the default per-address-and-client limit
// (3), so a failed send that counted would show as 429.
var clients = []struct {
	name   string
	header map[string]string
}{
	{"browser", nil},
	{"next-auth/react", map[string]string{"X-Auth-Return-Redirect": "1"}},
	{"JSON", map[string]string{"Accept": "application/json"}},
	{"browser again", nil},
}

// checkRefused checks the answer to an ask whose mail was not sent.
func (a *app) checkRefused(client string, resp *http.Response, body string) {
	a.t.Helper()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		a.t.Fatalf("%s: status %d, Retry-After %q, want 503 with Retry-After:\n%.400s", client, resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	switch {
	case strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json"):
		var out struct{ Error, URL string }
		if err := json.Unmarshal([]byte(body), &out); err != nil {
			a.t.Fatalf("%s: %v: %s", client, err, body)
		}
		if out.Error == "" || (client == "next-auth/react" && !strings.HasPrefix(out.URL, a.srv.URL+"/api/auth/")) {
			a.t.Fatalf("%s: JSON %s, want an error and, for next-auth/react, the page's url", client, body)
		}
	case !strings.Contains(body, "could not be sent") && !strings.Contains(body, "Try again"):
		a.t.Fatalf("%s: the page does not say the mail could not be sent:\n%s", client, body)
	}
}

// checkNothingStored checks that the store holds no token for identifier,
// though some were stored before the send failed.
func (a *app) checkNothingStored(what, identifier string) {
	a.t.Helper()
	stored := a.rec.tokensOf(identifier)
	if len(stored) == 0 {
		a.t.Fatalf("%s: no token was ever stored, so the check proves nothing", what)
	}
	if a.store.Tokens != nil {
		if n := a.store.Tokens(a.t, identifier); n != 0 {
			a.t.Fatalf("%s: the store holds %d tokens for the address after the send failed", what, n)
		}
	}
	for _, vt := range stored {
		got, err := a.store.Adapter.UseVerificationToken(context.Background(), vt.Identifier, vt.Token)
		if err != nil {
			a.t.Fatal(err)
		}
		if got != nil {
			a.t.Fatalf("%s: a token stored for the failed send is still there: %+v", what, got)
		}
	}
}

// checkLogs checks that the log says why and never holds the address, a
// link, a token (raw or stored) or a code.
func (a *app) checkLogs(what, identifier, want string) {
	a.t.Helper()
	logs := a.logs.String()
	if !strings.Contains(logs, want) {
		a.t.Errorf("%s: no log line with %q:\n%s", what, want, logs)
	}
	secret := []string{identifier, url.QueryEscape(identifier)}
	secret = append(secret, a.mail.secrets(identifier)...)
	for _, vt := range a.rec.tokensOf(identifier) {
		secret = append(secret, vt.Token)
	}
	for _, s := range secret {
		if s != "" && strings.Contains(logs, s) {
			a.t.Errorf("%s: the log holds %q:\n%s", what, s, logs)
		}
	}
}

// SendFailureLeavesNothing checks issue 10's "SMTP down": for a mail server
// that is not there, one that refuses at once and one that refuses the
// message after taking it all, the real SMTP sender fails, every client
// is answered 503 with Retry-After and a sentence (a page, or JSON with the
// next-auth/react url), the failed sends do not count against the limits,
// no token stays in the store, and the log says why without the address,
// link, token or code. A store that fails between storing the link and the
// code leaves nothing either. Then, with a working mail server, the same
// address signs in: nothing half-stored blocks the retry.
func SendFailureLeavesNothing(t *testing.T, s Store) {
	a := newApp(t, s)
	for i, fault := range mailFaults {
		identifier := fmt.Sprintf("ada+fault%d@example.com", i)
		cfg, err := email.ParseSMTPURL(fault.start(t))
		if err != nil {
			t.Fatal(err)
		}
		smtp, err := email.NewSMTP(cfg)
		if err != nil {
			t.Fatal(err)
		}
		a.mail.use(smtp)
		for _, c := range clients {
			resp, body := a.ask(identifier, c.header)
			a.checkRefused(fault.name+", "+c.name, resp, body)
		}
		a.checkNothingStored(fault.name, identifier)
		a.checkLogs(fault.name, identifier, "sign-in mail could not be sent")
	}

	mailbox := &email.Memory{}
	a.mail.use(mailbox)
	const storeDown = "ada+store@example.com"
	a.rec.failStore(2) // the link is stored, the code is not
	resp, body := a.ask(storeDown, nil)
	a.rec.failStore(0)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("store down after the link: status %d:\n%.300s", resp.StatusCode, body)
	}
	a.checkNothingStored("store down after the link", storeDown)
	if mailbox.Len() != 0 {
		t.Fatal("a mail was sent though its code was not stored")
	}

	for i := range mailFaults {
		a.retry(mailbox, fmt.Sprintf("ada+fault%d@example.com", i))
	}
	a.retry(mailbox, storeDown)
}

// retry asks again with a working mail server and signs in with the link.
func (a *app) retry(mailbox *email.Memory, identifier string) {
	t := a.t
	t.Helper()
	resp, body := a.ask(identifier, nil)
	if resp.StatusCode != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "/api/auth/verify-request") {
		t.Fatalf("retry of %s: status %d, Location %q:\n%.300s", identifier, resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if a.store.Tokens != nil {
		if n := a.store.Tokens(t, identifier); n != 2 {
			t.Fatalf("retry of %s: the store holds %d tokens, want 2 (link and code)", identifier, n)
		}
	}
	m, ok := mailbox.Last(identifier)
	if !ok {
		t.Fatalf("retry of %s: no mail", identifier)
	}
	link, _ := url.Parse(linkPattern.FindString(m.Text))
	_, page := a.do("GET", link.RequestURI(), nil, nil)
	form := url.Values{}
	for _, f := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(page, -1) {
		form.Set(f[1], strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#39;", "'", "&#34;", `"`).Replace(f[2]))
	}
	resp, _ = a.do("POST", "/api/auth/callback/email", form, nil)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != a.srv.URL+"/dashboard" {
		t.Fatalf("retry of %s: the link answered %d to %q", identifier, resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = a.do("GET", "/api/auth/session", nil, nil)
	var s struct{ User struct{ Email string } }
	if err := json.Unmarshal([]byte(body), &s); err != nil || s.User.Email != identifier {
		t.Fatalf("retry of %s: session %s (%v)", identifier, body, err)
	}
	if a.store.Tokens != nil {
		if n := a.store.Tokens(t, identifier); n != 0 {
			t.Fatalf("after signing in as %s the store holds %d tokens, want none (link used, code burned)", identifier, n)
		}
	}
	u, err := a.store.Adapter.GetUserByEmail(context.Background(), identifier)
	if err != nil || u == nil || u.EmailVerified == nil {
		t.Fatalf("user %s after signing in: %+v, %v", identifier, u, errors.Join(err))
	}
}
