package passkey_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/passkey"
)

const secret = "passkey-tests-secret-0123456789abcdef"

// server is an authgo server with a passkey provider on a memory adapter,
// reached at http://localhost:<port> (a WebAuthn relying party id must be
// a host name, not an IP address).
type server struct {
	t      testing.TB
	auth   *authgo.Auth
	db     *memory.Adapter
	origin string
	logs   *bytes.Buffer
	mu     sync.Mutex
	clones []account.PasskeyCloneEvent
	fails  []authgo.SignInFailureEvent
}

func newServer(t testing.TB, pc passkey.Config, edit func(*authgo.Config)) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	s := &server{t: t, db: memory.New(), logs: &bytes.Buffer{}}
	s.origin = "http://localhost:" + itoa(port)
	cfg := authgo.Config{
		Secret:    []string{secret},
		URL:       s.origin + "/api/auth",
		Adapter:   s.db,
		Providers: []authgo.Provider{passkey.Provider(pc)},
		Logger:    slog.New(slog.NewTextHandler(lockedWriter{&s.mu, s.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		LookupEnv: func(string) (string, bool) { return "", false },
	}
	cfg.Events.PasskeyCloneWarning = func(_ context.Context, e account.PasskeyCloneEvent) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.clones = append(s.clones, e)
		return nil
	}
	cfg.Events.SignInFailure = func(_ context.Context, e authgo.SignInFailureEvent) error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.fails = append(s.fails, e)
		return nil
	}
	if edit != nil {
		edit(&cfg)
	}
	a, err := authgo.New(cfg)
	if err != nil {
		t.Fatalf("authgo.New: %v", err)
	}
	s.auth = a
	mux := http.NewServeMux()
	mux.Handle("/api/auth/", a.Handler())
	hs := httptest.NewUnstartedServer(mux)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(hs.Close)
	return s
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// browser is a client with its own cookie jar.
type browser struct {
	t  testing.TB
	s  *server
	hc *http.Client
}

func (s *server) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: s.t, s: s, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) (*http.Response, []byte) {
	b.t.Helper()
	res, err := b.hc.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

func (b *browser) get(path string) (*http.Response, []byte) {
	req, _ := http.NewRequest(http.MethodGet, b.s.origin+path, nil)
	return b.do(req)
}

func (b *browser) csrf() string {
	_, body := b.get("/api/auth/csrf")
	var v struct{ CSRFToken string }
	json.Unmarshal(body, &v)
	return v.CSRFToken
}

// options asks for the options of a ceremony and returns the action and
// the options JSON.
func (b *browser) options(query string) (int, string, []byte) {
	b.t.Helper()
	res, body := b.get("/api/auth/webauthn-options/passkey?" + query)
	var v struct {
		Action  string          `json:"action"`
		Options json.RawMessage `json:"options"`
	}
	json.Unmarshal(body, &v)
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, string(body), nil
	}
	return res.StatusCode, v.Action, v.Options
}

// callback posts the ceremony's answer as next-auth/webauthn does and
// returns the URL it is sent to.
func (b *browser) callback(action, data string) string {
	b.t.Helper()
	form := url.Values{"action": {action}, "data": {data}, "csrfToken": {b.csrf()}, "callbackUrl": {"/welcome"}}
	req, _ := http.NewRequest(http.MethodPost, b.s.origin+"/api/auth/callback/passkey", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Auth-Return-Redirect", "1")
	res, body := b.do(req)
	var v struct{ URL string }
	if err := json.Unmarshal(body, &v); err != nil || res.StatusCode != http.StatusOK {
		b.t.Fatalf("callback answered %d %s", res.StatusCode, body)
	}
	return v.URL
}

// email returns the email of the signed-in user, "" when signed out.
func (b *browser) email() string {
	_, body := b.get("/api/auth/session")
	var v struct {
		User struct{ Email string }
	}
	json.Unmarshal(body, &v)
	return v.User.Email
}

func (b *browser) signOut() {
	req, _ := http.NewRequest(http.MethodPost, b.s.origin+"/api/auth/signout", strings.NewReader(url.Values{"csrfToken": {b.csrf()}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b.do(req)
}

// register signs a new user up with key and checks it worked.
func (b *browser) register(key *softKey, email string) {
	b.t.Helper()
	status, action, opts := b.options("action=register&email=" + url.QueryEscape(email))
	if status != http.StatusOK || action != "register" {
		b.t.Fatalf("register options: %d %s", status, action)
	}
	// Passkey(): resident key and user verification required, no
	// attestation, 5 minutes.
	for _, want := range []string{`"residentKey":"required"`, `"userVerification":"required"`, `"attestation":"none"`, `"timeout":300000`} {
		if !strings.Contains(string(opts), want) {
			b.t.Errorf("registration options lack %s: %s", want, opts)
		}
	}
	if to := b.callback("register", key.create(b.t, opts, b.s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
		b.t.Fatalf("register went to %s", to)
	}
}

// errorOf returns the error parameter of a callback's target URL.
func errorOf(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	return u.Query().Get("error")
}
