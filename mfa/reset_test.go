package mfa_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/providers"
)

var resetLink = regexp.MustCompile(`https?://\S+/api/auth/account/reset-password\?\S+`)

// TestPasswordResetNeedsSecondFactor: a reset link proves the mailbox, not
// the second factor. For a user with one enrolled, the reset changes the
// password but yields no session until the code (it signs in through the
// same gate as every sign-in); the code then gives a session with both
// factors, and the new password, not the old, leads to the challenge. The
// Go function ResetPassword, called from an app's own form, does the same.
func TestPasswordResetNeedsSecondFactor(t *testing.T) {
	for _, strategy := range []authgo.SessionStrategy{authgo.StrategyJWT, authgo.StrategyDatabase} {
		t.Run(string(strategy), func(t *testing.T) { testPasswordResetNeedsSecondFactor(t, strategy) })
	}
}

func testPasswordResetNeedsSecondFactor(t *testing.T, strategy authgo.SessionStrategy) {
	const addr, oldPW, newPW = "reset@example.com", "the old long passphrase", "a brand new passphrase"
	mail := &email.Memory{}
	s := newSite(t, func(c *authgo.Config) {
		c.Session.Strategy = strategy
		c.Providers = append(c.Providers, providers.Password(providers.PasswordConfig{PasswordOptions: account.PasswordOptions{Sender: mail, From: "App <no-reply@app.example>"}}))
	})
	b := s.browser()
	pwSignIn := func(pw string) response {
		t.Helper()
		return b.post("/api/auth/callback/password", url.Values{"email": {addr}, "password": {pw}, "callbackUrl": {"/dashboard"}})
	}
	if r := b.post("/api/auth/account/signup", url.Values{"email": {addr}, "password": {oldPW}}); r.status != http.StatusFound {
		t.Fatalf("sign-up: %d %s", r.status, r.body)
	}
	if r := pwSignIn(oldPW); path(r.location) != "/dashboard" {
		t.Fatalf("password sign-in: %d %q", r.status, r.location)
	}
	secret, _ := b.enrol()
	b.signOut()

	if r := b.post("/api/auth/account/forgot-password", url.Values{"email": {addr}}); r.status != http.StatusFound {
		t.Fatalf("forgot password: %d %s", r.status, r.body)
	}
	m, ok := mail.Last(addr)
	link := resetLink.FindString(m.Text)
	if !ok || link == "" {
		t.Fatalf("no reset link in %q", m.Text)
	}
	q, _ := url.Parse(link)
	r := b.post("/api/auth/account/reset-password", url.Values{"token": {q.Query().Get("token")}, "id": {q.Query().Get("id")}, "password": {newPW}})
	if r.status != http.StatusFound || path(r.location) != "/api/auth/two-factor/challenge" {
		t.Fatalf("reset with a factor enrolled: %d %q %s", r.status, r.location, r.body)
	}
	b.mustBeSignedOut("after the reset")
	if r := b.challenge("000000"); r.status != http.StatusUnauthorized {
		t.Fatalf("wrong code after the reset: %d", r.status)
	}
	b.mustBeSignedOut("after a wrong code")
	if r := b.challenge(code(t, secret, s.clock.now())); r.status != http.StatusFound {
		t.Fatalf("challenge after the reset: %d %q %s", r.status, r.location, r.body)
	}
	sess := b.session()
	if got := sessionAMR(sess); got != "email,otp,mfa" { // the link proved the mailbox
		t.Fatalf("amr after the reset and the code = %q", got)
	}
	if u, _ := sess["user"].(map[string]any); u == nil || u["email"] != addr {
		t.Fatalf("session after the reset: %v", sess)
	}
	b.signOut()
	s.clock.advance(30 * time.Second)
	if r := pwSignIn(oldPW); path(r.location) == "/api/auth/two-factor/challenge" || path(r.location) == "/dashboard" {
		t.Fatalf("the old password after the reset: %d %q", r.status, r.location)
	}
	if r := pwSignIn(newPW); path(r.location) != "/api/auth/two-factor/challenge" {
		t.Fatalf("the new password: %d %q", r.status, r.location)
	}
	b.mustBeSignedOut("after the new password")

	// The Go function ResetPassword, from the app's own form on another
	// port of the same host (the cookies are shared): the same gate.
	own := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next, err := s.auth.ResetPassword(w, r, r.FormValue("token"), r.FormValue("id"), r.FormValue("password"), "/dashboard")
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		io.WriteString(w, next)
	}))
	defer own.Close()
	b2 := s.browser()
	if r := b2.post("/api/auth/account/forgot-password", url.Values{"email": {addr}}); r.status != http.StatusFound {
		t.Fatalf("forgot password: %d %s", r.status, r.body)
	}
	m, _ = mail.Last(addr)
	q, _ = url.Parse(resetLink.FindString(m.Text))
	r = b2.do("POST", own.URL+"/reset", url.Values{"token": {q.Query().Get("token")}, "id": {q.Query().Get("id")}, "password": {"the third passphrase"}})
	if r.status != http.StatusOK || path(r.body) != "/api/auth/two-factor/challenge" {
		t.Fatalf("ResetPassword with a factor enrolled: %d %q", r.status, r.body)
	}
	b2.mustBeSignedOut("after ResetPassword")
	s.clock.advance(30 * time.Second)
	if r := b2.challenge(code(t, secret, s.clock.now())); r.status != http.StatusFound || sessionAMR(b2.session()) != "email,otp,mfa" {
		t.Fatalf("challenge after ResetPassword: %d %q", r.status, r.location)
	}
}
