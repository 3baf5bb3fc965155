package authgo_test

import (
	"context"
	"encoding/json"
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

const testSecret = "test-secret-0123456789abcdef0123456789abcdef"

// testUsers are the accounts the test credentials provider knows.
var testUsers = map[string]struct {
	password string
	user     authgo.User
}{
	"ada@example.com":   {"correct horse battery", authgo.User{ID: "user-1", Name: "Ada Lovelace", Email: "ada@example.com", Role: "admin"}},
	"grace@example.com": {"another long secret", authgo.User{ID: "user-2", Name: "Grace Hopper", Email: "grace@example.com", Role: "viewer"}},
}

// fixture is an Auth served by an httptest server, with a browser-like
// client (cookie jar, no automatic redirects).
type fixture struct {
	t          *testing.T
	auth       *authgo.Auth
	srv        *httptest.Server
	client     *http.Client
	authorized *atomic.Int32 // calls of Authorize
	logs       *strings.Builder
	logMu      *lockedWriter
}

func newFixture(t *testing.T, mutate func(*authgo.Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, logs: &strings.Builder{}, authorized: new(atomic.Int32)}
	cred := providers.Credentials(providers.CredentialsConfig{
		Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			f.authorized.Add(1)
			u, ok := testUsers[c["email"]]
			if !ok || u.password != c["password"] {
				return nil, nil
			}
			user := u.user
			return &user, nil
		},
	})
	cfg := authgo.Config{
		Secret:    []string{testSecret},
		Providers: []authgo.Provider{cred},
		Logger:    slog.New(slog.NewTextHandler(&lockedWriter{b: f.logs}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		LookupEnv: func(string) (string, bool) { return "", false },
	}
	// The server starts first so that its address can be the Config's
	// URL, as an app deployed at one address configures it.
	var mux http.ServeMux
	f.srv = httptest.NewServer(&mux)
	t.Cleanup(f.srv.Close)
	if mutate != nil {
		mutate(&cfg)
	}
	if cfg.URL == "" && !cfg.TrustHost && !cfg.Development {
		cfg.URL = f.srv.URL
	}
	a, err := authgo.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.auth = a
	mux.Handle(a.BasePath()+"/", a.Handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "home") })
	jar, _ := cookiejar.New(nil)
	f.client = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

type lockedWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (f *fixture) url(path string) string { return f.srv.URL + path }

// do sends a request from the fixture's browser.
func (f *fixture) do(method, path string, body url.Values, header map[string]string) *http.Response {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(body.Encode())
	}
	req, err := http.NewRequest(method, f.url(path), rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (f *fixture) csrf() string {
	f.t.Helper()
	var out struct{ CSRFToken string }
	decodeJSON(f.t, f.do("GET", "/api/auth/csrf", nil, nil), &out)
	if len(out.CSRFToken) != 64 {
		f.t.Fatalf("csrf token %q", out.CSRFToken)
	}
	return out.CSRFToken
}

// signIn posts the credentials form and returns the response.
func (f *fixture) signIn(email, password string, extra ...string) *http.Response {
	f.t.Helper()
	form := url.Values{"email": {email}, "password": {password}, "csrfToken": {f.csrf()}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	return f.do("POST", "/api/auth/callback/credentials", form, nil)
}

func (f *fixture) session() map[string]any {
	f.t.Helper()
	var out map[string]any
	decodeJSON(f.t, f.do("GET", "/api/auth/session", nil, nil), &out)
	return out
}

func (f *fixture) cookie(name string) *http.Cookie {
	u, _ := url.Parse(f.srv.URL)
	for _, c := range f.client.Jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func decodeJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
}

func location(t *testing.T, resp *http.Response) string {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d, want 302; body %s", resp.StatusCode, b)
	}
	return resp.Header.Get("Location")
}
