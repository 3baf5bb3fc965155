package authgo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
)

// tokenSpy is the memory adapter, recording each verification token
// stored, so a test can see what is left.
type tokenSpy struct {
	*memory.Adapter
	mu      sync.Mutex
	created []adapter.VerificationToken
}

func (s *tokenSpy) CreateVerificationToken(ctx context.Context, vt adapter.VerificationToken) error {
	s.mu.Lock()
	s.created = append(s.created, vt)
	s.mu.Unlock()
	return s.Adapter.CreateVerificationToken(ctx, vt)
}

// live returns how many recorded tokens are still stored (it uses them up).
func (s *tokenSpy) live(t *testing.T) int {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, vt := range s.created {
		if got, err := s.Adapter.UseVerificationToken(context.Background(), vt.Identifier, vt.Token); err != nil {
			t.Fatal(err)
		} else if got != nil {
			n++
		}
	}
	return n
}

// emailFixture is a fixture with an email provider sending into a Memory
// mailbox and a memory adapter.
type emailFixture struct {
	*fixture
	mail  *email.Memory
	store *tokenSpy
	clock *testClock
}

type testClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.off) }
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.off += d
	c.mu.Unlock()
}

func newEmailFixture(t *testing.T, opts func(*email.Options), mutate func(*authgo.Config)) *emailFixture {
	t.Helper()
	f := &emailFixture{mail: &email.Memory{}, store: &tokenSpy{Adapter: memory.New()}, clock: &testClock{}}
	f.fixture = newFixture(t, func(c *authgo.Config) {
		o := email.Options{Sender: f.mail, From: "App <no-reply@app.example>"}
		if opts != nil {
			opts(&o)
		}
		c.Providers = append(c.Providers, providers.Email(providers.EmailConfig{Options: o}))
		c.Adapter = f.store
		c.Now = f.clock.now
		if mutate != nil {
			mutate(c)
		}
	})
	return f
}

// ask posts the email form from the fixture's browser.
func (f *emailFixture) ask(addr string, header map[string]string) *http.Response {
	f.t.Helper()
	return f.do("POST", "/api/auth/signin/email", url.Values{"email": {addr}, "csrfToken": {f.csrf()}, "callbackUrl": {"/dashboard"}}, header)
}

var (
	linkPattern = regexp.MustCompile(`https?://\S+/api/auth/callback/email\?\S+`)
	codePattern = regexp.MustCompile(`code: (\d{6,12})`)
)

// lastMail returns the link and the code of the newest mail to addr.
func (f *emailFixture) lastMail(addr string) (link, code string) {
	f.t.Helper()
	m, ok := f.mail.Last(addr)
	if !ok {
		f.t.Fatalf("no mail to %s", addr)
	}
	link = linkPattern.FindString(m.Text)
	if c := codePattern.FindStringSubmatch(m.Text); c != nil {
		code = c[1]
	}
	return link, code
}

// confirm opens link as a browser does, then presses the page's button.
func (f *emailFixture) confirm(link string) *http.Response {
	f.t.Helper()
	page := readAll(f.t, f.get(link))
	form := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], htmlUnescape(m[2]))
	}
	if form.Get("token") == "" {
		f.t.Fatalf("the link's page has no sign-in form:\n%s", page)
	}
	return f.do("POST", "/api/auth/callback/email", form, nil)
}

func (f *emailFixture) get(link string) *http.Response {
	f.t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.do("GET", u.RequestURI(), nil, nil)
}

func (f *emailFixture) sendCode(code string) *http.Response {
	f.t.Helper()
	return f.do("POST", "/api/auth/callback/email", url.Values{"code": {code}, "csrfToken": {f.csrf()}}, nil)
}

func htmlUnescape(s string) string {
	return strings.NewReplacer("&amp;", "&", "&#43;", "+", "&#39;", "'", "&#34;", `"`, "&lt;", "<", "&gt;", ">").Replace(s)
}

func sessionEmail(f *fixture) string {
	s := f.session()
	if s == nil {
		return ""
	}
	u, _ := s["user"].(map[string]any)
	e, _ := u["email"].(string)
	return e
}

func TestEmailSignInByLink(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	resp := f.ask(" Ada@Example.COM ", nil)
	if got, want := location(t, resp), f.url("/api/auth/verify-request?provider=email&type=email"); got != want {
		t.Fatalf("Location %q, want %q", got, want)
	}
	link, code := f.lastMail("ada@example.com")
	if link == "" || len(code) != 6 {
		t.Fatalf("mail has link %q and code %q", link, code)
	}
	u, _ := url.Parse(link)
	q := u.Query()
	if q.Get("email") != "ada@example.com" || q.Get("callbackUrl") != f.url("/dashboard") || len(q.Get("token")) != 64 {
		t.Fatalf("link query %v", q)
	}
	m, _ := f.mail.Last("ada@example.com")
	if m.Subject != "Sign in to "+u.Host || m.From != "App <no-reply@app.example>" {
		t.Errorf("subject %q from %q", m.Subject, m.From)
	}
	// Stored as Auth.js stores it.
	want := sha256.Sum256([]byte(q.Get("token") + testSecret))
	var found bool
	for _, vt := range f.store.created {
		found = found || vt.Token == hex.EncodeToString(want[:]) && vt.Identifier == "ada@example.com"
	}
	if !found {
		t.Fatalf("no stored token is hex(SHA-256(token+secret)): %+v", f.store.created)
	}

	page := f.get(link)
	body := readAll(t, page)
	if page.StatusCode != 200 || !strings.Contains(body, "Sign in as <strong>ada@example.com</strong>") || strings.Contains(body, "<script") {
		t.Fatalf("GET link: %d\n%s", page.StatusCode, body)
	}
	if strings.Contains(body, "another browser") {
		t.Errorf("the asking browser was told it is another one")
	}
	if e := sessionEmail(f.fixture); e != "" {
		t.Fatalf("GET of the link signed in as %q", e)
	}
	if got := location(t, f.confirm(link)); got != f.url("/dashboard") {
		t.Fatalf("after sign-in, Location %q", got)
	}
	if e := sessionEmail(f.fixture); e != "ada@example.com" {
		t.Fatalf("session email %q", e)
	}
	user, _ := f.store.GetUserByEmail(context.Background(), "ada@example.com")
	if user == nil || user.EmailVerified == nil {
		t.Fatalf("user %+v: want created with emailVerified", user)
	}
	if acct, _ := f.store.GetUserByAccount(context.Background(), "email", "ada@example.com"); acct != nil {
		t.Errorf("an account row was linked; Auth.js links none for email")
	}
	// Signing in by link burned the code of this browser.
	if got := f.sendCode(code); got.StatusCode == http.StatusFound {
		t.Errorf("the code still worked after the link was used")
	}
}

