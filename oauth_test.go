package authgo_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
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

func mustQuery(t *testing.T, u string) url.Values {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query()
}

// TestOAuthIdPFaults covers what the mock server cannot do: a token
// endpoint that hangs or answers broken JSON, a user info endpoint that
// fails or answers garbage. A Go server stands in for those endpoints; the
// authorization step is still the mock server's.
func TestOAuthIdPFaults(t *testing.T) {
	m := startMockIdP(t)
	var mu sync.Mutex
	mode := ""
	release := make(chan struct{})
	fault := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body, so the server notices when the client gives up.
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		md := mode
		mu.Unlock()
		switch md {
		case "hang":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "token-garbage":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token": "abc", "token_type": `)
		case "token-html-502":
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "<html>bad gateway</html>")
		case "userinfo-garbage":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"sub": "x", "email": `)
		case "userinfo-500":
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	t.Cleanup(fault.Close)
	t.Cleanup(func() { close(release) }) // runs before fault.Close
	// The timeout covers the mock server's token endpoint too (one client
	// per provider): it is long enough for that on a loaded machine, so the
	// hang cases fail at the step they test.
	client := &http.Client{Timeout: 2 * time.Second}
	viaFaultToken := mockOAuth2(m, "mock", func(c *providers.OAuthConfig) { c.TokenURL = fault.URL + "/token"; c.HTTPClient = client })
	viaFaultUserinfo := mockOAuth2(m, "mockui", func(c *providers.OAuthConfig) { c.UserinfoURL = fault.URL + "/userinfo"; c.HTTPClient = client })
	cases := []struct{ mode, provider, step string }{
		{"hang", "mock", "token"},
		{"token-garbage", "mock", "token"},
		{"token-html-502", "mock", "token"},
		{"hang", "mockui", "userinfo"},
		{"userinfo-garbage", "mockui", "userinfo"},
		{"userinfo-500", "mockui", "userinfo"},
	}
	for _, tc := range cases {
		t.Run(tc.provider+" "+tc.mode, func(t *testing.T) {
			mu.Lock()
			mode = tc.mode
			mu.Unlock()
			f := newOAuthFixture(t, withProviders(viaFaultToken, viaFaultUserinfo))
			resp := oauthSignIn(f, tc.provider)
			wantFailure(t, f, resp, "/api/auth/signin?error=OAuthCallbackError", tc.provider, tc.step)
		})
	}
}

// TestOAuthFormPost drives a response_mode=form_post provider: the check
// cookies are SameSite=None; Secure, and the IdP's cross-site POST to the
// callback passes the cross-origin check and signs the user in.
func TestOAuthFormPost(t *testing.T) {
	m := startMockIdP(t)
	f := newOAuthFixture(t, withProviders(mockOIDC(m, "fp", func(c *providers.OAuthConfig) { c.FormPost = true })))
	resp := f.do("POST", "/api/auth/signin/fp", url.Values{"csrfToken": {f.csrf()}, "callbackUrl": {"/after"}}, nil)
	authURL := location(t, resp)
	if mustQuery(t, authURL).Get("response_mode") != "form_post" {
		t.Fatalf("authorization URL %q has no response_mode=form_post", authURL)
	}
	var checks []*http.Cookie
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "authjs.state") || strings.HasPrefix(c.Name, "authjs.nonce") || strings.HasPrefix(c.Name, "authjs.pkce") {
			if c.SameSite != http.SameSiteNoneMode || !c.Secure {
				t.Errorf("check cookie %s: SameSite=%v Secure=%v, want None and Secure", c.Name, c.SameSite, c.Secure)
			}
			checks = append(checks, c)
		}
	}
	if len(checks) != 3 {
		t.Fatalf("%d check cookies, want 3", len(checks))
	}
	// The mock server redirects; a form_post IdP would POST the same
	// parameters from its own origin. Do that, with only the
	// SameSite=None cookies a browser sends on a cross-site POST.
	cb := authorizeAt(f, authURL)
	cbURL, _ := url.Parse(cb)
	req, _ := http.NewRequest("POST", f.url("/api/auth/callback/fp"), strings.NewReader(cbURL.Query().Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", m.issuer)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	for _, c := range checks {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	cbResp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer cbResp.Body.Close()
	if loc := location(t, cbResp); loc != f.url("/after") {
		t.Fatalf("form_post callback redirect %q, want the callbackUrl kept in the state", loc)
	}
	if !sessionCookieSet(cbResp) {
		t.Fatal("no session cookie after the form_post callback")
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
