package accounts_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/e2e/internal/sqlstores"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/providers"
)

// mailbox is an SMTP server that keeps what it receives; down makes it
// refuse every message (a mail server that fails).
type mailbox struct {
	mu   sync.Mutex
	subj []string
	text []string
	to   []string
	down bool
	// delay is how long the server takes to accept a message.
	delay time.Duration
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{b: b}, nil }

type smtpSession struct {
	b  *mailbox
	to string
}

func (s *smtpSession) Mail(string, *smtp.MailOptions) error {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	if s.b.down {
		return &smtp.SMTPError{Code: 421, Message: "down for the test"}
	}
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = to; return nil }
func (s *smtpSession) Data(r io.Reader) error {
	s.b.mu.Lock()
	delay := s.b.delay
	s.b.mu.Unlock()
	time.Sleep(delay)
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.subj = append(s.b.subj, m.Header.Get("Subject"))
	s.b.text = append(s.b.text, plainText(m))
	s.b.to = append(s.b.to, s.to)
	return nil
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

func (b *mailbox) setDown(v bool) { b.mu.Lock(); b.down = v; b.mu.Unlock() }

func (b *mailbox) setDelay(d time.Duration) { b.mu.Lock(); b.delay = d; b.mu.Unlock() }

// last returns the text of the last message to addr and its subject.
func (b *mailbox) last(t *testing.T, addr string) (subject, text string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.to) - 1; i >= 0; i-- {
		if b.to[i] == addr {
			return b.subj[i], b.text[i]
		}
	}
	t.Fatalf("no mail to %s", addr)
	return "", ""
}

func (b *mailbox) count(addr string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, to := range b.to {
		if to == addr {
			n++
		}
	}
	return n
}

// plainText returns the decoded text/plain part of m.
func plainText(m *mail.Message) string {
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return "unreadable Content-Type: " + err.Error()
	}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err != nil {
			return "no text part: " + err.Error()
		}
		if strings.HasPrefix(p.Header.Get("Content-Type"), "text/plain") {
			b, _ := io.ReadAll(p)
			return string(b)
		}
	}
}

func startMailbox(t *testing.T) (*mailbox, email.Sender) {
	t.Helper()
	b := &mailbox{}
	s := smtp.NewServer(b)
	s.Domain = "mx.test"
	s.ReadTimeout, s.WriteTimeout = 30*time.Second, 30*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(func() { s.Close() })
	cfg, err := email.ParseSMTPURL("smtp://" + ln.Addr().String() + "?starttls=off")
	if err != nil {
		t.Fatal(err)
	}
	snd, err := email.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return b, snd
}

// store is one database under test.
type store struct {
	name string
	open func(t *testing.T) adapter.Adapter
}

// stores are the three SQL dialects of e2e/internal/sqlstores, each test
// on tables of its own.
var stores = func() []store {
	var out []store
	for _, s := range sqlstores.All {
		out = append(out, store{s.Name, s.Open})
	}
	return out
}()

// app is an authgo server with a password provider.
type app struct {
	t    *testing.T
	srv  *httptest.Server
	box  *mailbox
	auth *authgo.Auth
	db   adapter.Adapter
	logs *limittest.Logs // authgo's log lines
}

