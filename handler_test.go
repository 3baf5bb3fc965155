package authgo_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
)

func TestProvidersEndpoint(t *testing.T) {
	f := newFixture(t, nil)
	var got map[string]map[string]string
	decodeJSON(t, f.do("GET", "/api/auth/providers", nil, nil), &got)
	want := map[string]string{
		"id": "credentials", "name": "Credentials", "type": "credentials",
		"signinUrl": f.url("/api/auth/signin/credentials"), "callbackUrl": f.url("/api/auth/callback/credentials"),
	}
	for k, v := range want {
		if got["credentials"][k] != v {
			t.Errorf("providers.credentials.%s = %q, want %q", k, got["credentials"][k], v)
		}
	}
}

func TestCSRFEndpoint(t *testing.T) {
	f := newFixture(t, nil)
	resp := f.do("GET", "/api/auth/csrf", nil, nil)
	for k, v := range map[string]string{"Cache-Control": "private, no-cache, no-store", "Expires": "0", "Pragma": "no-cache"} {
		if resp.Header.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, resp.Header.Get(k), v)
		}
	}
	set := resp.Header.Get("Set-Cookie")
	if !strings.HasPrefix(set, "authjs.csrf-token=") || !strings.Contains(set, "%7C") || !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") {
		t.Errorf("csrf cookie %q", set)
	}
	var first struct{ CSRFToken string }
	decodeJSON(t, resp, &first)
	// The cookie is reused: same token, no new cookie.
	resp = f.do("GET", "/api/auth/csrf", nil, nil)
	var second struct{ CSRFToken string }
	decodeJSON(t, resp, &second)
	if second.CSRFToken != first.CSRFToken || resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("valid csrf cookie not reused")
	}
}

func TestCredentialsSignInSessionAndSignOut(t *testing.T) {
	f := newFixture(t, nil)
	loc := location(t, f.signIn("ada@example.com", "correct horse battery", "callbackUrl", "/dashboard"))
	if loc != f.url("/dashboard") {
		t.Fatalf("redirect to %q, want %q", loc, f.url("/dashboard"))
	}
	tok := f.cookie("authjs.session-token")
	if tok == nil || strings.Count(tok.Value, ".") != 4 {
		t.Fatalf("no JWE session cookie: %v", tok)
	}
	s := f.session()
	user, _ := s["user"].(map[string]any)
	if user["email"] != "ada@example.com" || user["name"] != "Ada Lovelace" || user["role"] != "admin" || user["id"] != "user-1" {
		t.Fatalf("session user %v", user)
	}
	exp, err := time.Parse(time.RFC3339, s["expires"].(string))
	if err != nil || exp.Before(time.Now().Add(29*24*time.Hour)) {
		t.Fatalf("expires %v (%v)", s["expires"], err)
	}
	// A token issued less than Session.JWTUpdateAge ago is not re-issued
	// (TestJWTUpdateAge has the sliding refresh after it).
	resp := f.do("GET", "/api/auth/session", nil, nil)
	if sc := resp.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Fatalf("GET /session right after sign-in re-issued the cookie: %q", sc)
	}
	if resp.Header.Get("Cache-Control") != "private, no-cache, no-store" {
		t.Error("session response cacheable")
	}

	loc = location(t, f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}, "callbackUrl": {"/bye"}}, nil))
	if loc != f.url("/bye") {
		t.Fatalf("sign-out redirect %q", loc)
	}
	if f.cookie("authjs.session-token") != nil {
		t.Fatal("session cookie survives sign-out")
	}
	if s := f.session(); s != nil {
		t.Fatalf("session after sign-out: %v", s)
	}
}

