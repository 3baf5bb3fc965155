package demo

import (
	"bytes"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/authgo/authgo"
)

var (
	hiddenInput  = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
	mailLink     = regexp.MustCompile(`https?://\S+/api/auth/callback/email\?\S+`)
	mailCode     = regexp.MustCompile(`code: (\d{6})`)
	mailboxLinks = regexp.MustCompile(`<a href="(http[^"]+/api/auth/callback/email\?[^"]+)">`)
)

// askLink posts the login page's "Email me a sign-in link" form.
func (b *browser) askLink(addr string) response {
	b.app.t.Helper()
	return b.postForm("/login/email", url.Values{"csrfToken": {b.csrf("/login")}, "email": {addr}})
}

// openLink opens a mail's link in b, as a click does, and presses the
// button of the page it shows.
func (b *browser) openLink(link string) response {
	t := b.app.t
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	page := b.get(u.RequestURI())
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	if page.status != http.StatusOK || form.Get("token") == "" {
		t.Fatalf("the link answered %d without its sign-in button:\n%s", page.status, page.body)
	}
	return b.postForm("/api/auth/callback/email", form)
}

// profile returns b's user from the profile API.
func (b *browser) profile() profileResponse {
	b.app.t.Helper()
	return decode[profileResponse](b.app.t, b.get("/api/user/profile"))
}

// Without --smtp: the link form on /login, the mail at /dev/mailbox with
// its link clickable, the link's page and button, a new address signed up
// as a viewer; an existing user keeps their role when signing in by code.
func TestEmailSignInThroughMailbox(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(string(strategy), func(t *testing.T) {
			ta := newTestApp(t, strategy)
			b := ta.browser("")
			checkAskLink(t, ta, b)
			link := checkMailbox(t, b)
			checkLinkSignsUp(t, ta, b, link)
			checkExistingUserByCode(t, ta)
		})
	}
}

// checkAskLink: the login page has the link form; asking leads to the "Check your email" page.
func checkAskLink(t *testing.T, ta *testApp, b *browser) {
	t.Helper()
	login := b.get("/login")
	if !strings.Contains(login.body, `action="/login/email"`) || !strings.Contains(login.body, "Email me a sign-in link") || !strings.Contains(login.body, `href="/dev/mailbox"`) {
		t.Fatalf("the login page has no link form or mailbox link:\n%s", login.body)
	}
	res := b.askLink(" New.Person@Example.com")
	if res.status != http.StatusSeeOther || res.location() != ta.srv.URL+"/api/auth/verify-request?provider=email&type=email" {
		t.Fatalf("ask: %d %q %s", res.status, res.location(), alertOf(res.body))
	}
	if check := b.get("/api/auth/verify-request?provider=email&type=email"); !strings.Contains(check.body, "Check your email") || !strings.Contains(check.body, `name="code"`) {
		t.Fatalf("verify-request page:\n%s", check.body)
	}

}

// checkMailbox: the mail is at /dev/mailbox with its link clickable and an HTML view; it returns the link.
func checkMailbox(t *testing.T, b *browser) string {
	t.Helper()
	box := b.get("/dev/mailbox")
	m := mailboxLinks.FindStringSubmatch(box.body)
	if box.status != http.StatusOK || !strings.Contains(box.body, "Development only") || m == nil || !strings.Contains(box.body, "new.person@example.com") {
		t.Fatalf("mailbox: %d, clickable link %v:\n%s", box.status, m != nil, box.body)
	}
	if !mailCode.MatchString(box.body) || !strings.Contains(box.body, `href="/dev/mailbox/1"`) {
		t.Errorf("the mailbox shows no code or no HTML view:\n%s", box.body)
	}
	asHTML := b.get("/dev/mailbox/1")
	if asHTML.status != http.StatusOK || !strings.Contains(asHTML.body, "/api/auth/callback/email?") || !strings.HasPrefix(asHTML.header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("HTML view: %d, CSP %q", asHTML.status, asHTML.header.Get("Content-Security-Policy"))
	}
	if r := b.get("/dev/mailbox/99"); r.status != http.StatusNotFound {
		t.Errorf("a message that is not there: %d", r.status)
	}

	return m[1]
}

