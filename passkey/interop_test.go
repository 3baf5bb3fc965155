package passkey_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/passkey"
)

// A passkey an Auth.js app registered — its rows as @auth/core writes them
// (no user handle, dates or name recorded; the user handle random, known
// only to the authenticator) — signs in at authgo on the same database.
func TestAuthJSRowsSignIn(t *testing.T) {
	s := newServer(t, passkey.Config{}, nil)
	ctx := context.Background()
	u, err := s.db.CreateUser(ctx, authgo.User{Email: "next@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	key := newSoftKey(t)
	key.handle = []byte("a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6") // Auth.js's randomString(32)
	key.counter = 3
	id := base64.StdEncoding.EncodeToString(key.id)
	// The public key as COSE, standard base64, as @auth/core stores it.
	cose := key.authData("localhost", true)[37+16+2+len(key.id):]
	if err := s.db.LinkAccount(ctx, adapter.Account{UserID: u.ID, Type: "webauthn", Provider: "passkey", ProviderAccountID: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.CreateAuthenticator(ctx, adapter.Authenticator{CredentialID: id, UserID: u.ID, ProviderAccountID: id,
		CredentialPublicKey: base64.StdEncoding.EncodeToString(cose), Counter: 3, CredentialDeviceType: "singleDevice", Transports: "internal"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	_, _, opts := b.options("")
	if to := b.callback("authenticate", key.get(t, opts, s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
		t.Fatalf("sign-in with an Auth.js passkey went to %s", to)
	}
	if b.email() != "next@example.com" {
		t.Fatal("not signed in")
	}
	row, _ := s.db.GetAuthenticator(ctx, id)
	if row.Counter != 4 {
		t.Errorf("counter = %d, want 4", row.Counter)
	}
}

// With RPID set to a parent domain, a ceremony runs on any configured
// origin and on no other.
func TestSeveralOrigins(t *testing.T) {
	const admin = "http://admin.localhost:8443"
	s := newServer(t, passkey.Config{RPID: "localhost", Origins: []string{"http://localhost", admin}}, func(c *authgo.Config) { c.Development = true })
	b := s.browser()
	_, _, opts := b.options("action=register&email=sub@example.com")
	key := newSoftKey(t)
	if to := b.callback("register", key.create(t, opts, admin, nil)); errorOf(to) != "" {
		t.Fatalf("registration from %s: %s", admin, to)
	}
	b.signOut()
	_, _, opts = b.options("")
	if got := errorOf(b.callback("authenticate", key.get(t, opts, "http://evil.localhost", nil))); got != "AccessDenied" {
		t.Errorf("sign-in from an origin not configured: %q, want AccessDenied", got)
	}
	_, _, opts = b.options("")
	if got := errorOf(b.callback("authenticate", key.get(t, opts, admin, nil))); got != "" {
		t.Errorf("sign-in from %s: %q", admin, got)
	}
}

// A ceremony answered after the timeout (5 minutes) is refused: the
// challenge has expired.
func TestChallengeExpires(t *testing.T) {
	now := time.Now()
	s := newServer(t, passkey.Config{}, func(c *authgo.Config) { c.Now = func() time.Time { return now } })
	b := s.browser()
	key := newSoftKey(t)
	b.register(key, "slow@example.com")
	b.signOut()
	_, _, opts := b.options("")
	now = now.Add(passkey.DefaultTimeout + time.Second)
	if got := errorOf(b.callback("authenticate", key.get(t, opts, s.origin, nil))); got != "Verification" {
		t.Fatalf("an answer after the timeout: %q, want Verification", got)
	}
	if status, _, _ := b.options(""); status != http.StatusOK {
		t.Fatal("no new options")
	}
}
