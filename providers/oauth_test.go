package providers_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/oauth"
	"github.com/authgo/authgo/providers"
	"github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestFromEnv(t *testing.T) {
	ps, err := providers.FromEnv(env(map[string]string{
		"AUTH_GITHUB_ID": "gh", "AUTH_GITHUB_SECRET": "ghs",
		"AUTH_MICROSOFT_ENTRA_ID_ID": "ms", "AUTH_MICROSOFT_ENTRA_ID_SECRET": "mss",
		"AUTH_KEYCLOAK_ID": "kc", "AUTH_KEYCLOAK_SECRET": "kcs", "AUTH_KEYCLOAK_ISSUER": "https://sso.example.com/realms/main",
		"AUTH_OIDC_ID": "o", "AUTH_OIDC_SECRET": "os", "AUTH_OIDC_ISSUER": "https://id.example.com",
	}))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID()+":"+p.Type())
	}
	if got := strings.Join(ids, ","); got != "github:oauth,microsoft-entra-id:oidc,keycloak:oidc,oidc:oidc" {
		t.Fatalf("providers %s", got)
	}
	if c := ps[3].(*providers.OAuth).Config(); c.Issuer != "https://id.example.com" || c.ClientID != "o" || c.ClientSecret != "os" {
		t.Errorf("generic OIDC config %+v", c)
	}
	if ps, err := providers.FromEnv(env(nil)); err != nil || len(ps) != 0 {
		t.Errorf("empty environment: %v %v", ps, err)
	}
	_, err = providers.FromEnv(env(map[string]string{"AUTH_OKTA_ID": "x", "AUTH_OKTA_SECRET": "y", "AUTH_GOOGLE_SECRET": "z"}))
	if err == nil || !strings.Contains(err.Error(), "AUTH_OKTA_ISSUER") || !strings.Contains(err.Error(), "AUTH_GOOGLE_ID") {
		t.Errorf("incomplete environment: %v", err)
	}
}

func TestPresetsValidate(t *testing.T) {
	o := providers.Options{ClientID: "id", ClientSecret: "secret", Issuer: "https://issuer.example.com"}
	all := []*providers.OAuth{
		providers.GitHub(o), providers.Google(o), providers.MicrosoftEntraID(o), providers.Apple(o), providers.Discord(o),
		providers.GitLab(o), providers.Auth0(o), providers.Keycloak(o), providers.Okta(o), providers.Cognito(o),
		providers.Authentik(o), providers.Zitadel(o), providers.Facebook(o), providers.Twitter(o), providers.LinkedIn(o),
		providers.Slack(o), providers.Twitch(o), providers.Spotify(o), providers.Reddit(o), providers.Bitbucket(o),
		providers.Atlassian(o), providers.Zoom(o), providers.Notion(o), providers.Dropbox(o), providers.Salesforce(o),
	}
	seen := map[string]bool{}
	for _, p := range all {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.ID(), err)
		}
		if seen[p.ID()] {
			t.Errorf("two presets have the id %s", p.ID())
		}
		seen[p.ID()] = true
	}
	if err := providers.Keycloak(providers.Options{ClientID: "a", ClientSecret: "b"}).Validate(); err == nil || !strings.Contains(err.Error(), "AUTH_KEYCLOAK_ISSUER") {
		t.Errorf("Keycloak without issuer: %v", err)
	}
	if c := providers.Apple(o).Config(); !c.FormPost || strings.Join(c.Checks, ",") != "nonce,state" {
		t.Errorf("Apple: form_post %v checks %v", c.FormPost, c.Checks)
	}
	if c := providers.GitHub(providers.Options{BaseURL: "https://ghe.example.com/"}).Config(); c.AuthorizationURL != "https://ghe.example.com/login/oauth/authorize" || c.UserinfoURL != "https://ghe.example.com/api/v3/user" {
		t.Errorf("GitHub Enterprise endpoints %s %s", c.AuthorizationURL, c.UserinfoURL)
	}
}