func TestEmailSignInByCode(t *testing.T) {
	f := newEmailFixture(t, nil, func(c *authgo.Config) { c.Session.Strategy = authgo.StrategyJWT })
	location(t, f.ask("grace@example.com", nil))
	link, code := f.lastMail("grace@example.com")
	page := readAll(t, f.do("GET", "/api/auth/verify-request?provider=email&type=email", nil, nil))
	if !strings.Contains(page, `name="code"`) || !strings.Contains(page, `autocomplete="one-time-code"`) {
		t.Fatalf("verify-request page has no code form:\n%s", page)
	}
	// Typed with a space, as people copy it.
	if got := location(t, f.sendCode(code[:3]+" "+code[3:])); got != f.url("/dashboard") {
		t.Fatalf("Location %q", got)
	}
	if e := sessionEmail(f.fixture); e != "grace@example.com" {
		t.Fatalf("JWT session email %q", e)
	}
	// The code burned the link.
	other := newBrowserOf(f)
	if got := location(t, other.confirm(link)); !strings.Contains(got, "error=Verification") {
		t.Fatalf("link after the code: %q", got)
	}
}

// newBrowserOf returns a second browser (its own cookie jar) on f's server.
func newBrowserOf(f *emailFixture) *emailFixture {
	g := *f
	fx := *f.fixture
	fx.client = newBrowser()
	g.fixture = &fx
	return &g
}

func TestEmailSignInJSONMode(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	resp := f.ask("ada@example.com", map[string]string{"X-Auth-Return-Redirect": "1"})
	var out struct{ URL string }
	decodeJSON(t, resp, &out)
	if resp.StatusCode != 200 || out.URL != f.url("/api/auth/verify-request?provider=email&type=email") {
		t.Fatalf("%d %q", resp.StatusCode, out.URL)
	}
}

func TestEmailSignInExistingUserAndNewUserPage(t *testing.T) {
	f := newEmailFixture(t, nil, func(c *authgo.Config) { c.Pages.NewUser = "/welcome" })
	created, err := f.store.CreateUser(context.Background(), adapter.User{Email: "ada@example.com", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	location(t, f.ask("ada@example.com", nil))
	link, _ := f.lastMail("ada@example.com")
	if got := location(t, f.confirm(link)); got != f.url("/dashboard") {
		t.Fatalf("existing user went to %q", got)
	}
	u, _ := f.store.GetUser(context.Background(), created.ID)
	if u.EmailVerified == nil || u.Name != "Ada" {
		t.Fatalf("existing user after sign-in: %+v", u)
	}
	location(t, f.ask("new@example.com", nil))
	link, _ = f.lastMail("new@example.com")
	if got := location(t, f.confirm(link)); !strings.HasPrefix(got, f.url("/welcome?callbackUrl=")) {
		t.Fatalf("new user went to %q, want Pages.NewUser", got)
	}
}

func TestEmailProviderNeedsAdapter(t *testing.T) {
	_, err := authgo.New(authgo.Config{
		Secret: []string{testSecret}, URL: "https://app.example/api/auth", LookupEnv: noEnv,
		Providers: []authgo.Provider{providers.Email(providers.EmailConfig{Options: email.Options{Sender: &email.Memory{}}})},
	})
	if err == nil || !strings.Contains(err.Error(), "needs an Adapter that stores verification tokens and users") {
		t.Fatalf("New without an Adapter: %v", err)
	}
	_, err = authgo.New(authgo.Config{
		Secret: []string{testSecret}, URL: "https://app.example/api/auth", LookupEnv: noEnv, Adapter: memory.New(),
		Providers: []authgo.Provider{providers.Email(providers.EmailConfig{})},
	})
	if err == nil || !strings.Contains(err.Error(), "Sender") {
		t.Fatalf("New without a Sender: %v", err)
	}
	p := providers.Nodemailer(providers.EmailConfig{})
	if p.ID() != "nodemailer" || p.Type() != "email" || providers.Email(providers.EmailConfig{}).ID() != "email" {
		t.Errorf("ids %q %q", p.ID(), p.Type())
	}
}

func drain(r *http.Response) { _, _ = io.Copy(io.Discard, r.Body) }
