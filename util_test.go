package authgo_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

func noEnv(string) (string, bool) { return "", false }

// credentialsFunc is a credentials provider whose Authorize returns what f
// returns (nil f: always refuse).
func credentialsFunc(f func() (*authgo.User, error)) authgo.Provider {
	return providers.Credentials(providers.CredentialsConfig{
		Authorize: func(context.Context, authgo.Credentials, *http.Request) (*authgo.User, error) {
			if f == nil {
				return nil, nil
			}
			return f()
		},
	})
}

// mustNew returns the Auth of cfg. A cfg without URL, TrustHost or
// Development gets TrustHost: these tests send requests to made-up hosts
// (httptest.NewRequest's example.com) as a trusted proxy would pass them.
func mustNew(t testing.TB, cfg authgo.Config) *authgo.Auth {
	t.Helper()
	if cfg.URL == "" && !cfg.TrustHost && !cfg.Development {
		cfg.TrustHost = true
	}
	a, err := authgo.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func httptestDo(a *authgo.Auth, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

// httptestRequestWithSession signs Ada in on a and returns a request that
// carries the resulting session cookie.
func httptestRequestWithSession(t *testing.T, a *authgo.Auth) *http.Request {
	t.Helper()
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "http://example.com/login", nil)
	if _, err := a.SignIn(rec, r, "credentials", authgo.SignInOptions{Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"}}); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	req := httptest.NewRequest("GET", "http://example.com/", nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	return req
}

// signedInRequest signs a user in on a (whose credentials provider accepts)
// and returns a GET request to target carrying the session cookies.
func signedInRequest(t *testing.T, a *authgo.Auth, target string) *http.Request {
	t.Helper()
	rec := httptest.NewRecorder()
	if _, err := a.SignIn(rec, httptest.NewRequest("POST", target, nil), "credentials", authgo.SignInOptions{Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"}}); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	req := httptest.NewRequest("GET", target, nil)
	for _, c := range rec.Result().Cookies() {
		req.AddCookie(c)
	}
	return req
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// newBrowser returns a client with a cookie jar that does not follow
// redirects.
func newBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func getJSON(c *http.Client, u string, v any) {
	resp, err := c.Get(u)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	_ = json.NewDecoder(resp.Body).Decode(v)
}

// credentialsFunc2 is a credentials provider whose Authorize is f.
func credentialsFunc2(f func(authgo.Credentials) (*authgo.User, error)) authgo.Provider {
	return providers.Credentials(providers.CredentialsConfig{
		Authorize: func(_ context.Context, c authgo.Credentials, _ *http.Request) (*authgo.User, error) { return f(c) },
	})
}
