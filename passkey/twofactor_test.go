package passkey_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/mfa"
	"github.com/authgo/authgo/passkey"
)

// jsonDo sends a request asking for JSON (a form with a CSRF token when
// form is not nil) and decodes the answer.
func (b *browser) jsonDo(method, path string, form url.Values) (int, map[string]any) {
	b.t.Helper()
	var req *http.Request
	if form != nil {
		form.Set("csrfToken", b.csrf())
		req, _ = http.NewRequest(method, b.s.origin+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(method, b.s.origin+path, nil)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Auth-Return-Redirect", "1")
	res, body := b.do(req)
	var v map[string]any
	_ = json.Unmarshal(body, &v)
	return res.StatusCode, v
}

// amr returns the session's amr, comma-separated ("" when signed out).
func (b *browser) amr() string {
	b.t.Helper()
	_, v := b.jsonDo("GET", "/api/auth/session", nil)
	var out []string
	list, _ := v["amr"].([]any)
	for _, m := range list {
		out = append(out, m.(string))
	}
	return strings.Join(out, ",")
}

// A passkey is both factors. Ada enrols an authenticator app, adds a
// passkey from the session that proved it, and signs out: her password
// then leads to the code challenge, but her passkey signs her in at once
// (no challenge) with amr hwk,user,mfa. Pat, whom the policy requires to
// use a second factor and who has only a passkey, is let in by it (not
// sent to enrolment), with the same amr.
func TestPasskeyCountsAsBothFactors(t *testing.T) {
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) { testPasskeyCountsAsBothFactors(t, strategy) })
	}
}

func testPasskeyCountsAsBothFactors(t *testing.T, strategy authgo.SessionStrategy) {
	var s *server
	withPW := withPassword(&s)
	s = newServer(t, passkey.Config{}, func(c *authgo.Config) {
		withPW(c)
		c.Session.Strategy = strategy
		c.TwoFactor = authgo.TwoFactorConfig{TOTP: mfa.TOTP{}, Required: func(_ context.Context, u *authgo.User) bool { return u.Email == "pat@example.com" }}
	})
	ctx := context.Background()
	if _, err := s.db.CreateUser(ctx, authgo.User{Email: "ada@example.com"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.passwordSignIn()
	_, e := b.jsonDo("GET", "/api/auth/two-factor/enroll", nil)
	secret, _ := e["secret"].(string)
	code, _ := totp.GenerateCode(secret, time.Now())
	if st, v := b.jsonDo("POST", "/api/auth/two-factor/enroll", url.Values{"code": {code}}); st != http.StatusOK {
		t.Fatalf("enrol: %d %v", st, v)
	}
	key := newSoftKey(t)
	status, _, opts := b.options("action=register")
	if status != http.StatusOK {
		t.Fatalf("register options after enrolment: %d", status)
	}
	if to := b.callback("register", key.create(t, opts, s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
		t.Fatalf("adding a passkey went to %s", to)
	}
	b.signOut()

	// The password alone is one factor: the challenge, no session.
	form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "callbackUrl": {"/welcome"}}
	if st, v := b.jsonDo("POST", "/api/auth/callback/credentials", form); st != http.StatusOK || !strings.HasSuffix(v["url"].(string), "/api/auth/two-factor/challenge") {
		t.Fatalf("password sign-in with a factor: %d %v", st, v)
	}
	if b.email() != "" {
		t.Fatal("a session from the password alone")
	}
	// The passkey is two: no challenge.
	_, _, opts = b.options("")
	if to := b.callback("authenticate", key.get(t, opts, s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
		t.Fatalf("passkey sign-in of a user with TOTP went to %s", to)
	}
	if b.email() != "ada@example.com" || b.amr() != "hwk,user,mfa" {
		t.Fatalf("passkey sign-in: %q amr %q", b.email(), b.amr())
	}

	// Pat: a factor required by policy, only a passkey.
	pat := s.browser()
	patKey := newSoftKey(t)
	pat.register(patKey, "pat@example.com")
	if pat.email() != "pat@example.com" || pat.amr() != "hwk,user,mfa" {
		t.Fatalf("Pat's passkey sign-up: %q amr %q", pat.email(), pat.amr())
	}
	pat.signOut()
	_, _, opts = pat.options("")
	if to := pat.callback("authenticate", patKey.get(t, opts, s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
		t.Fatalf("Pat's passkey sign-in went to %s", to)
	}
	if pat.email() != "pat@example.com" || pat.amr() != "hwk,user,mfa" {
		t.Fatalf("Pat's passkey sign-in: %q amr %q", pat.email(), pat.amr())
	}
}
