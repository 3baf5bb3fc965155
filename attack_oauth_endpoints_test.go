package authgo_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

// TestAttackPlainHTTPEndpointsRefusedAtNew: plain http:// issuer, token,
// user info (and authorization, end-session) URLs were accepted for any
// host, so codes, tokens and client secrets could cross the network in
// clear. They are a configuration error at New, except on loopback hosts
// or with Config.Development.
func TestAttackPlainHTTPEndpointsRefusedAtNew(t *testing.T) {
	oidc := func(issuer string) authgo.Provider {
		return providers.OIDC(providers.OAuthConfig{Issuer: issuer, ClientID: "c", ClientSecret: "s"})
	}
	oauth2 := func(edit func(*providers.OAuthConfig)) authgo.Provider {
		c := providers.OAuthConfig{ClientID: "c", ClientSecret: "s", AuthorizationURL: "https://idp.example/authorize", TokenURL: "https://idp.example/token", UserinfoURL: "https://idp.example/me"}
		edit(&c)
		return providers.OAuth2(c)
	}
	newAuth := func(dev bool, p authgo.Provider) error {
		_, err := authgo.New(authgo.Config{Secret: []string{testSecret}, URL: "https://app.example/api/auth", Development: dev, Providers: []authgo.Provider{p}, LookupEnv: noEnv})
		return err
	}
	refused := map[string]authgo.Provider{
		"issuer":            oidc("http://idp.example"),
		"token":             oauth2(func(c *providers.OAuthConfig) { c.TokenURL = "http://idp.example/token" }),
		"userinfo":          oauth2(func(c *providers.OAuthConfig) { c.UserinfoURL = "http://idp.example/me" }),
		"authorization":     oauth2(func(c *providers.OAuthConfig) { c.AuthorizationURL = "http://idp.example/authorize" }),
		"end session":       oauth2(func(c *providers.OAuthConfig) { c.EndSessionURL = "http://idp.example/logout" }),
		"GitHub Enterprise": providers.GitHub(providers.Options{ClientID: "c", ClientSecret: "s", BaseURL: "http://github.corp.example"}),
	}
	for _, host := range []string{"127.0.0.1.nip.io", "localhost.evil.example", "0.0.0.0", "10.0.0.1", "2130706433", "[::ffff:a00:1]", "[fe80::1]"} {
		refused["issuer on "+host] = oidc("http://" + host + ":8080")
	}
	for name, p := range refused {
		err := newAuth(false, p)
		var ce *authgo.ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "https") || !strings.Contains(err.Error(), "Development") {
			t.Errorf("%s: New = %v, want a ConfigError asking for https", name, err)
		}
		if err := newAuth(true, p); err != nil {
			t.Errorf("%s: refused in Development: %v", name, err)
		}
	}
	for _, host := range []string{"127.0.0.1", "127.8.9.10", "localhost", "LOCALHOST", "[::1]", "[::ffff:127.0.0.1]"} {
		if err := newAuth(false, oidc("http://"+host+":8080/realms/dev")); err != nil {
			t.Errorf("loopback issuer %s refused: %v", host, err)
		}
	}
}

// TestAttackPlainHTTPDiscoveredEndpointsRefused: a discovery document (on
// a loopback issuer, so New accepts it) that sends the token, JWKS, user
// info, authorization or end-session request to a plain-http host fails
// discovery, naming the endpoint: the sign-in never reaches the provider.
func TestAttackPlainHTTPDiscoveredEndpointsRefused(t *testing.T) {
	for _, field := range []string{"token_endpoint", "jwks_uri", "userinfo_endpoint", "authorization_endpoint", "end_session_endpoint"} {
		t.Run(field, func(t *testing.T) {
			var issuer string
			authorized := false
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/.well-known/openid-configuration":
					doc := map[string]any{
						"issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
						"jwks_uri": issuer + "/jwks", "userinfo_endpoint": issuer + "/me", "end_session_endpoint": issuer + "/logout",
						"code_challenge_methods_supported": []string{"S256"}, "id_token_signing_alg_values_supported": []string{"RS256"},
						"response_types_supported": []string{"code"}, "subject_types_supported": []string{"public"},
					}
					doc[field] = "http://idp.example/" + field
					json.NewEncoder(w).Encode(doc)
				case "/authorize":
					authorized = true
				}
			}))
			defer srv.Close()
			issuer = srv.URL
			p := providers.OIDC(providers.OAuthConfig{ID: "disc", Issuer: issuer, ClientID: "c", ClientSecret: "s"})
			f := newOAuthFixture(t, withProviders(p))
			resp := f.do("POST", "/api/auth/signin/disc", url.Values{"csrfToken": {f.csrf()}}, nil)
			loc := location(t, resp)
			if strings.HasPrefix(loc, issuer) || authorized {
				t.Fatalf("sign-in went to the provider (%s) although its %s is plain http", loc, field)
			}
			if !strings.HasPrefix(loc, f.srv.URL) || !strings.Contains(loc, "error=Configuration") {
				t.Errorf("redirect %q, want a Configuration error on the app", loc)
			}
			if logs := f.logText(); !strings.Contains(logs, "step=discovery") || !strings.Contains(logs, field) || !strings.Contains(logs, "https") {
				t.Errorf("no log line naming the discovery step, %s and https:\n%s", field, logs)
			}
		})
	}
}
