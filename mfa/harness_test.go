package mfa_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/mfa"
	"github.com/authgo/authgo/providers"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// clock is the Auth's clock, which a test moves.
type clock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

// site is an Auth with the second factor on, served with three app
// routes: / (open), /admin (RequireFactor otp) and /fresh
// (RequireFreshAuth 10 minutes).
type site struct {
	t     *testing.T
	auth  *authgo.Auth
	srv   *httptest.Server
	clock *clock
	store *memory.Adapter
	logs  *limittest.Logs
}

func newSite(t *testing.T, mutate func(*authgo.Config)) *site {
	t.Helper()
	s := &site{t: t, clock: &clock{}, store: memory.New(), logs: &limittest.Logs{}}
	cred := providers.Credentials(providers.CredentialsConfig{
		Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			u, ok := limittest.Users[c["email"]]
			if !ok || u.Password != c["password"] {
				return nil, nil
			}
			user := u.User
			return &user, nil
		},
	})
	var mux http.ServeMux
	s.srv = httptest.NewServer(&mux)
	t.Cleanup(s.srv.Close)
	cfg := authgo.Config{
		Secret:    []string{limittest.Secret},
		URL:       s.srv.URL,
		Providers: []authgo.Provider{cred},
		Adapter:   s.store,
		Logger:    slog.New(slog.NewTextHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		LookupEnv: func(string) (string, bool) { return "", false },
		Now:       s.clock.now,
		TwoFactor: authgo.TwoFactorConfig{TOTP: mfa.TOTP{}},
	}
	if mutate != nil {
		mutate(&cfg)
	}
	a, err := authgo.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	s.auth = a
	mux.Handle("/api/auth/", a.Handler())
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok "+r.URL.Path) })
	mux.Handle("/admin", a.RequireFactor(amr.OTP)(ok))
	mux.Handle("/fresh", a.RequireFreshAuth(10*time.Minute)(ok))
	mux.Handle("/", ok)
	return s
}

// browser is one browser of a site: its own cookie jar, no automatic
// redirects.
type browser struct {
	s      *site
	client *http.Client
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	status   int
	location string
	body     string
	json     map[string]any
}

func (b *browser) do(method, path string, form url.Values, header ...string) response {
	b.s.t.Helper()
	var rd io.Reader
	if form != nil {
		rd = strings.NewReader(form.Encode())
	}
	if !strings.HasPrefix(path, "http") {
		path = b.s.srv.URL + path
	}
	req, err := http.NewRequest(method, path, rd)
	if err != nil {
		b.s.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	r := response{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(body)}
	_ = json.Unmarshal(body, &r.json)
	return r
}

func (b *browser) get(path string, header ...string) response {
	return b.do("GET", path, nil, header...)
}

func (b *browser) csrf() string {
	b.s.t.Helper()
	r := b.get("/api/auth/csrf")
	tok, _ := r.json["csrfToken"].(string)
	if tok == "" {
		b.s.t.Fatalf("no csrf token: %s", r.body)
	}
	return tok
}

// post posts form with the CSRF token.
func (b *browser) post(path string, form url.Values, header ...string) response {
	b.s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrfToken", b.csrf())
	return b.do("POST", path, form, header...)
}

// signIn posts the credentials form and returns the answer.
func (b *browser) signIn(email string) response {
	b.s.t.Helper()
	return b.post("/api/auth/callback/credentials", url.Values{"email": {email}, "password": {limittest.Users[email].Password}, "callbackUrl": {"/dashboard"}})
}

// session returns the session JSON, nil when signed out.
func (b *browser) session() map[string]any {
	b.s.t.Helper()
	r := b.get("/api/auth/session")
	if r.status != 200 {
		b.s.t.Fatalf("GET session: %d %s", r.status, r.body)
	}
	return r.json
}

func (b *browser) mustBeSignedOut(step string) {
	b.s.t.Helper()
	if s := b.session(); s != nil {
		b.s.t.Fatalf("%s: a session before the second factor: %v", step, s)
	}
	if r := b.get("/admin", "Accept", "application/json"); r.status != http.StatusUnauthorized {
		b.s.t.Fatalf("%s: /admin answered %d %s", step, r.status, r.body)
	}
}

// sessionAMR returns the amr of session s, comma-separated.
func sessionAMR(s map[string]any) string {
	var out []string
	list, _ := s["amr"].([]any)
	for _, m := range list {
		out = append(out, m.(string))
	}
	return strings.Join(out, ",")
}

// code is secret's TOTP code at t.
func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol sets up an authenticator app for the signed-in user of b, over
// HTTP, and returns its secret and the backup codes. The clock moves on a
// step, so that the next code is a fresh one.
func (b *browser) enrol() (string, []string) {
	t := b.s.t
	t.Helper()
	r := b.get("/api/auth/two-factor/enroll", "Accept", "application/json")
	secret, _ := r.json["secret"].(string)
	if r.status != 200 || secret == "" || !strings.HasPrefix(r.json["uri"].(string), "otpauth://totp/") {
		t.Fatalf("enroll: %d %s", r.status, r.body)
	}
	r = b.post("/api/auth/two-factor/enroll", url.Values{"code": {code(t, secret, b.s.clock.now())}}, "Accept", "application/json")
	list, _ := r.json["backupCodes"].([]any)
	if r.status != 200 || len(list) != 10 {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	var codes []string
	for _, c := range list {
		codes = append(codes, c.(string))
	}
	b.s.clock.advance(30 * time.Second)
	return secret, codes
}

// signOut signs b out.
func (b *browser) signOut() {
	b.s.t.Helper()
	if r := b.post("/api/auth/signout", nil); r.status != http.StatusFound {
		b.s.t.Fatalf("sign out: %d %s", r.status, r.body)
	}
}

// challenge posts code to the challenge and returns the answer.
func (b *browser) challenge(code string, extra ...string) response {
	b.s.t.Helper()
	form := url.Values{"code": {code}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return b.post("/api/auth/two-factor/challenge", form)
}

var pathOf = regexp.MustCompile(`^https?://[^/]+`)

// path is the path of an absolute URL of the site.
func path(u string) string { return pathOf.ReplaceAllString(u, "") }
