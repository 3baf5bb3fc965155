package email_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
)

// switchable is a Sender whose target a test can swap (a server that goes
// down and comes back).
type switchable struct{ s atomic.Pointer[email.SMTP] }

func (w *switchable) Send(ctx context.Context, m *email.Message) error {
	return w.s.Load().Send(ctx, m)
}

// signInApp serves an Auth with an email provider sending through s, and
// returns its server and a browser (cookie jar, no redirects followed).
func signInApp(t *testing.T, s email.Sender) (*httptest.Server, *http.Client) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	a, err := authgo.New(authgo.Config{
		Secret: []string{"e2e-secret-0123456789abcdef0123456789abcdef"}, URL: srv.URL + "/api/auth",
		LookupEnv: func(string) (string, bool) { return "", false }, Adapter: memory.New(),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Providers: []authgo.Provider{providers.Email(providers.EmailConfig{Options: email.Options{
			Sender: s, From: "App <no-reply@app.example.com>",
		}})},
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/api/auth/", a.Handler())
	jar, _ := cookiejar.New(nil)
	return srv, &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func post(t *testing.T, c *http.Client, u string, form url.Values) *http.Response {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func csrfOf(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	resp, err := c.Get(base + "/api/auth/csrf")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`"csrfToken":"([0-9a-f]+)"`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("csrf: %s", b)
	}
	return string(m[1])
}

var hidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// The whole flow through a real SMTP server: the mail as delivered (MIME,
// quoted-printable) carries the link and the code; opening the link shows
// a page, its button signs in.
func TestEmailSignInThroughSMTP(t *testing.T) {
	b := &backend{}
	addr := startServer(t, b, startTLSServer, "127.0.0.1")
	srv, c := signInApp(t, sender(t, urlFor("smtp", "", addr, "starttls=required")))

	resp := post(t, c, srv.URL+"/api/auth/signin/email", url.Values{"email": {"Ada@Example.com"}, "csrfToken": {csrfOf(t, c, srv.URL)}, "callbackUrl": {"/dashboard"}})
	if resp.StatusCode != http.StatusFound || !strings.HasSuffix(resp.Header.Get("Location"), "/api/auth/verify-request?provider=email&type=email") {
		t.Fatalf("send: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	msgs := b.messages()
	if len(msgs) != 1 || msgs[0].To != "ada@example.com" || !msgs[0].TLS {
		t.Fatalf("delivered %+v", msgs)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if got := msg.Header.Get("Subject"); got != "Sign in to "+host {
		t.Errorf("Subject %q", got)
	}
	text, htmlPart := parts(t, msg)
	link := regexp.MustCompile(`http://\S+/api/auth/callback/email\?\S+`).FindString(text)
	code := regexp.MustCompile(`code: (\d{6})`).FindStringSubmatch(text)
	if link == "" || code == nil || !strings.Contains(htmlPart, code[1]) {
		t.Fatalf("mail text without link or code:\n%s", text)
	}

	page, err := c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if !strings.Contains(string(body), "Sign in as <strong>ada@example.com</strong>") {
		t.Fatalf("link page:\n%s", body)
	}
	form := url.Values{}
	for _, m := range hidden.FindAllStringSubmatch(string(body), -1) {
		form.Set(m[1], strings.ReplaceAll(strings.ReplaceAll(m[2], "&#43;", "+"), "&amp;", "&"))
	}
	resp = post(t, c, srv.URL+"/api/auth/callback/email", form)
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != srv.URL+"/dashboard" {
		t.Fatalf("sign-in: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	s, _ := c.Get(srv.URL + "/api/auth/session")
	sb, _ := io.ReadAll(s.Body)
	s.Body.Close()
	if !strings.Contains(string(sb), `"email":"ada@example.com"`) {
		t.Fatalf("session %s", sb)
	}
	// The link again: used.
	resp = post(t, c, srv.URL+"/api/auth/callback/email", form)
	if !strings.Contains(resp.Header.Get("Location"), "error=Verification") {
		t.Fatalf("second use: %q", resp.Header.Get("Location"))
	}
}

// The mail server is down: the user reads "could not be sent" with a 503,
// and asking again once it is back works.
func TestEmailSignInSMTPDown(t *testing.T) {
	var sw switchable
	sw.s.Store(sender(t, urlFor("smtp", "", closedPort(t), "")))
	srv, c := signInApp(t, &sw)
	ask := func() *http.Response {
		return post(t, c, srv.URL+"/api/auth/signin/email", url.Values{"email": {"ada@example.com"}, "csrfToken": {csrfOf(t, c, srv.URL)}})
	}
	resp := ask()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "could not be sent") {
		t.Fatalf("server down: %d\n%s", resp.StatusCode, body)
	}
	b := &backend{}
	sw.s.Store(sender(t, urlFor("smtp", "", startServer(t, b, plainServer, "127.0.0.1"), "")))
	if resp := ask(); resp.StatusCode != http.StatusFound || len(b.messages()) != 1 {
		t.Fatalf("after the server came back: %d, %d messages", resp.StatusCode, len(b.messages()))
	}
}