func TestWrongEmailAndWrongPasswordLookAlike(t *testing.T) {
	f := newFixture(t, nil)
	a := f.signIn("ada@example.com", "wrong password here")
	b := f.signIn("nobody@example.com", "wrong password here")
	la, lb := location(t, a), location(t, b)
	want := f.url("/api/auth/signin?error=CredentialsSignin&code=credentials")
	if la != want || lb != want {
		t.Fatalf("redirects %q and %q, want both %q", la, lb, want)
	}
	if f.cookie("authjs.session-token") != nil {
		t.Fatal("failed sign-in set a session")
	}
}

func TestCredentialsCustomCode(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) {
		c.Providers = []authgo.Provider{credentialsFunc(func() (*authgo.User, error) {
			return nil, authgo.CredentialsError("account_locked")
		})}
	})
	got := location(t, f.signIn("x@example.com", "whatever123"))
	if got != f.url("/api/auth/signin?error=CredentialsSignin&code=account_locked") {
		t.Fatal(got)
	}
}

func TestAuthorizeFailureIsConfiguration(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) {
		c.Providers = []authgo.Provider{credentialsFunc(func() (*authgo.User, error) {
			return nil, io.ErrUnexpectedEOF
		})}
	})
	got := location(t, f.signIn("x@example.com", "whatever123"))
	if got != f.url("/api/auth/error?error=Configuration") {
		t.Fatal(got)
	}
	if !strings.Contains(f.logs.String(), "CallbackRouteError") {
		t.Error("the cause was not logged")
	}
}

func TestReturnRedirectJSON(t *testing.T) {
	f := newFixture(t, nil)
	form := url.Values{"email": {"ada@example.com"}, "password": {"nope nope nope"}, "csrfToken": {f.csrf()}}
	resp := f.do("POST", "/api/auth/callback/credentials", form, map[string]string{"X-Auth-Return-Redirect": "1"})
	var out map[string]string
	decodeJSON(t, resp, &out)
	want := f.url("/api/auth/signin?error=CredentialsSignin&code=credentials")
	if resp.StatusCode != 200 || out["url"] != want {
		t.Fatalf("%d %v", resp.StatusCode, out)
	}
}

func TestUnknownActionsAreBadRequest(t *testing.T) {
	f := newFixture(t, nil)
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/auth/nope"}, {"GET", "/api/auth/"}, {"PUT", "/api/auth/session"},
		{"GET", "/api/auth/session/extra"}, {"GET", "/api/auth/callback"}, {"DELETE", "/api/auth/csrf"},
		{"POST", "/api/auth/providers"}, {"GET", "/api/auth/signin/a/b"},
	} {
		resp := f.do(c.method, c.path, nil, nil)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || string(b) != `"Bad request."` {
			t.Errorf("%s %s: %d %s", c.method, c.path, resp.StatusCode, b)
		}
	}
	// GET /signin/{provider} is an unsupported action in v5.
	if got := location(t, f.do("GET", "/api/auth/signin/credentials", nil, nil)); got != f.url("/api/auth/error?error=Configuration") {
		t.Errorf("GET signin/credentials: %s", got)
	}
}

