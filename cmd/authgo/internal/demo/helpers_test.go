package demo

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

const (
	testSecret   = "demo-test-secret-0123456789abcdefghijklmnop"
	testPassword = "correct horse battery staple"
)

// testApp is the demo on a temporary SQLite file behind an httptest server.
type testApp struct {
	*App
	srv *httptest.Server
	t   *testing.T
}

func newTestApp(t *testing.T, strategy authgo.SessionStrategy) *testApp {
	t.Helper()
	return newTestAppAt(t, filepath.Join(t.TempDir(), "demo.db"), strategy)
}

func newTestAppAt(t *testing.T, path string, strategy authgo.SessionStrategy) *testApp {
	t.Helper()
	return newTestAppFrom(t, Config{DBPath: path, Strategy: strategy, Secret: testSecret, Password: testPassword})
}

// newTestAppFrom is the demo configured by cfg behind an httptest server;
// both end with the test.
func newTestAppFrom(t *testing.T, cfg Config) *testApp {
	t.Helper()
	app, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(func() {
		srv.Close()
		app.Close()
	})
	return &testApp{App: app, srv: srv, t: t}
}

// browser is a client with its own cookie jar that does not follow
// redirects, so tests see each 302/303.
type browser struct {
	*http.Client
	app *testApp
	ua  string
}

func (ta *testApp) browser(ua string) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		ta.t.Fatal(err)
	}
	return &browser{
		Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		app:    ta,
		ua:     ua,
	}
}

// response is a read response.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) location() string { return r.header.Get("Location") }

func (b *browser) do(method, path string, body io.Reader, header map[string]string) response {
	t := b.app.t
	t.Helper()
	req, err := http.NewRequest(method, b.app.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if b.ua != "" {
		req.Header.Set("User-Agent", b.ua)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := b.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(data)}
}

func (b *browser) get(path string) response { return b.do("GET", path, nil, nil) }

// postForm posts a form as a same-origin browser would.
func (b *browser) postForm(path string, form url.Values) response {
	return b.do("POST", path, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded",
		"Origin":       b.app.srv.URL,
	})
}

func (b *browser) postJSON(path string, v any, header map[string]string) response {
	data, err := json.Marshal(v)
	if err != nil {
		b.app.t.Fatal(err)
	}
	h := map[string]string{"Content-Type": "application/json", "Origin": b.app.srv.URL}
	for k, v := range header {
		h[k] = v
	}
	return b.do("POST", path, strings.NewReader(string(data)), h)
}

var csrfField = regexp.MustCompile(`name="csrfToken" value="([^"]+)"`)

// csrf returns the csrfToken of the forms on the page at path.
func (b *browser) csrf(path string) string {
	t := b.app.t
	t.Helper()
	res := b.get(path)
	m := csrfField.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no csrfToken on %s (status %d)", path, res.status)
	}
	return html.UnescapeString(m[1])
}

// login signs in through the demo's own login page.
func (b *browser) login(email, password string) response {
	b.app.t.Helper()
	return b.postForm("/login", url.Values{"csrfToken": {b.csrf("/login")}, "email": {email}, "password": {password}})
}

// mustLogin signs in and fails the test unless it worked.
func (b *browser) mustLogin(email string) {
	t := b.app.t
	t.Helper()
	res := b.login(email, testPassword)
	if res.status != http.StatusSeeOther || !strings.HasSuffix(res.location(), "/dashboard") {
		t.Fatalf("login %s: status %d, location %q, body %s", email, res.status, res.location(), alertOf(res.body))
	}
}

var alertRe = regexp.MustCompile(`(?s)<div class="alert" role="alert" id="form-error">(.*?)</div>`)

// alertOf returns the error message shown above the login form.
func alertOf(body string) string {
	m := alertRe.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func decode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return v
}

var strategies = []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase}
