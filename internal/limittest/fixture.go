package limittest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

// Secret is the secret of a Fixture's Auth.
const Secret = "test-secret-0123456789abcdef0123456789abcdef"

// User is an account the credentials provider of a Fixture knows.
type User struct {
	Password string
	User     authgo.User
}

// Users are the accounts of a Fixture, by email.
var Users = map[string]User{
	"ada@example.com":   {"correct horse battery", authgo.User{ID: "user-1", Name: "Ada Lovelace", Email: "ada@example.com", Role: "admin"}},
	"grace@example.com": {"another long secret", authgo.User{ID: "user-2", Name: "Grace Hopper", Email: "grace@example.com", Role: "viewer"}},
}

// Logs is a log destination that many goroutines may write while a test
// reads it.
type Logs struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write appends p.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Fixture is an Auth served by an httptest server at its Config's URL,
// with a credentials provider over Users, a debug log in Logs and a
// browser-like client (cookie jar, no automatic redirects).
type Fixture struct {
	T          *testing.T
	Auth       *authgo.Auth
	Server     *httptest.Server
	Client     *http.Client
	Authorized *atomic.Int32 // calls of Authorize
	Logs       *Logs
}

// NewFixture returns a Fixture whose Config mutate may change before New.
func NewFixture(t *testing.T, mutate func(*authgo.Config)) *Fixture {
	t.Helper()
	f := &Fixture{T: t, Logs: &Logs{}, Authorized: new(atomic.Int32)}
	cred := providers.Credentials(providers.CredentialsConfig{
		Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			f.Authorized.Add(1)
			u, ok := Users[c["email"]]
			if !ok || u.Password != c["password"] {
				return nil, nil
			}
			user := u.User
			return &user, nil
		},
	})
	cfg := authgo.Config{
		Secret:    []string{Secret},
		Providers: []authgo.Provider{cred},
		Logger:    slog.New(slog.NewTextHandler(f.Logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		LookupEnv: func(string) (string, bool) { return "", false },
	}
	// The server starts first so that its address can be the Config's
	// URL, as an app deployed at one address configures it.
	var mux http.ServeMux
	f.Server = httptest.NewServer(&mux)
	t.Cleanup(f.Server.Close)
	if mutate != nil {
		mutate(&cfg)
	}
	if cfg.URL == "" && !cfg.TrustHost && !cfg.Development {
		cfg.URL = f.Server.URL
	}
	a, err := authgo.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.Auth = a
	mux.Handle(a.BasePath()+"/", a.Handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "home") })
	jar, _ := cookiejar.New(nil)
	f.Client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

// URL returns the URL of path on the fixture's server.
func (f *Fixture) URL(path string) string { return f.Server.URL + path }

// CSRF returns the CSRF token of GET /api/auth/csrf, whose cookie the
// client keeps.
func (f *Fixture) CSRF() string {
	f.T.Helper()
	resp, err := f.Client.Get(f.URL("/api/auth/csrf"))
	if err != nil {
		f.T.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ CSRFToken string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.CSRFToken) != 64 {
		f.T.Fatalf("csrf token %q: %v", out.CSRFToken, err)
	}
	return out.CSRFToken
}

// PostCredentials posts the credentials form with the CSRF token csrf and
// the field pairs of extra, and returns the response, whose body is closed
// when the test ends.
func (f *Fixture) PostCredentials(csrf, email, pw string, extra ...string) (*http.Response, error) {
	form := url.Values{"email": {email}, "password": {pw}, "csrfToken": {csrf}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	req, err := http.NewRequest("POST", f.URL("/api/auth/callback/credentials"), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := f.Client.Do(req)
	if err != nil {
		return nil, err
	}
	f.T.Cleanup(func() { resp.Body.Close() })
	return resp, nil
}

// SignIn posts the credentials form with a fresh CSRF token and returns
// the response.
func (f *Fixture) SignIn(email, pw string, extra ...string) *http.Response {
	f.T.Helper()
	resp, err := f.PostCredentials(f.CSRF(), email, pw, extra...)
	if err != nil {
		f.T.Fatal(err)
	}
	return resp
}

// ClientRequest is a same-origin POST of the app's own login form from the
// client at remote (host:port).
func ClientRequest(remote string) *http.Request {
	r := httptest.NewRequest("POST", "http://app.example/login", nil)
	r.RemoteAddr = remote
	return r
}

// SignInAs calls Auth.SignIn for email from the client at remote and
// names the outcome: "ok", or the type of the *authgo.Error.
func (f *Fixture) SignInAs(remote, email, pw string) string {
	_, err := f.Auth.SignIn(httptest.NewRecorder(), ClientRequest(remote), "credentials",
		authgo.SignInOptions{Credentials: map[string]string{"email": email, "password": pw}})
	var e *authgo.Error
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &e):
		return string(e.Type)
	}
	return err.Error()
}
