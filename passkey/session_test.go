package passkey_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/passkey"
	"github.com/authgo/authgo/ratelimit"
)

// A browser signed in as one user cannot sign in with another user's
// passkey over its session (AccountNotLinked), and a registration begun in
// one session cannot be finished in another.
func TestAttackCrossUser(t *testing.T) {
	s := newServer(t, passkey.Config{}, nil)
	alice, bob := s.browser(), s.browser()
	aliceKey, bobKey := newSoftKey(t), newSoftKey(t)
	alice.register(aliceKey, "alice@example.com")
	bob.register(bobKey, "bob@example.com")

	_, _, opts := alice.options("action=authenticate")
	if got := errorOf(alice.callback("authenticate", bobKey.get(t, opts, s.origin, nil))); got != "AccountNotLinked" {
		t.Errorf("Bob's passkey in Alice's session: %q, want AccountNotLinked", got)
	}
	if alice.email() != "alice@example.com" {
		t.Error("Alice's session changed")
	}

	// Alice begins adding a passkey, the cookie is carried to Bob's
	// session: refused, nothing stored.
	status, action, opts := alice.options("action=register")
	if status != http.StatusOK {
		t.Fatalf("Alice's register options: %d %s", status, action)
	}
	u, _ := url.Parse(s.origin)
	for _, c := range alice.hc.Jar.Cookies(u) {
		if c.Name == "authjs.challenge" {
			bob.hc.Jar.SetCookies(u, []*http.Cookie{c})
		}
	}
	extra := newSoftKey(t)
	if got := errorOf(bob.callback("register", extra.create(t, opts, s.origin, nil))); got != "AccessDenied" {
		t.Errorf("Alice's registration finished in Bob's session: %q, want AccessDenied", got)
	}
	s.assertNothingStored(extra)
}

// A SignIn callback that refuses stops a sign-up before anything is stored
// and a sign-in before the session.
func TestSignInCallbackRefuses(t *testing.T) {
	refuse := false
	s := newServer(t, passkey.Config{}, func(c *authgo.Config) {
		c.Callbacks.SignIn = func(_ context.Context, p authgo.SignInParams) (string, error) {
			if refuse || strings.HasSuffix(p.User.Email, "@blocked.example") {
				return "", errors.New("not here")
			}
			return "", nil
		}
	})
	b := s.browser()
	_, _, opts := b.options("action=register&email=eve@blocked.example")
	key := newSoftKey(t)
	if got := errorOf(b.callback("register", key.create(t, opts, s.origin, nil))); got != "AccessDenied" {
		t.Fatalf("refused sign-up: %q, want AccessDenied", got)
	}
	s.assertNothingStored(key)
	if u, _ := s.db.GetUserByEmail(context.Background(), "eve@blocked.example"); u != nil {
		t.Errorf("the refused user was created: %+v", u)
	}

	ok := newSoftKey(t)
	b.register(ok, "fine@example.com")
	b.signOut()
	refuse = true
	_, _, opts = b.options("")
	if got := errorOf(b.callback("authenticate", ok.get(t, opts, s.origin, nil))); got != "AccessDenied" {
		t.Fatalf("refused sign-in: %q, want AccessDenied", got)
	}
	if b.email() != "" {
		t.Error("signed in despite the callback")
	}
}

// Failed passkey sign-ins count against the sign-in rate limits, which
// refuse further attempts (429) before any signature is checked.
func TestAttackRateLimited(t *testing.T) {
	s := newServer(t, passkey.Config{}, func(c *authgo.Config) {
		c.RateLimit.PerIdentifierClient = ratelimit.Limit{Events: 3, Per: time.Hour}
	})
	b := s.browser()
	key := newSoftKey(t)
	b.register(key, "limited@example.com")
	b.signOut()
	for i := range 3 {
		_, _, opts := b.options("")
		if got := errorOf(b.callback("authenticate", key.get(t, opts, s.origin, func(a *assertion) { a.rpID = "evil.example" }))); got != "AccessDenied" {
			t.Fatalf("failure %d: %q", i+1, got)
		}
	}
	_, _, opts := b.options("")
	form := url.Values{"action": {"authenticate"}, "data": {key.get(t, opts, s.origin, nil)}, "csrfToken": {b.csrf()}}
	req, _ := http.NewRequest(http.MethodPost, s.origin+"/api/auth/callback/passkey", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, body := b.do(req)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("the fourth attempt (with a good response): %d %s, want 429", res.StatusCode, body)
	}
	if b.email() != "" {
		t.Error("signed in past the limit")
	}
}