// TestDiscoveryRetriedAndCached: a failed discovery is not cached, the
// next sign-in tries again, and a successful one is reused; a hanging
// discovery gives up after the timeout.
func TestDiscoveryRetriedAndCached(t *testing.T) {
	var hits atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":"%s/auth","token_endpoint":"%s/token","jwks_uri":"%s/jwks","end_session_endpoint":"%s/logout"}`, srv.URL, srv.URL, srv.URL, srv.URL, srv.URL)
	}))
	defer srv.Close()
	p := providers.OIDC(providers.OAuthConfig{Issuer: srv.URL, ClientID: "c", ClientSecret: "s"})
	ctx := context.Background()
	if _, err := p.Checks(ctx); err == nil || !strings.Contains(err.Error(), "discovery") {
		t.Fatalf("first discovery: %v, want a discovery error", err)
	}
	ch, err := p.Checks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// No code_challenge_methods_supported: PKCE is dropped for the nonce.
	if ch.PKCE || !ch.Nonce || !ch.State {
		t.Errorf("checks %+v", ch)
	}
	u, err := p.AuthCodeURL(ctx, oauth.AuthorizationRequest{RedirectURI: "https://app.example.com/cb", State: "st", Nonce: "n"})
	if err != nil || !strings.HasPrefix(u, srv.URL+"/auth?") {
		t.Errorf("authorization URL %q %v", u, err)
	}
	if hits.Load() != 2 {
		t.Errorf("%d discovery requests, want 2 (one failed, one cached)", hits.Load())
	}

	block := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(block)
	slow := providers.OIDC(providers.OAuthConfig{Issuer: hang.URL, ClientID: "c", ClientSecret: "s", DiscoveryTimeout: 100 * time.Millisecond})
	if _, err := slow.Checks(ctx); err == nil {
		t.Error("a hanging discovery succeeded")
	}
}

func TestAppleClientSecret(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	p8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	now := time.Now()
	s, err := providers.AppleClientSecret(p8, "TEAM123", "KEY456", "com.example.web", now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := josejwt.ParseSigned(s, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	if tok.Headers[0].KeyID != "KEY456" {
		t.Errorf("kid %q", tok.Headers[0].KeyID)
	}
	var c josejwt.Claims
	if err := tok.Claims(&key.PublicKey, &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(josejwt.Expected{Issuer: "TEAM123", Subject: "com.example.web", AnyAudience: josejwt.Audience{"https://appleid.apple.com"}, Time: now}); err != nil {
		t.Error(err)
	}
	if _, err := providers.AppleClientSecret([]byte("not a key"), "T", "K", "C", now, time.Hour); err == nil {
		t.Error("a bad key made a secret")
	}
}

// TestGitHubEmailLookup runs the GitHub preset's profile fetch against a
// GitHub Enterprise-shaped server: no public email, so the primary verified
// one from /user/emails is used.
func TestGitHubEmailLookup(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/api/v3/user":
			io.WriteString(w, `{"id": 12345678901, "login": "octo", "name": null, "email": null, "avatar_url": "https://a/x.png"}`)
		case "/api/v3/user/emails":
			io.WriteString(w, `[{"email":"old@example.com","primary":false,"verified":true},{"email":"unverified@example.com","primary":true,"verified":false},{"email":"octo@example.com","primary":true,"verified":true}]`)
		}
	}))
	defer api.Close()
	c := providers.GitHub(providers.Options{ClientID: "c", ClientSecret: "s", BaseURL: api.URL}).Config()
	prof, err := c.FetchProfile(context.Background(), api.Client(), providers.TokenSet{AccessToken: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := c.Profile(prof, providers.TokenSet{})
	if err != nil || u.ID != "12345678901" || u.Name != "octo" || u.Email != "octo@example.com" || u.Image != "https://a/x.png" {
		t.Errorf("user %+v %v", u, err)
	}
}

func TestEntraIssuerCheck(t *testing.T) {
	c := providers.MicrosoftEntraID(providers.Options{ClientID: "c", ClientSecret: "s"}).Config()
	if c.Issuer != "https://login.microsoftonline.com/common/v2.0" || c.IssuerCheck == nil {
		t.Fatalf("config %+v", c)
	}
	tid := "9188040d-6c67-4c5b-b112-36a304b66dad"
	if err := c.IssuerCheck("https://login.microsoftonline.com/"+tid+"/v2.0", map[string]any{"tid": tid}); err != nil {
		t.Error(err)
	}
	if err := c.IssuerCheck("https://login.microsoftonline.com/other/v2.0", map[string]any{"tid": tid}); err == nil {
		t.Error("another tenant's issuer was accepted")
	}
	if fixed := providers.MicrosoftEntraID(providers.Options{ClientID: "c", ClientSecret: "s", Tenant: tid}).Config(); fixed.IssuerCheck != nil {
		t.Error("a fixed tenant skips the exact issuer check")
	}
}

// FuzzAppleUserField feeds the Apple preset's callback profile hook and
// profile mapping arbitrary user form fields: no panic, and a name only
// from well-formed JSON.
func FuzzAppleUserField(f *testing.F) {
	f.Add(`{"name":{"firstName":"Ada","lastName":"Lovelace"},"email":"ada@example.com"}`)
	f.Add(`{"name":"x"}`)
	f.Add(`[]`)
	c := providers.Apple(providers.Options{ClientID: "c", ClientSecret: "s"}).Config()
	f.Fuzz(func(t *testing.T, field string) {
		prof := map[string]any{"sub": "001", "email": "a@example.com"}
		c.CallbackProfile(url.Values{"user": {field}}, prof)
		u, err := c.Profile(prof, providers.TokenSet{})
		if err != nil || u.ID != "001" {
			t.Fatalf("%+v %v", u, err)
		}
	})
}
