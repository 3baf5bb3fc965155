package authgo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
)

// noTOTP satisfies authgo.TOTP for configuration checks only (the root
// module cannot import the mfa module; the flows are tested there).
type noTOTP struct{}

func (noTOTP) Key(string, string, string) (string, string, error) { return "", "", nil }
func (noTOTP) QRCode(string) ([]byte, error)                      { return nil, nil }
func (noTOTP) Verify(string, string, time.Time) (int64, bool)     { return 0, false }

// sessionsOnly is an adapter without adapter.SecondFactorStore.
type sessionsOnly struct{ adapter.Adapter }

// TestTwoFactorConfigErrors: New names what to set.
func TestTwoFactorConfigErrors(t *testing.T) {
	base := func() authgo.Config {
		return authgo.Config{Secret: []string{testSecret}, URL: "https://app.example.com", LookupEnv: func(string) (string, bool) { return "", false }}
	}
	for name, c := range map[string]struct {
		mutate func(*authgo.Config)
		want   string
	}{
		"policy without TOTP": {func(c *authgo.Config) { c.TwoFactor.RequiredForAll = true }, "need TwoFactor.TOTP"},
		"hook without TOTP": {func(c *authgo.Config) {
			c.TwoFactor.Required = func(context.Context, *authgo.User) bool { return true }
		}, "need TwoFactor.TOTP"},
		"no store":              {func(c *authgo.Config) { c.TwoFactor.TOTP = noTOTP{} }, "TwoFactor needs a store"},
		"adapter without store": {func(c *authgo.Config) { c.TwoFactor.TOTP, c.Adapter = noTOTP{}, sessionsOnly{memory.New()} }, "adapter.SecondFactorStore"},
	} {
		cfg := base()
		c.mutate(&cfg)
		if _, err := authgo.New(cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: New = %v, want an error naming %q", name, err, c.want)
		}
	}
	cfg := base()
	cfg.TwoFactor.TOTP, cfg.Adapter = noTOTP{}, memory.New()
	if _, err := authgo.New(cfg); err != nil {
		t.Fatalf("TOTP with the memory adapter: %v", err)
	}
}

// TestSessionJSONStaysAuthJS: without the second factor the session JSON
// carries no amr or auth_time (it equals @auth/core's, which
// TestInteropAuthCoreSignInGoReads compares).
func TestSessionJSONStaysAuthJS(t *testing.T) {
	f := newFixture(t, nil)
	f.lim.SignIn("ada@example.com", testUsers["ada@example.com"].Password)
	resp, err := f.client.Get(f.url("/api/auth/session"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := readAll(t, resp)
	if !strings.Contains(body, "ada@example.com") || strings.Contains(body, "amr") || strings.Contains(body, "auth_time") {
		t.Fatalf("session JSON %s", body)
	}
	r, _ := http.NewRequest("GET", f.url("/"), nil)
	for _, c := range f.client.Jar.Cookies(r.URL) {
		r.AddCookie(c)
	}
	s, err := f.auth.Session(nil, r)
	if err != nil || s == nil || strings.Join(s.AMR, ",") != "pwd" || s.AuthTime.IsZero() {
		t.Fatalf("Session = %+v, %v: AMR pwd and AuthTime expected in Go", s, err)
	}
}
