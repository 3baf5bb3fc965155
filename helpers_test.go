package authgo_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/limittest"
)

const testSecret = limittest.Secret

// testUsers are the accounts the test credentials provider knows.
var testUsers = limittest.Users

// fixture is an Auth served by an httptest server, with a browser-like
// client (cookie jar, no automatic redirects): the parts of a
// limittest.Fixture, named for the root's tests. A copy with another
// client (newFixtureBrowser) is another browser of the same Auth.
type fixture struct {
	lim        *limittest.Fixture
	t          *testing.T
	auth       *authgo.Auth
	srv        *httptest.Server
	client     *http.Client
	authorized *atomic.Int32 // calls of Authorize
	logs       *limittest.Logs
}

func newFixture(t *testing.T, mutate func(*authgo.Config)) *fixture {
	t.Helper()
	lf := limittest.NewFixture(t, mutate)
	return &fixture{lim: lf, t: t, auth: lf.Auth, srv: lf.Server, client: lf.Client, authorized: lf.Authorized, logs: lf.Logs}
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
