package authgo_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

// Attacks that try to send a user, or the URLs authgo builds, somewhere
// the app did not choose: a forged Host header, a planted callback-url
// cookie; and a body too large to be a sign-in form, which used to end in
// a Configuration error redirect.

// evilHostRequest is a request to target as a client that forges the Host
// header sends it.
func evilHostRequest(method, target string, body io.Reader) *http.Request {
	r := httptest.NewRequest(method, target, body)
	r.Host = "evil.example"
	return r
}

// TestAttackForgedHostWithoutURLRefusedAtNew: without Config.URL (or
// AUTH_URL) and without TrustHost, the Host header chose the origin of
// every URL authgo builds, so `Host: evil.example` put evil URLs into
// /providers and sign-out redirects. Auth.js refuses such a configuration
// (UntrustedHost); authgo refuses it at New, with a sentence naming the
// settings.
func TestAttackForgedHostWithoutURLRefusedAtNew(t *testing.T) {
	cfg := authgo.Config{Secret: []string{testSecret}, Providers: []authgo.Provider{testCredentials()}, LookupEnv: noEnv}
	a, err := authgo.New(cfg)
	if err == nil {
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, evilHostRequest("GET", "http://app.example/api/auth/providers", nil))
		t.Fatalf("New accepted a Config without URL or TrustHost; GET /providers with Host: evil.example answered %d %s", rec.Code, rec.Body)
	}
	var ce *authgo.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *ConfigError", err)
	}
	for _, want := range []string{"Config.URL", "AUTH_URL", "TrustHost", "AUTH_TRUST_HOST", "Host header", "UntrustedHost"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

// oneEnv is an environment with the single variable key=value.
func oneEnv(key, value string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if k == key {
			return value, true
		}
		return "", false
	}
}

// TestForgedHostIgnoredWithURL: with a configured URL (as Config.URL or
// AUTH_URL), a forged Host header changes nothing: /providers, the
// sign-out redirect and error redirects all use the configured origin.
func TestForgedHostIgnoredWithURL(t *testing.T) {
	for name, cfg := range map[string]authgo.Config{
		"Config.URL": {URL: "https://app.example/api/auth", LookupEnv: noEnv},
		"AUTH_URL":   {LookupEnv: oneEnv("AUTH_URL", "https://app.example/api/auth")},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.Secret = []string{testSecret}
			cfg.Providers = []authgo.Provider{testCredentials()}
			a := mustNew(t, cfg)
			rec := httptest.NewRecorder()
			a.Handler().ServeHTTP(rec, evilHostRequest("GET", "https://app.example/api/auth/providers", nil))
			if b := rec.Body.String(); rec.Code != 200 || strings.Contains(b, "evil") || !strings.Contains(b, `"signinUrl":"https://app.example/api/auth/signin/credentials"`) {
				t.Errorf("/providers with a forged Host: %d %s", rec.Code, b)
			}
			rec = httptest.NewRecorder()
			a.Handler().ServeHTTP(rec, evilHostRequest("GET", "https://app.example/api/auth/signin/credentials", nil))
			if loc := rec.Header().Get("Location"); loc != "https://app.example/api/auth/error?error=Configuration" {
				t.Errorf("error redirect with a forged Host: %d Location %q", rec.Code, loc)
			}
			req := signedInRequest(t, a, "https://app.example/")
			tok := csrfFor(t, a)
			r := evilHostRequest("POST", "https://app.example/api/auth/signout", strings.NewReader(url.Values{"csrfToken": {tok.token}, "callbackUrl": {"/bye"}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			for _, c := range append(req.Cookies(), tok.cookie) {
				r.AddCookie(c)
			}
			rec = httptest.NewRecorder()
			a.Handler().ServeHTTP(rec, r)
			if loc := rec.Header().Get("Location"); rec.Code != 302 || loc != "https://app.example/bye" {
				t.Errorf("sign-out with a forged Host: %d Location %q, want https://app.example/bye", rec.Code, loc)
			}
		})
	}
}

// TestTrustHostAndDevelopmentAcceptHost: TrustHost (or AUTH_TRUST_HOST) is
// the app's word that a proxy it controls sets Host; Development is a local
// run. Both keep taking the origin from the request.
func TestTrustHostAndDevelopmentAcceptHost(t *testing.T) {
	for name, cfg := range map[string]authgo.Config{
		"TrustHost":       {TrustHost: true, LookupEnv: noEnv},
		"Development":     {Development: true, LookupEnv: noEnv},
		"AUTH_TRUST_HOST": {LookupEnv: oneEnv("AUTH_TRUST_HOST", "true")},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.Secret = []string{testSecret}
			cfg.Providers = []authgo.Provider{testCredentials()}
			a := mustNew(t, cfg)
			rec := httptestDo(a, "GET", "http://localhost:3000/api/auth/providers")
			if b := rec.Body.String(); !strings.Contains(b, `"signinUrl":"http://localhost:3000/api/auth/signin/credentials"`) {
				t.Errorf("/providers: %s", b)
			}
		})
	}
}

