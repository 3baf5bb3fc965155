package serve

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/password"
)

const testSecret = "a-test-secret-of-at-least-32-bytes-for-serve"

// testPassword is the password of every test user.
const testPassword = "correct horse battery"

var hashOnce = sync.OnceValue(func() string {
	h, err := password.Hash(testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// testUsers are an admin, an editor and a viewer, with testPassword.
func testUsers() []UserFile {
	h := hashOnce()
	return []UserFile{
		{Email: "admin@example.com", Name: "Ada Admin", Role: "admin", PasswordHash: h},
		{Email: "editor@example.com", Name: "Eddie Editor", Role: "editor", PasswordHash: h},
		{Email: "viewer@example.com", Name: "Vera Viewer", Role: "viewer", PasswordHash: h},
	}
}

// envOf is a LookupEnv over m.
func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// fixture is a running authgo serve on a loopback port.
type fixture struct {
	t    *testing.T
	srv  *Server
	http *httptest.Server
	logs *limittest.Logs
}

// newFixture starts a server with f; env adds to AUTH_SECRET and AUTH_URL
// (the server's own URL + /api/auth unless env or f sets one).
func newFixture(t *testing.T, f *File, env map[string]string) *fixture {
	t.Helper()
	fx := &fixture{t: t, logs: &limittest.Logs{}}
	fx.http = httptest.NewUnstartedServer(nil)
	e := map[string]string{"AUTH_SECRET": testSecret}
	if f.URL == "" {
		e["AUTH_URL"] = "http://" + fx.http.Listener.Addr().String() + "/api/auth"
	}
	for k, v := range env {
		e[k] = v
	}
	s, err := New(context.Background(), f, envOf(e), fx.logs, false)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	fx.srv = s
	fx.http.Config.Handler = s.Handler()
	fx.http.Start()
	t.Cleanup(func() { fx.http.Close(); s.Close() })
	return fx
}

func (fx *fixture) url(path string) string { return fx.http.URL + path }

// browser returns a client with a cookie jar that follows no redirects.
func browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// signIn signs c in as email through the credentials endpoint and returns
// where it was sent.
func (fx *fixture) signIn(c *http.Client, email, callbackURL string) string {
	fx.t.Helper()
	var csrf struct{ CSRFToken string }
	resp, err := c.Get(fx.url("/api/auth/csrf"))
	if err != nil {
		fx.t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&csrf)
	resp.Body.Close()
	form := url.Values{"email": {email}, "password": {testPassword}, "csrfToken": {csrf.CSRFToken}, "callbackUrl": {callbackURL}}
	resp, err = c.PostForm(fx.url("/api/auth/callback/credentials"), form)
	if err != nil {
		fx.t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || strings.Contains(loc, "error=") {
		fx.t.Fatalf("sign-in of %s: %d %s", email, resp.StatusCode, loc)
	}
	return loc
}

// cookies returns the Cookie header c sends to the server.
func (fx *fixture) cookies(c *http.Client) string {
	u, _ := url.Parse(fx.http.URL)
	var parts []string
	for _, ck := range c.Jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

// verify asks the server about target (an absolute URL) as Caddy or
// Traefik would, with cookie, plus the headers in extra.
func (fx *fixture) verify(cookie, target string, extra map[string]string) *http.Response {
	fx.t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		fx.t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", fx.url("/api/auth/verify"), nil)
	req.Header.Set("X-Forwarded-Proto", u.Scheme)
	req.Header.Set("X-Forwarded-Host", u.Host)
	req.Header.Set("X-Forwarded-Uri", u.RequestURI())
	req.Header.Set("X-Forwarded-Method", "GET")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	for k, v := range extra {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		fx.t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// get fetches path from the server and returns the status and body.
func (fx *fixture) get(path string) (int, string) {
	fx.t.Helper()
	resp, err := http.Get(fx.url(path))
	if err != nil {
		fx.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func jsonDecode(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
