package authgo_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

const mockClientID = "authgo-client"

// mockOIDC is an OIDC provider on the mock IdP, found by discovery.
func mockOIDC(m *mockIdP, id string, mutate ...func(*providers.OAuthConfig)) *providers.OAuth {
	cfg := providers.OAuthConfig{ID: id, Name: "Mock " + id, Issuer: m.issuer, ClientID: mockClientID, ClientSecret: "s3cret"}
	for _, f := range mutate {
		f(&cfg)
	}
	return providers.OIDC(cfg)
}

// mockOAuth2 is a plain OAuth 2 provider on the mock IdP: explicit
// endpoints, profile from the user info endpoint.
func mockOAuth2(m *mockIdP, id string, mutate ...func(*providers.OAuthConfig)) *providers.OAuth {
	cfg := providers.OAuthConfig{
		ID: id, Name: "Mock OAuth " + id, ClientID: mockClientID, ClientSecret: "s3cret",
		AuthorizationURL: m.issuer + "/authorize", TokenURL: m.issuer + "/token", UserinfoURL: m.issuer + "/userinfo",
		Scopes: []string{"read"},
	}
	for _, f := range mutate {
		f(&cfg)
	}
	return providers.OAuth2(cfg)
}

func withProviders(ps ...authgo.Provider) func(*authgo.Config) {
	return func(c *authgo.Config) { c.Providers = append(c.Providers, ps...) }
}

// startSignIn posts the sign-in form of provider id (with query, if any)
// and returns the authorization URL it redirects to.
func startSignIn(f *fixture, id, query string) string {
	f.t.Helper()
	path := "/api/auth/signin/" + id
	if query != "" {
		path += "?" + query
	}
	resp := f.do("POST", path, url.Values{"csrfToken": {f.csrf()}, "callbackUrl": {"/dashboard"}}, nil)
	return location(f.t, resp)
}

// authorizeAt follows the authorization URL at the IdP (which signs the
// user in at once) and returns the callback URL it redirects to.
func authorizeAt(f *fixture, authURL string) string {
	f.t.Helper()
	resp, err := f.client.Get(authURL)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	return location(f.t, resp)
}

// get sends a GET from f's browser to an absolute URL.
func (f *fixture) get(u string) *http.Response {
	f.t.Helper()
	resp, err := f.client.Get(u)
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// oauthSignIn runs a whole sign-in with provider id and returns the
// callback's response.
func oauthSignIn(f *fixture, id string) *http.Response {
	f.t.Helper()
	return f.get(authorizeAt(f, startSignIn(f, id, "")))
}

// sessionCookieSet reports whether resp sets a non-empty session cookie.
func sessionCookieSet(resp *http.Response) bool {
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "authjs.session-token") && c.Value != "" {
			return true
		}
	}
	return false
}

// wantFailure checks that resp redirects to want (a path and query on the
// app), set no session, that the session is empty and that a log line
// names the provider and the step.
func wantFailure(t *testing.T, f *fixture, resp *http.Response, want, provider, step string) {
	t.Helper()
	loc := location(t, resp)
	if loc != f.url(want) {
		t.Errorf("redirect %q, want %q", loc, f.url(want))
	}
	if sessionCookieSet(resp) {
		t.Error("a session cookie was set")
	}
	if s := f.session(); s != nil {
		t.Errorf("session %v, want none", s)
	}
	logs := f.logText()
	if !strings.Contains(logs, "provider="+provider) || (step != "" && !strings.Contains(logs, "step="+step)) {
		t.Errorf("no log line naming provider=%s step=%s:\n%s", provider, step, logs)
	}
	if testing.Verbose() {
		for _, l := range strings.Split(logs, "\n") {
			if strings.Contains(l, "oauth step failed") {
				t.Log(l)
			}
		}
	}
	if strings.Contains(logs, "s3cret") {
		t.Error("the client secret was logged")
	}
}

func (f *fixture) logText() string { return f.logs.String() }

func newOAuthFixture(t *testing.T, mutate ...func(*authgo.Config)) *fixture {
	t.Helper()
	f := newFixture(t, func(c *authgo.Config) {
		for _, m := range mutate {
			m(c)
		}
	})
	return f
}

