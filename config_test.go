package authgo_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
)

func TestConfigMistakesFailAtNew(t *testing.T) {
	cred := credentialsFunc(nil)
	long := strings.Repeat("s", 32)
	cases := []struct {
		name string
		cfg  authgo.Config
		want string
	}{
		{"no secret", authgo.Config{Providers: []authgo.Provider{cred}}, "AUTH_SECRET"},
		{"short secret", authgo.Config{Secret: []string{"short"}, Providers: []authgo.Provider{cred}}, "AllowShortSecret"},
		{"empty secret", authgo.Config{Secret: []string{long, ""}, Providers: []authgo.Provider{cred}}, "secret 2 is empty"},
		{"bad URL", authgo.Config{Secret: []string{long}, URL: "ftp://x", Providers: []authgo.Provider{cred}}, "AUTH_URL"},
		{"relative URL", authgo.Config{Secret: []string{long}, URL: "/api/auth", Providers: []authgo.Provider{cred}}, "not an http(s) URL"},
		{"duplicate ids", authgo.Config{Secret: []string{long}, Providers: []authgo.Provider{cred, cred}}, `two providers have the id "credentials"`},
		{"nil provider", authgo.Config{Secret: []string{long}, Providers: []authgo.Provider{nil}}, "provider 1 is nil"},
		{"database without adapter", authgo.Config{Secret: []string{long}, Providers: []authgo.Provider{cred}, Session: authgo.SessionConfig{Strategy: authgo.StrategyDatabase}}, "no Adapter"},
		{"unknown strategy", authgo.Config{Secret: []string{long}, Providers: []authgo.Provider{cred}, Session: authgo.SessionConfig{Strategy: "cookie"}}, "unknown"},
		{"negative MaxAuthAge", authgo.Config{Secret: []string{long}, Providers: []authgo.Provider{cred}, Session: authgo.SessionConfig{MaxAuthAge: -time.Hour}}, "MaxAuthAge must not be negative"},
		{"bad page", authgo.Config{Secret: []string{long}, Providers: []authgo.Provider{cred}, Pages: authgo.Pages{SignIn: "javascript:x"}}, "Pages.SignIn"},
		{"bad color scheme", authgo.Config{Secret: []string{long}, Providers: []authgo.Provider{cred}, Theme: authgo.Theme{ColorScheme: "pink"}}, "ColorScheme"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.LookupEnv = noEnv
			if c.cfg.URL == "" {
				c.cfg.URL = "https://app.example/api/auth"
			}
			_, err := authgo.New(c.cfg)
			var ce *authgo.ConfigError
			if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want a ConfigError mentioning %q", err, c.want)
			}
		})
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	env := map[string]string{
		"AUTH_SECRET":     strings.Repeat("a", 32) + "," + strings.Repeat("b", 32),
		"AUTH_SECRET_1":   strings.Repeat("c", 32),
		"AUTH_URL":        "https://app.example.com/custom/auth",
		"AUTH_TRUST_HOST": "true",
	}
	a, err := authgo.New(authgo.Config{Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	if a.BasePath() != "/custom/auth" {
		t.Fatalf("base path %q from AUTH_URL", a.BasePath())
	}
	// AUTH_SECRET_1 encrypts (it comes first, as in Auth.js): a token made
	// with only AUTH_SECRET_1 is readable, and so is one made with
	// AUTH_SECRET's second element.
	for _, secret := range []string{strings.Repeat("c", 32), strings.Repeat("b", 32)} {
		other := mustNew(t, authgo.Config{Secret: []string{secret}, URL: "https://app.example.com/custom/auth", Providers: []authgo.Provider{credentialsFunc(func() (*authgo.User, error) { return &authgo.User{ID: "u"}, nil })}, LookupEnv: noEnv})
		req := signedInRequest(t, other, "https://app.example.com/")
		s, err := a.Session(nil, req)
		if err != nil || s == nil || s.User.ID != "u" {
			t.Fatalf("token of secret %.4s… not read: %v %v", secret, err, s)
		}
	}
}

func TestDevelopmentModeWithoutSecret(t *testing.T) {
	if _, err := authgo.New(authgo.Config{Development: true, Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: noEnv}); err != nil {
		t.Fatal(err)
	}
}

func TestAllowShortSecret(t *testing.T) {
	if _, err := authgo.New(authgo.Config{Secret: []string{"short-but-shared"}, AllowShortSecret: true, URL: "https://app.example/api/auth", Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: noEnv}); err != nil {
		t.Fatal(err)
	}
}