// more are further providers beside the password one.
func newApp(t *testing.T, db adapter.Adapter, strategy authgo.SessionStrategy, edit func(*account.PasswordOptions), more ...authgo.Provider) *app {
	t.Helper()
	box, snd := startMailbox(t)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	o := account.PasswordOptions{Sender: snd, From: "App <no-reply@app.example.com>", Policy: password.Policy{Breached: password.NewBreachedList("password123", "qwertyuiop")}}
	if edit != nil {
		edit(&o)
	}
	logs := &limittest.Logs{}
	a, err := authgo.New(authgo.Config{
		Secret: []string{"accounts-e2e-secret-0123456789abcdef0123"}, URL: srv.URL + "/api/auth",
		LookupEnv: func(string) (string, bool) { return "", false }, Adapter: db,
		Session:   authgo.SessionConfig{Strategy: strategy},
		Logger:    slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Providers: append([]authgo.Provider{providers.Password(providers.PasswordConfig{PasswordOptions: o})}, more...),
	})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/api/auth/", a.Handler())
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		s, err := a.Session(w, r)
		if err != nil || s == nil {
			http.Error(w, "no session", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, s.User.Email)
	})
	mux.HandleFunc("POST /own/signup", func(w http.ResponseWriter, r *http.Request) {
		err := a.SignUp(w, r, account.SignUpInput{Email: r.FormValue("email"), Password: r.FormValue("password")})
		writeOutcome(w, err)
	})
	mux.HandleFunc("POST /own/forgot", func(w http.ResponseWriter, r *http.Request) {
		writeOutcome(w, a.RequestPasswordReset(r, r.FormValue("email")))
	})
	mux.HandleFunc("POST /own/reset", func(w http.ResponseWriter, r *http.Request) {
		_, err := a.ResetPassword(w, r, r.FormValue("token"), r.FormValue("id"), r.FormValue("password"), "/")
		writeOutcome(w, err)
	})
	mux.HandleFunc("POST /own/change-password", func(w http.ResponseWriter, r *http.Request) {
		writeOutcome(w, a.ChangePassword(w, r, r.FormValue("current"), r.FormValue("password")))
	})
	return &app{t: t, srv: srv, box: box, auth: a, db: db, logs: logs}
}

// writeOutcome answers an app's own form: 204, or the account.Error's
// status and code.
func writeOutcome(w http.ResponseWriter, err error) {
	var ae *account.Error
	switch {
	case err == nil:
		w.WriteHeader(http.StatusNoContent)
	case errors.As(err, &ae):
		http.Error(w, ae.Code, ae.Status)
	default:
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// browser is a client with its own cookies that does not follow redirects.
func (x *app) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (x *app) csrf(c *http.Client) string {
	x.t.Helper()
	resp, err := c.Get(x.srv.URL + "/api/auth/csrf")
	if err != nil {
		x.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`"csrfToken":"([0-9a-f]+)"`).FindSubmatch(b)
	if m == nil {
		x.t.Fatalf("csrf: %s", b)
	}
	return string(m[1])
}

// post posts form (with a fresh CSRF token) to <base>/<path>.
func (x *app) post(c *http.Client, path string, form url.Values) (*http.Response, string) {
	x.t.Helper()
	form.Set("csrfToken", x.csrf(c))
	resp, err := c.PostForm(x.srv.URL+"/api/auth/"+path, form)
	if err != nil {
		x.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// get fetches a URL and returns the status and body.
func (x *app) get(c *http.Client, u string) (int, string) {
	x.t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		x.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// me returns the email of c's session, "" for none.
func (x *app) me(c *http.Client) string {
	x.t.Helper()
	code, body := x.get(c, x.srv.URL+"/me")
	if code != http.StatusOK {
		return ""
	}
	return body
}

// signIn signs in through the password provider's credentials callback;
// it reports whether a session came out.
func (x *app) signIn(c *http.Client, addr, pw string) bool {
	x.t.Helper()
	resp, _ := x.post(c, "callback/password", url.Values{"email": {addr}, "password": {pw}, "callbackUrl": {"/done"}})
	return resp.StatusCode == http.StatusFound && strings.HasSuffix(resp.Header.Get("Location"), "/done") && x.me(c) == strings.ToLower(addr)
}

var linkRe = regexp.MustCompile(`http://\S+/api/auth/account/\S+`)

// link returns the account link of the last mail to addr.
func (x *app) link(addr string) string {
	x.t.Helper()
	_, text := x.box.last(x.t, addr)
	l := linkRe.FindString(text)
	if l == "" {
		x.t.Fatalf("no link in the mail to %s:\n%s", addr, text)
	}
	return l
}

// query returns the parameters of a link.
func query(t *testing.T, link string) url.Values {
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}