func TestOAuthOIDCFlowAgainstMockServer(t *testing.T) {
	m := startMockIdP(t)
	var gotAccount *authgo.Account
	var mu sync.Mutex
	f := newOAuthFixture(t, withProviders(mockOIDC(m, "mock")), func(c *authgo.Config) {
		c.Callbacks.JWT = func(ctx context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			if p.Account != nil {
				mu.Lock()
				gotAccount = p.Account
				mu.Unlock()
			}
			return p.Token, nil
		}
	})
	authURL := startSignIn(f, "mock", "login_hint=john&prompt=login&redirect_uri=https://evil.example/cb")
	checkMockAuthorizationURL(t, f, m, authURL)
	resp := f.get(authorizeAt(f, authURL))
	if loc := location(t, resp); loc != f.url("/dashboard") {
		t.Fatalf("callback redirect %q, want the callbackUrl", loc)
	}
	checkCookiesCleared(t, resp, "authjs.pkce.code_verifier", "authjs.state", "authjs.nonce")
	s := f.session()
	user, _ := s["user"].(map[string]any)
	wantID := authgo.StableUserID("mock", "johndoe")
	if user["email"] != "john@example.com" || user["name"] != "John Doe" || user["id"] != wantID || user["image"] != "https://example.com/john.png" {
		t.Errorf("session user %v, want John with id %s", user, wantID)
	}
	mu.Lock()
	a := gotAccount
	mu.Unlock()
	checkMockAccount(t, m, a)

	// A second sign-in of the same account gets the same user id.
	oauthSignIn(f, "mock")
	if u2, _ := f.session()["user"].(map[string]any); u2["id"] != wantID {
		t.Errorf("second sign-in id %v, want the stable %s", u2["id"], wantID)
	}
}

// checkMockAuthorizationURL checks the authorization URL of a sign-in
// with login_hint=john&prompt=login and a forged redirect_uri, and the
// check cookies it set.
func checkMockAuthorizationURL(t *testing.T, f *fixture, m *mockIdP, authURL string) {
	t.Helper()
	u, _ := url.Parse(authURL)
	q := u.Query()
	if !strings.HasPrefix(authURL, m.issuer+"/authorize?") {
		t.Fatalf("authorization URL %q", authURL)
	}
	for k, want := range map[string]string{
		"response_type": "code", "client_id": mockClientID, "redirect_uri": f.url("/api/auth/callback/mock"),
		"scope": "openid profile email", "code_challenge_method": "S256", "login_hint": "john", "prompt": "login",
	} {
		if q.Get(k) != want {
			t.Errorf("%s=%q, want %q", k, q.Get(k), want)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if q.Get(k) == "" {
			t.Errorf("no %s in the authorization URL", k)
		}
	}
	for _, name := range []string{"authjs.pkce.code_verifier", "authjs.state", "authjs.nonce"} {
		c := f.cookie(name)
		if c == nil || !strings.HasPrefix(c.Value, "eyJ") || strings.Count(c.Value, ".") != 4 {
			t.Errorf("check cookie %s = %v, want a JWE", name, c)
		}
	}
}

// checkCookiesCleared checks that resp deletes each named cookie.
func checkCookiesCleared(t *testing.T, resp *http.Response, names ...string) {
	t.Helper()
	cleared := map[string]bool{}
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			cleared[c.Name] = true
		}
	}
	for _, name := range names {
		if !cleared[name] {
			t.Errorf("check cookie %s not cleared after use", name)
		}
	}
}

// checkMockAccount checks the account the JWT callback got from the mock
// server's johndoe, and that the token request used client_secret_basic.
func checkMockAccount(t *testing.T, m *mockIdP, a *authgo.Account) {
	t.Helper()
	if a == nil || a.Provider != "mock" || a.ProviderAccountID != "johndoe" || a.Type != "oidc" || a.TokenType != "bearer" || a.AccessToken == "" || a.IDToken == "" || a.RefreshToken == "" {
		t.Fatalf("JWT callback account %+v", a)
	}
	if d := a.ExpiresAt - time.Now().Unix(); d < 3500 || d > 3700 {
		t.Errorf("expires_at is now%+d s, want now+3600", d)
	}
	if reqs := m.tokenRequests(); len(reqs) == 0 || !reqs[len(reqs)-1].Basic || reqs[len(reqs)-1].SecretInBody {
		t.Errorf("token request %+v, want client_secret_basic", reqs)
	}
}

