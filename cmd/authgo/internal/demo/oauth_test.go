package demo

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/testenv"
)

// Providers configured through the environment appear on the login page as
// buttons that post to the auth endpoints.
func TestLoginShowsProvidersFromEnv(t *testing.T) {
	env := map[string]string{
		"AUTH_OIDC_ISSUER": "https://issuer.example.com", "AUTH_OIDC_ID": "demo-client", "AUTH_OIDC_SECRET": "demo-secret",
		"AUTH_GITHUB_ID": "gh-client", "AUTH_GITHUB_SECRET": "gh-secret",
	}
	ta := newTestAppWithEnv(t, authgo.StrategyJWT, env)
	body := ta.browser("test").get("/login").body
	for _, want := range []string{`action="/api/auth/signin/oidc"`, `action="/api/auth/signin/github"`} {
		if !strings.Contains(body, want) {
			t.Errorf("login page lacks %s", want)
		}
	}
}

// Only the login page with OAuth buttons lets forms go elsewhere (its
// buttons' redirects lead to the provider); every other page, and the
// login page without providers, keeps form-action 'self'. Only the pages
// with passkeys (/login, /settings) run a script, authgo's own from this
// site. The rest of the policy is the same everywhere.
func TestLoginPolicyOpensFormActionOnlyForOAuth(t *testing.T) {
	strict := []string{"default-src 'none'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'"}
	check := func(t *testing.T, what string, res response, formAction bool) {
		t.Helper()
		csp := res.header.Get("Content-Security-Policy")
		for _, d := range strict {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: policy %q lacks %s", what, csp, d)
			}
		}
		passkeys := strings.HasPrefix(what, "login") || strings.HasPrefix(what, "failed login") || strings.HasPrefix(what, "/settings")
		if scripts := strings.Contains(csp, "script-src"); scripts != passkeys || scripts && !strings.Contains(csp, "script-src 'self'; connect-src 'self'") {
			t.Errorf("%s: policy %q, want scripts from this site only: %v", what, csp, passkeys)
		}
		if got := strings.Contains(csp, "form-action 'self'"); got != formAction || (!formAction && strings.Contains(csp, "form-action")) {
			t.Errorf("%s: policy %q, want form-action 'self': %v", what, csp, formAction)
		}
	}
	withOAuth := newTestAppWithEnv(t, authgo.StrategyJWT, map[string]string{
		"AUTH_OIDC_ISSUER": "https://issuer.example.com", "AUTH_OIDC_ID": "demo-client", "AUTH_OIDC_SECRET": "demo-secret",
	})
	b := withOAuth.browser("test")
	check(t, "login with OAuth", b.get("/login"), false)
	check(t, "failed login with OAuth", b.login("viewer@example.com", "not the password"), false)
	for _, p := range []string{"/", "/posts", "/unauthorized", "/nope"} {
		check(t, p, b.get(p), true)
	}
	b.mustLogin("viewer@example.com")
	for _, p := range []string{"/dashboard", "/settings", "/posts"} {
		check(t, p+" signed in", b.get(p), true)
	}
	plain := newTestApp(t, authgo.StrategyJWT).browser("test")
	check(t, "login without OAuth", plain.get("/login"), true)
}

// idpScript runs oauth2-mock-server (pinned in internal/testenv) as the
// identity provider of every OAuth provider in the demo's tests. Each
// client gets its own user: the ID token says sub "<client id>-user",
// email "<client id>@example.com", name "User of <client id>", so a
// session shows which provider made it.
const idpScript = `
import { OAuth2Server } from 'oauth2-mock-server';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
server.service.on('beforeTokenSigning', (token) => {
  const p = token.payload;
  if (!('aud' in p) || 'scope' in p) return; // access tokens carry a scope
  Object.assign(p, { sub: p.aud + '-user', email: p.aud + '@example.com', email_verified: true, name: 'User of ' + p.aud });
});
console.log('ready ' + server.issuer.url);
`

// startIdP starts the identity provider for the test and returns its
// issuer URL.
func startIdP(t *testing.T) string {
	t.Helper()
	return strings.TrimPrefix(testenv.StartNode(t, idpScript, "ready "), "ready ")
}

// idpProviders are the OAuth providers of the demo's OAuth tests, each
// configured through its AUTH_* variables, all at one IdP: the generic
// OIDC provider and every preset whose issuer is the app's to choose.
var idpProviders = []string{"auth0", "keycloak", "okta", "cognito", "authentik", "zitadel", "oidc"}

// idpEnv is the environment that points every provider of idpProviders at
// issuer, with client id "<provider>-client".
func idpEnv(issuer string) map[string]string {
	env := map[string]string{}
	for _, id := range idpProviders {
		v := "AUTH_" + strings.ToUpper(id)
		env[v+"_ISSUER"], env[v+"_ID"], env[v+"_SECRET"] = issuer, id+"-client", id+"-secret"
	}
	return env
}

// newTestAppWithEnv is the demo with the environment env (its OAuth
// providers) behind an httptest server.
func newTestAppWithEnv(t *testing.T, strategy authgo.SessionStrategy, env map[string]string) *testApp {
	t.Helper()
	return newTestAppFrom(t, Config{
		DBPath: filepath.Join(t.TempDir(), "demo.db"), Strategy: strategy, Secret: testSecret, Password: testPassword,
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
}