func TestBadSessionCookiesGiveNullAndAreCleared(t *testing.T) {
	f := newFixture(t, nil)
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	good := f.cookie("authjs.session-token").Value
	cases := map[string]string{
		"tampered":  good[:len(good)-4] + "AAAA",
		"truncated": good[:len(good)/2],
		"garbage":   "not-a-token",
		"huge":      strings.Repeat("a", 100000),
		"four":      "a.b.c.d",
	}
	for name, v := range cases {
		req, _ := http.NewRequest("GET", f.url("/api/auth/session"), nil)
		req.AddCookie(&http.Cookie{Name: "authjs.session-token", Value: v})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "null" {
			t.Errorf("%s: %d %s", name, resp.StatusCode, b)
		}
		if sc := resp.Header.Get("Set-Cookie"); !strings.Contains(sc, "authjs.session-token=;") || !strings.Contains(sc, "Max-Age=0") {
			t.Errorf("%s: cookie not cleared: %q", name, sc)
		}
	}
	// A token made with another secret is refused too.
	other, err := authgo.New(authgo.Config{Secret: []string{strings.Repeat("z", 40)}, TrustHost: true, Providers: []authgo.Provider{credentialsFunc(func() (*authgo.User, error) { return &authgo.User{ID: "x"}, nil })}, LookupEnv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	req := httptestRequestWithSession(t, other)
	req.URL, _ = url.Parse(f.url("/api/auth/session"))
	req.RequestURI = ""
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "null" {
		t.Fatalf("foreign-secret token accepted: %s", b)
	}
	if strings.Contains(f.logs.String(), good) {
		t.Fatal("a session token was logged")
	}
}

func TestSessionUpdateRunsJWTCallback(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) {
		c.Callbacks.JWT = func(ctx context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			if p.Trigger == authgo.TriggerUpdate {
				var d struct{ Name string }
				if raw, ok := p.Session.(json.RawMessage); ok {
					_ = json.Unmarshal(raw, &d)
				}
				if d.Name != "" {
					p.Token.Name = d.Name
				}
			}
			return p.Token, nil
		}
	})
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	req, _ := http.NewRequest("POST", f.url("/api/auth/session"), strings.NewReader(`{"csrfToken":"`+f.csrf()+`","data":{"name":"Countess"}}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	decodeJSON(t, resp, &s)
	if s["user"].(map[string]any)["name"] != "Countess" {
		t.Fatalf("update not applied: %v", s)
	}
	if f.session()["user"].(map[string]any)["name"] != "Countess" {
		t.Fatal("updated token not persisted in the cookie")
	}
}

func TestJWTCallbackNilEndsSession(t *testing.T) {
	end := false
	f := newFixture(t, func(c *authgo.Config) {
		c.Callbacks.JWT = func(ctx context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			if end {
				return nil, nil
			}
			return p.Token, nil
		}
	})
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	end = true
	if s := f.session(); s != nil {
		t.Fatalf("session %v", s)
	}
	if f.cookie("authjs.session-token") != nil {
		t.Fatal("cookie not cleared")
	}
}

func TestNonFormBodies(t *testing.T) {
	f := newFixture(t, nil)
	for _, c := range []struct{ ct, body string }{
		{"text/plain", "email=a"}, {"application/json", "[1,2]"}, {"application/json", "{bad"},
		{"multipart/form-data; boundary=x", "--x--"},
	} { // a body over MaxBodyBytes is 413: TestAttackHugeBodyIs413
		req, _ := http.NewRequest("POST", f.url("/api/auth/callback/credentials"), strings.NewReader(c.body))
		req.Header.Set("Content-Type", c.ct)
		resp, err := f.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 302 || !strings.Contains(resp.Header.Get("Location"), "error=") {
			t.Errorf("%s body: %d %s", c.ct, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if f.authorized.Load() != 0 {
		t.Fatal("Authorize ran on a bad body")
	}
}

func TestJSONCredentialsBody(t *testing.T) {
	f := newFixture(t, nil)
	req, _ := http.NewRequest("POST", f.url("/api/auth/callback/credentials"), strings.NewReader(`{"email":"ada@example.com","password":"correct horse battery","csrfToken":"`+f.csrf()+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := location(t, resp); got != f.srv.URL {
		t.Fatalf("redirect %q", got)
	}
	if f.session() == nil {
		t.Fatal("no session")
	}
}

func TestPagesAndRedirects(t *testing.T) {
	f := newFixture(t, nil)
	resp := f.do("GET", "/api/auth/signin?error=CredentialsSignin", nil, nil)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(b), "Sign in failed. Check the details you provided are correct.") || !strings.Contains(string(b), `name="csrfToken"`) {
		t.Fatalf("sign-in page: %d", resp.StatusCode)
	}
	for code, status := range map[string]int{"Configuration": 500, "AccessDenied": 403, "Verification": 403, "Other": 200} {
		if resp := f.do("GET", "/api/auth/error?error="+code, nil, nil); resp.StatusCode != status {
			t.Errorf("error page %s: %d, want %d", code, resp.StatusCode, status)
		}
	}
	if resp := f.do("GET", "/api/auth/signout", nil, nil); resp.StatusCode != 200 {
		t.Errorf("sign-out page %d", resp.StatusCode)
	}
	if resp := f.do("GET", "/api/auth/verify-request", nil, nil); resp.StatusCode != 200 {
		t.Errorf("verify page %d", resp.StatusCode)
	}

	g := newFixture(t, func(c *authgo.Config) {
		c.Pages = authgo.Pages{SignIn: "/login", SignOut: "/logout", Error: "/oops", VerifyRequest: "/check"}
	})
	for path, want := range map[string]string{
		"/api/auth/signin?callbackUrl=/x&error=CredentialsSignin": "/login?callbackUrl=%2Fx&error=CredentialsSignin",
		"/api/auth/signin":                 "/login?callbackUrl=%2F",
		"/api/auth/signout":                "/logout",
		"/api/auth/error?error=Foo":        "/oops?error=Foo",
		"/api/auth/verify-request?a=1&b=2": "/check?a=1&b=2",
	} {
		if got := location(t, g.do("GET", path, nil, nil)); got != g.url(want) {
			t.Errorf("%s → %s, want %s", path, got, want)
		}
	}
	if got := location(t, g.signIn("ada@example.com", "bad bad bad")); got != g.url("/login?error=CredentialsSignin&code=credentials") {
		t.Errorf("error with custom sign-in page: %s", got)
	}
}

func TestSecureCookieNamesOverHTTPS(t *testing.T) {
	a := mustNew(t, authgo.Config{Secret: []string{testSecret}, URL: "https://app.example.com/api/auth", Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: noEnv})
	rec := httptestDo(a, "GET", "https://app.example.com/api/auth/csrf")
	if sc := rec.Header().Get("Set-Cookie"); !strings.HasPrefix(sc, "__Host-authjs.csrf-token=") || !strings.Contains(sc, "; Secure") {
		t.Fatalf("https csrf cookie %q", sc)
	}
}

func TestTwoInstancesSideBySide(t *testing.T) {
	f := newFixture(t, nil)
	g := newFixture(t, func(c *authgo.Config) { c.Secret = []string{strings.Repeat("k", 48)} })
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	location(t, g.signIn("grace@example.com", "another long secret"))
	if f.session()["user"].(map[string]any)["email"] != "ada@example.com" || g.session()["user"].(map[string]any)["email"] != "grace@example.com" {
		t.Fatal("instances mixed up")
	}
	// f's cookie is not valid for g.
	req, _ := http.NewRequest("GET", g.url("/api/auth/session"), nil)
	req.AddCookie(f.cookie("authjs.session-token"))
	resp, _ := http.DefaultClient.Do(req)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "null" {
		t.Fatal("a session of one instance was accepted by another with another secret")
	}
}

// An event that fails or panics is logged and changes nothing.
func TestEventsCannotBreakRequests(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) {
		c.Events.SignIn = func(context.Context, authgo.SignInEvent) error { return io.ErrUnexpectedEOF }
		c.Events.Session = func(context.Context, authgo.SessionEvent) error { panic("boom") }
	})
	if got := location(t, f.signIn("ada@example.com", "correct horse battery")); got != f.srv.URL {
		t.Fatalf("sign-in with a failing event: %s", got)
	}
	if s := f.session(); s == nil {
		t.Fatal("session read with a panicking event returned null")
	}
	logs := f.logs.String()
	if !strings.Contains(logs, "event=signIn") || !strings.Contains(logs, "event=session") || !strings.Contains(logs, "EventError") {
		t.Fatalf("event failures not logged:\n%s", logs)
	}
}