func TestOAuthOAuth2FlowAgainstMockServer(t *testing.T) {
	m := startMockIdP(t)
	m.profile(map[string]any{"email": "Jane@Example.com", "name": "Jane", "sub": "jane-1"})
	p := mockOAuth2(m, "plain", func(c *providers.OAuthConfig) { c.ClientAuth = providers.ClientSecretPost })
	f := newOAuthFixture(t, withProviders(p))
	authURL := startSignIn(f, "plain", "")
	q, _ := url.Parse(authURL)
	if q.Query().Get("nonce") != "" || q.Query().Get("state") == "" || q.Query().Get("code_challenge") == "" || q.Query().Get("scope") != "read" {
		t.Errorf("OAuth 2 authorization URL %q: want state and PKCE, no nonce, scope read", authURL)
	}
	resp := f.get(authorizeAt(f, authURL))
	if loc := location(t, resp); loc != f.url("/dashboard") {
		t.Fatalf("callback redirect %q", loc)
	}
	user, _ := f.session()["user"].(map[string]any)
	if user["email"] != "jane@example.com" || user["name"] != "Jane" || user["id"] != authgo.StableUserID("plain", "jane-1") {
		t.Errorf("session user %v", user)
	}
	reqs := m.tokenRequests()
	if last := reqs[len(reqs)-1]; last.Basic || !last.SecretInBody || last.ClientID == nil || *last.ClientID != mockClientID {
		t.Errorf("token request %+v, want client_secret_post", last)
	}
}

// TestOAuthEndSession builds the RP-initiated logout URL from the mock
// server's end_session_endpoint and follows it back.
func TestOAuthEndSession(t *testing.T) {
	m := startMockIdP(t)
	f := newOAuthFixture(t, withProviders(mockOIDC(m, "mock")))
	u, err := f.auth.ProviderSignOutURL(context.Background(), "mock", "the-id-token", f.url("/signed-out"))
	if err != nil {
		t.Fatal(err)
	}
	q := mustQuery(t, u)
	if !strings.HasPrefix(u, m.issuer+"/endsession?") || q.Get("id_token_hint") != "the-id-token" || q.Get("post_logout_redirect_uri") != f.url("/signed-out") || q.Get("client_id") != mockClientID {
		t.Fatalf("logout URL %q", u)
	}
	if loc := location(t, f.get(u)); loc != f.url("/signed-out") {
		t.Errorf("the IdP sent the browser to %q", loc)
	}
	if _, err := f.auth.ProviderSignOutURL(context.Background(), "credentials", "", ""); err == nil {
		t.Error("a credentials provider gave a logout URL")
	}
}

// TestRefreshAgainstMockServer runs the refresh-token grant of the OIDC
// engine against oauth2-mock-server.
func TestRefreshAgainstMockServer(t *testing.T) {
	m := startMockIdP(t)
	p := mockOIDC(m, "mock")
	ts, err := p.Refresh(context.Background(), "some-refresh-token")
	if err != nil {
		t.Fatal(err)
	}
	if ts.AccessToken == "" || ts.RefreshToken == "" || ts.RefreshToken == "some-refresh-token" || ts.TokenType != "bearer" || ts.ExpiresAt < time.Now().Unix()+3500 {
		t.Errorf("refreshed tokens %+v", ts)
	}
	reqs := m.tokenRequests()
	if len(reqs) != 1 || reqs[0].Grant != "refresh_token" || !reqs[0].Basic {
		t.Errorf("token requests %+v", reqs)
	}
	m.next(map[string]any{"response": map[string]any{"statusCode": 400, "body": map[string]any{"error": "invalid_grant"}}})
	if _, err := p.Refresh(context.Background(), "dead"); err == nil || !strings.Contains(err.Error(), "invalid_grant") || strings.Contains(err.Error(), "dead") {
		t.Errorf("refused refresh: %v", err)
	}
}