// checkLinkSignsUp: the link signs a new address up as a viewer.
func checkLinkSignsUp(t *testing.T, ta *testApp, b *browser, link string) {
	t.Helper()
	if res := b.openLink(html.UnescapeString(link)); res.status != http.StatusFound || res.location() != ta.srv.URL+"/dashboard" {
		t.Fatalf("pressing the link's button: %d %q", res.status, res.location())
	}
	if p := b.profile(); p.Email != "new.person@example.com" || p.Role != lowestRole {
		t.Fatalf("new user by email: %+v, want role %s", p, lowestRole)
	}
	if r := b.get("/editor"); r.status/100 != 3 || !strings.HasPrefix(r.location(), "/unauthorized") {
		t.Errorf("a viewer opened /editor: %d %q", r.status, r.location())
	}
	if dash := b.get("/dashboard"); !strings.Contains(dash.body, "new.person@example.com") {
		t.Errorf("the header does not name the user who has no name:\n%s", dash.body)
	}

}

// checkExistingUserByCode: an existing user keeps their role when signing in by code.
func checkExistingUserByCode(t *testing.T, ta *testApp) {
	t.Helper()
	// An existing user, by the code form of the "Check your email"
	// page in the browser that asked.
	admin := ta.browser("")
	res := admin.askLink("admin@example.com")
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(admin.get(strings.TrimPrefix(res.location(), ta.srv.URL)).body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	last, _ := ta.mail.Last("admin@example.com")
	form.Set("code", mailCode.FindStringSubmatch(last.Text)[1])
	res = admin.postForm("/api/auth/callback/email", form)
	if res.status != http.StatusFound || res.location() != ta.srv.URL+"/dashboard" {
		t.Fatalf("code: %d %q", res.status, res.location())
	}
	if p := admin.profile(); p.Role != "admin" {
		t.Errorf("admin by email: role %q, want admin kept", p.Role)
	}
}

// Bad input on the link form: a clear message, no mail.
func TestEmailSignInBadInput(t *testing.T) {
	ta := newTestApp(t, authgo.StrategyJWT)
	b := ta.browser("")
	for _, addr := range []string{"", "a@b@c.example", `"a"@example.com`, "ada@example.com,eve@evil.example", strings.Repeat("a", 10240) + "@example.com"} {
		res := b.askLink(addr)
		if res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="link-email-error"`) {
			t.Errorf("%.30q: status %d:\n%s", addr, res.status, res.body)
		}
	}
	res := b.postForm("/login/email", url.Values{"email": {"ada@example.com"}, "csrfToken": {"forged"}})
	if res.status != http.StatusForbidden || alertOf(res.body) != msgFormExpired {
		t.Errorf("forged csrfToken: %d %q", res.status, alertOf(res.body))
	}
	if n := ta.mail.Len(); n != 0 {
		t.Errorf("%d mails sent for bad input", n)
	}
}

// The mailbox opens only from this machine: every link in it works.
func TestMailboxOnlyOnLoopback(t *testing.T) {
	ta := newTestApp(t, authgo.StrategyJWT)
	for _, remote := range []string{"192.0.2.7:4000", "[2001:db8::1]:4000", "garbage"} {
		r := httptest.NewRequest("GET", "/dev/mailbox", nil)
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		ta.ServeHTTP(w, r)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "this machine only") {
			t.Errorf("from %s: %d", remote, w.Code)
		}
	}
	r := httptest.NewRequest("GET", "/dev/mailbox", nil)
	r.RemoteAddr = "[::ffff:127.0.0.1]:4000"
	w := httptest.NewRecorder()
	ta.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Errorf("from loopback: %d", w.Code)
	}
}

// The mail server down: the login page says so with 503, nothing to retry
// against; there is no mailbox.
func TestEmailSignInSMTPDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ta := newTestAppFrom(t, Config{DBPath: filepath.Join(t.TempDir(), "demo.db"), Secret: testSecret, Password: testPassword, SMTPURL: "smtp://" + addr})
	b := ta.browser("")
	for range 4 { // more than the per-address limit: failed sends do not count
		res := b.askLink("ada@example.com")
		if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" || !strings.Contains(alertOf(res.body), "could not be sent") {
			t.Fatalf("SMTP down: %d %q", res.status, alertOf(res.body))
		}
		if !strings.Contains(res.body, `value="ada@example.com"`) {
			t.Errorf("the typed address is not kept:\n%s", res.body)
		}
	}
	if r := b.get("/dev/mailbox"); r.status != http.StatusNotFound || !strings.Contains(r.body, "--smtp") {
		t.Errorf("mailbox with --smtp: %d", r.status)
	}
	if login := b.get("/login"); strings.Contains(login.body, "/dev/mailbox") {
		t.Error("the login page points to a mailbox that is not there")
	}
}

// smtpSink is a real SMTP server (go-smtp) that keeps what it receives.
type smtpSink struct {
	mu   sync.Mutex
	msgs [][]byte
	to   []string
}

func (s *smtpSink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

func (s *smtpSink) messages() ([][]byte, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.msgs...), append([]string(nil), s.to...)
}

type sinkSession struct {
	s    *smtpSink
	to   string
	user bool
}

// AuthMechanisms offers AUTH PLAIN; the sink takes demo / s3cret.
func (x *sinkSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *sinkSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "demo" || pass != "s3cret" {
			return smtp.ErrAuthFailed
		}
		x.user = true
		return nil
	}), nil
}

func (x *sinkSession) Mail(string, *smtp.MailOptions) error {
	if !x.user {
		return smtp.ErrAuthRequired
	}
	return nil
}
func (x *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error { x.to = to; return nil }
func (x *sinkSession) Reset()                                    {}
func (x *sinkSession) Logout() error                             { return nil }
func (x *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.msgs, x.s.to = append(x.s.msgs, b), append(x.s.to, x.to)
	return nil
}

// startSMTP serves sink on a loopback port until the test ends.
func startSMTP(t *testing.T, sink *smtpSink) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := smtp.NewServer(sink)
	srv.Domain = "sink.test"
	srv.AllowInsecureAuth = true
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// plainText returns the text/plain part of a raw mail, decoded.
func plainText(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no text/plain part: %v", err)
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, err := io.ReadAll(p) // NextPart has decoded quoted-printable

			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
}

// `authgo demo --smtp URL` sends the sign-in mail through a real SMTP
// server; its link signs a new user up as a viewer; there is no mailbox.
func TestRunWithSMTP(t *testing.T) {
	sink := &smtpSink{}
	addr := startSMTP(t, sink)
	s := startDemo(t, []string{"--db", filepath.Join(t.TempDir(), "demo.db"), "--smtp", "smtp://demo:s3cret@" + addr, "--mail-from", "Demo <demo@example.com>"},
		map[string]string{"AUTH_SECRET": testSecret, "AUTHGO_DEMO_PASSWORD": testPassword})
	out := s.out.String()
	if !strings.Contains(out, "Sign-in mail is sent through smtp://demo:xxxxx@"+addr) || strings.Contains(out, "s3cret") {
		t.Errorf("start-up output:\n%s", out)
	}
	// A browser on the running demo: the helpers need only its URL.
	b := (&testApp{srv: &httptest.Server{URL: s.url}, t: t}).browser("")
	if res := b.askLink("grace@example.com"); res.status != http.StatusSeeOther {
		t.Fatalf("ask: %d %s", res.status, alertOf(res.body))
	}
	msgs, to := sink.messages()
	if len(msgs) != 1 || to[0] != "grace@example.com" {
		t.Fatalf("the SMTP server got %d mails, to %v", len(msgs), to)
	}
	h, err := mail.ReadMessage(bytes.NewReader(msgs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if from, err := h.Header.AddressList("From"); err != nil || from[0].Address != "demo@example.com" || !strings.HasPrefix(h.Header.Get("Subject"), "Sign in to 127.0.0.1") {
		t.Errorf("headers of the mail: %+v", h.Header)
	}
	link := mailLink.FindString(plainText(t, msgs[0]))
	if res := b.openLink(link); res.status != http.StatusFound || res.location() != s.url+"/dashboard" {
		t.Fatalf("the link from the SMTP server: %d %q", res.status, res.location())
	}
	if p := b.profile(); p.Email != "grace@example.com" || p.Role != lowestRole {
		t.Errorf("user: %+v", p)
	}
	if r := b.get("/dev/mailbox"); r.status != http.StatusNotFound {
		t.Errorf("mailbox with --smtp: %d", r.status)
	}
}

// A bad --smtp URL stops the demo with a sentence, without the password.
func TestRunBadSMTPURL(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Run(t.Context(), []string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "demo.db"), "--smtp", "smtp://demo:s3cret@host:99999"}, &stdout, &stderr,
		func(k string) (string, bool) {
			return map[string]string{"AUTH_SECRET": testSecret}[k], k == "AUTH_SECRET"
		})
	if code != 1 || !strings.Contains(stderr.String(), "--smtp") || !strings.Contains(stderr.String(), "port") || strings.Contains(stderr.String()+stdout.String(), "s3cret") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}
