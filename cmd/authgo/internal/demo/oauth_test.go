package demo

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

// Providers configured through the environment appear on the login page as
// buttons that post to the auth endpoints.
func TestLoginShowsProvidersFromEnv(t *testing.T) {
	env := map[string]string{
		"AUTH_OIDC_ISSUER": "https://issuer.example.com", "AUTH_OIDC_ID": "demo-client", "AUTH_OIDC_SECRET": "demo-secret",
		"AUTH_GITHUB_ID": "gh-client", "AUTH_GITHUB_SECRET": "gh-secret",
	}
	app, err := New(context.Background(), Config{
		DBPath: filepath.Join(t.TempDir(), "demo.db"), Strategy: authgo.StrategyJWT, Secret: testSecret, Password: testPassword,
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	srv := httptest.NewServer(app)
	defer srv.Close()
	ta := &testApp{App: app, srv: srv, t: t}
	body := ta.browser("test").get("/login").body
	for _, want := range []string{`action="/api/auth/signin/oidc"`, `action="/api/auth/signin/github"`} {
		if !strings.Contains(body, want) {
			t.Errorf("login page lacks %s", want)
		}
	}
}
