package authgo_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo/providers"
)

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