// csrfToken is a CSRF token and the cookie that carries it.
type csrfToken struct {
	token  string
	cookie *http.Cookie
}

// csrfFor asks a for a CSRF token.
func csrfFor(t *testing.T, a *authgo.Auth) csrfToken {
	t.Helper()
	rec := httptestDo(a, "GET", "https://app.example/api/auth/csrf")
	var out struct{ CSRFToken string }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	cs := rec.Result().Cookies()
	if len(cs) != 1 {
		t.Fatalf("csrf cookies %v", cs)
	}
	return csrfToken{out.CSRFToken, cs[0]}
}

// TestAttackPlantedCallbackURLCookie: a callback-url cookie planted by a
// sibling subdomain or an injected Set-Cookie (javascript:…) used to make
// every endpoint answer 500 until it was cleared — a denial of service
// that outlived the attack. The cookie is now ignored and cleared; only a
// bad callbackUrl in the query or body is an error.
func TestAttackPlantedCallbackURLCookie(t *testing.T) {
	f := newFixture(t, nil)
	u, _ := url.Parse(f.srv.URL)
	plant := func() {
		f.client.Jar.SetCookies(u, []*http.Cookie{{Name: "authjs.callback-url", Value: "javascript:alert(document.cookie)", Path: "/"}})
	}
	plant()
	for _, path := range []string{"/api/auth/session", "/api/auth/csrf", "/api/auth/providers", "/api/auth/signin", "/api/auth/signout"} {
		resp := f.do("GET", path, nil, nil)
		b := readAll(t, resp)
		if resp.StatusCode != 200 || strings.Contains(b, "javascript:") {
			t.Errorf("GET %s with a planted callback-url cookie: %d %.200s", path, resp.StatusCode, b)
		}
	}
	if c := f.cookie("authjs.callback-url"); c != nil {
		t.Errorf("planted callback-url cookie not cleared: %v", c)
	}

	// A sign-in and a sign-out with the cookie planted again go to the
	// app's origin, never to the cookie's value.
	plant()
	if loc := location(t, f.signIn("ada@example.com", "correct horse battery")); loc != f.srv.URL {
		t.Errorf("sign-in with a planted callback-url cookie went to %q", loc)
	}
	plant()
	resp := f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, nil)
	if loc := location(t, resp); loc != f.srv.URL {
		t.Errorf("sign-out with a planted callback-url cookie went to %q", loc)
	}

	// A javascript: callbackUrl the client sends itself is still refused,
	// in the query (as Auth.js) and in the body.
	resp = f.do("GET", "/api/auth/session?callbackUrl=javascript:alert(1)", nil, nil)
	if resp.StatusCode != 500 {
		t.Errorf("javascript: callbackUrl in the query: %d, want 500", resp.StatusCode)
	}
	resp = f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}, "callbackUrl": {"javascript:alert(1)"}}, nil)
	if b := readAll(t, resp); resp.StatusCode != 500 || strings.Contains(b, "javascript:") || resp.Header.Get("Location") != "" {
		t.Errorf("javascript: callbackUrl in the body: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestAttackHugeBodyIs413: an 8 MB body on an auth POST used to end in a
// Configuration error redirect, as if the server were misconfigured. It is
// 413 Request Entity Too Large: JSON for API clients, plain text for
// browsers; the limit is authgo.MaxBodyBytes (64 KiB).
func TestAttackHugeBodyIs413(t *testing.T) {
	if authgo.MaxBodyBytes != 64<<10 {
		t.Fatalf("MaxBodyBytes = %d, want the documented 64 KiB", authgo.MaxBodyBytes)
	}
	f := newFixture(t, nil)
	huge := "password=" + strings.Repeat("a", 8<<20)
	send := func(path string, header map[string]string, chunked bool) (*http.Response, string) {
		t.Helper()
		var body io.Reader = strings.NewReader(huge)
		if chunked {
			body = io.MultiReader(strings.NewReader(huge)) // no length: sent chunked
		}
		req, _ := http.NewRequest("POST", f.url(path), body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := f.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp, readAll(t, resp)
	}
	for _, path := range []string{"/api/auth/callback/credentials", "/api/auth/signin/credentials", "/api/auth/signout", "/api/auth/session"} {
		for _, chunked := range []bool{false, true} {
			resp, b := send(path, map[string]string{"Accept": "text/html"}, chunked)
			if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") || !strings.Contains(b, "65536") {
				t.Errorf("browser POST %s (chunked %v): %d %q %q %.100s", path, chunked, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Location"), b)
			}
			resp, b = send(path, map[string]string{"X-Auth-Return-Redirect": "1"}, chunked)
			var out struct {
				Error    string
				MaxBytes int `json:"maxBytes"`
			}
			if resp.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal([]byte(b), &out) != nil || out.Error != "RequestTooLarge" || out.MaxBytes != 65536 {
				t.Errorf("API POST %s (chunked %v): %d %.100s", path, chunked, resp.StatusCode, b)
			}
		}
	}
	if f.authorized.Load() != 0 {
		t.Error("Authorize ran for an oversized body")
	}
	// A body of exactly MaxBodyBytes is still read (a sign-out with a
	// padded form goes where its callbackUrl says).
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	form := url.Values{"callbackUrl": {"/bye"}, "csrfToken": {f.csrf()}}
	form.Set("pad", strings.Repeat("p", authgo.MaxBodyBytes-len(form.Encode())-len("&pad=")))
	if n := len(form.Encode()); n != authgo.MaxBodyBytes {
		t.Fatalf("body of %d bytes, want exactly %d", n, authgo.MaxBodyBytes)
	}
	if loc := location(t, f.do("POST", "/api/auth/signout", form, nil)); loc != f.url("/bye") {
		t.Errorf("a body of exactly MaxBodyBytes: redirect %q", loc)
	}
}

func TestRedirectsStayOnOrigin(t *testing.T) {
	f := newFixture(t, nil)
	for _, cb := range []string{"https://evil.example/x", "//evil.example", "/\\evil.example", "http://evil.example@" + strings.TrimPrefix(f.srv.URL, "http://"), "%2F%2Fevil.example", "/%2F%2Fevil", "https:evil.example"} {
		loc := location(t, f.signIn("ada@example.com", "correct horse battery", "callbackUrl", cb))
		u, err := url.Parse(loc)
		if err != nil || u.Scheme+"://"+u.Host != f.srv.URL {
			t.Errorf("callbackUrl %q sent the user to %q", cb, loc)
		}
	}
	// A callbackUrl in the body that is not a URL at all is refused, as
	// one in the query is: no redirect.
	resp := f.signIn("ada@example.com", "correct horse battery", "callbackUrl", "\t//evil")
	if resp.StatusCode != 500 || resp.Header.Get("Location") != "" {
		t.Errorf("callbackUrl \"\\t//evil\" in the body: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// javascript: in the query is a configuration error, as in Auth.js:
	// the error page (500) for a page, 500 JSON for anything else.
	resp = f.do("GET", "/api/auth/signin?callbackUrl=javascript:alert(1)", nil, nil)
	if b := readAll(t, resp); resp.StatusCode != 500 || strings.Contains(b, "javascript:") {
		t.Errorf("javascript: callbackUrl on the sign-in page: %d", resp.StatusCode)
	}
	resp = f.do("GET", "/api/auth/session?callbackUrl=javascript:alert(1)", nil, nil)
	if b := readAll(t, resp); resp.StatusCode != 500 || !strings.Contains(b, "server configuration") {
		t.Errorf("javascript: callbackUrl on /session: %d %s", resp.StatusCode, b)
	}
}
