package passkey_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/mfa"
	"github.com/authgo/authgo/providers"
)

// client is a cookie-keeping HTTP client of an app that follows no
// redirects.
type client struct {
	t  *testing.T
	a  *app
	hc *http.Client
}

func (a *app) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, a: a, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request (a form when form is not nil) asking for JSON and
// returns the status and the decoded body.
func (c *client) do(method, path string, form url.Values) (int, map[string]any) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		_, csrf := c.do("GET", "/api/auth/csrf", nil)
		form.Set("csrfToken", csrf["csrfToken"].(string))
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.a.origin+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Auth-Return-Redirect", "1")
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

// A passkey signs in with two factors (amr mfa). Before the fix any
// session could register one, so a session that had proved one factor —
// one begun before the user turned the second factor on, or one a thief
// holds — registered a passkey and then signed in with it past every
// RequireFactor guard and the second factor itself. Now a user with a
// second factor registers a passkey only from a session that proved it
// (or steps up first); a user without one is unchanged.
func TestAttackPasskeyRegistrationNeedsTheSecondFactor(t *testing.T) {
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) { testPasskeyRegistrationNeedsTheSecondFactor(t, strategy) })
	}
}

func testPasskeyRegistrationNeedsTheSecondFactor(t *testing.T, strategy authgo.SessionStrategy) {
	var a *app
	a = newApp(t, nil, nil, func(c *authgo.Config) {
		c.Session.Strategy = strategy
		c.TwoFactor = authgo.TwoFactorConfig{TOTP: mfa.TOTP{}}
		c.Providers = append(c.Providers, providers.Credentials(providers.CredentialsConfig{
			Authorize: func(ctx context.Context, cr authgo.Credentials, _ *http.Request) (*authgo.User, error) {
				if cr["password"] != "right password" {
					return nil, nil
				}
				return a.db.GetUserByEmail(ctx, cr["email"])
			}}))
	})
	if _, err := a.db.CreateUser(t.Context(), authgo.User{Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	signIn := func(c *client) {
		if st, v := c.do("POST", "/api/auth/callback/credentials", url.Values{"email": {"ada@example.com"}, "password": {"right password"}}); st != http.StatusOK || strings.Contains(v["url"].(string), "error") {
			t.Fatalf("sign-in: %d %v", st, v)
		}
	}
	registerOptions := func(c *client) int {
		st, _ := c.do("GET", "/api/auth/webauthn-options/passkey?action=register", nil)
		return st
	}

	early, owner := a.client(t), a.client(t)
	signIn(early) // one factor: the user has no second one yet
	if st := registerOptions(early); st != http.StatusOK {
		t.Fatalf("a user without a second factor may add a passkey: %d", st)
	}
	signIn(owner)
	_, e := owner.do("GET", "/api/auth/two-factor/enroll", nil)
	secret, _ := e["secret"].(string)
	code, _ := totp.GenerateCode(secret, time.Now())
	if st, v := owner.do("POST", "/api/auth/two-factor/enroll", url.Values{"code": {code}}); st != http.StatusOK {
		t.Fatalf("enrol: %d %v", st, v)
	}

	if st := registerOptions(early); st != http.StatusForbidden {
		t.Errorf("a session that proved one factor got registration options: %d, want 403", st)
	}
	if st := registerOptions(owner); st != http.StatusOK {
		t.Errorf("the session that proved the second factor: %d, want 200", st)
	}
}
