package passkey_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/jwt"
	"github.com/authgo/authgo/passkey"
)

// A new user registers a passkey (sign-up), signs out and signs in with it:
// the rows are Auth.js's (account providerAccountId and credential id as
// standard base64, transports comma-joined) with the flags and counter.
func TestRegisterAndSignIn(t *testing.T) {
	s := newServer(t, passkey.Config{}, nil)
	b := s.browser()
	key := newSoftKey(t)
	key.flags = flagBE | flagBS
	b.register(key, "Ada@Example.com")
	if got := b.email(); got != "ada@example.com" {
		t.Fatalf("signed in after registration as %q", got)
	}
	credID := checkRegisteredRows(t, s, key)

	b.signOut()
	if got := b.email(); got != "" {
		t.Fatalf("still signed in as %q", got)
	}
	status, action, opts := b.options("")
	if status != http.StatusOK || action != "authenticate" {
		t.Fatalf("authenticate options: %d %s", status, action)
	}
	if bytes.Contains(opts, []byte("allowCredentials")) {
		t.Errorf("options list credentials: %s", opts)
	}
	for _, want := range []string{`"userVerification":"required"`, `"rpId":"localhost"`, `"timeout":300000`} {
		if !bytes.Contains(opts, []byte(want)) {
			t.Errorf("authentication options lack %s: %s", want, opts)
		}
	}
	if to := b.callback("authenticate", key.get(t, opts, s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
		t.Fatalf("sign-in went to %s", to)
	}
	if got := b.email(); got != "ada@example.com" {
		t.Fatalf("signed in as %q", got)
	}
	row, _ := s.db.GetAuthenticator(context.Background(), credID)
	if row.Counter != 1 || row.LastUsedAt.IsZero() {
		t.Errorf("after sign-in: counter %d, last used %v", row.Counter, row.LastUsedAt)
	}
}

// checkRegisteredRows checks the user, account and authenticator rows a
// sign-up with key wrote (Auth.js's shapes); it returns the credential id.
func checkRegisteredRows(t *testing.T, s *server, key *softKey) string {
	t.Helper()
	ctx := context.Background()
	u, _ := s.db.GetUserByEmail(ctx, "ada@example.com")
	if u == nil || u.EmailVerified != nil {
		t.Fatalf("user = %+v, want one with an unverified email", u)
	}
	credID := base64.StdEncoding.EncodeToString(key.id)
	acct, _ := s.db.GetAccount(ctx, "passkey", credID)
	if acct == nil || acct.UserID != u.ID || acct.Type != "webauthn" {
		t.Fatalf("account = %+v", acct)
	}
	row, _ := s.db.GetAuthenticator(ctx, credID)
	if row == nil || row.UserID != u.ID || row.ProviderAccountID != credID || row.CredentialDeviceType != "multiDevice" || !row.CredentialBackedUp ||
		row.Transports != "internal,hybrid" || row.AAGUID != "00000000-0000-0000-0000-000000000000" || row.UserHandle != b64.EncodeToString(key.handle) || row.CreatedAt.IsZero() {
		t.Fatalf("authenticator = %+v", row)
	}
	return credID
}

// An email address that has a user is not signed up again: the passkey is
// refused with AccountNotLinked and nothing is stored. The options do not
// tell the address is taken.
func TestRegisterTakenEmail(t *testing.T) {
	s := newServer(t, passkey.Config{}, nil)
	if _, err := s.db.CreateUser(context.Background(), authgo.User{Email: "taken@example.com"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	status, action, opts := b.options("action=register&email=taken@example.com")
	if status != http.StatusOK || action != "register" {
		t.Fatalf("options for a taken address: %d %s (must look like any other)", status, action)
	}
	key := newSoftKey(t)
	if got := errorOf(b.callback("register", key.create(t, opts, s.origin, nil))); got != "AccountNotLinked" {
		t.Fatalf("error = %q, want AccountNotLinked", got)
	}
	s.assertNothingStored(key)
}

// assertNothingStored checks that no row of key was written.
func (s *server) assertNothingStored(key *softKey) {
	s.t.Helper()
	ctx := context.Background()
	id := base64.StdEncoding.EncodeToString(key.id)
	if row, _ := s.db.GetAuthenticator(ctx, id); row != nil {
		s.t.Errorf("authenticator stored: %+v", row)
	}
	if acct, _ := s.db.GetAccount(ctx, "passkey", id); acct != nil {
		s.t.Errorf("account stored: %+v", acct)
	}
}

// A passkey sign-in with user verification is two factors: the session
// token's amr says hwk, user and mfa (RFC 8176).
func TestSessionAMR(t *testing.T) {
	s := newServer(t, passkey.Config{}, func(c *authgo.Config) { c.Session.Strategy = authgo.StrategyJWT })
	b := s.browser()
	b.register(newSoftKey(t), "amr@example.com")
	u, _ := url.Parse(s.origin)
	var raw string
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == "authjs.session-token" {
			raw = c.Value
		}
	}
	codec, err := jwt.NewCodec([]string{secret})
	if err != nil {
		t.Fatal(err)
	}
	claims, err := codec.Decode(raw, "authjs.session-token")
	if err != nil {
		t.Fatalf("decode the session token: %v", err)
	}
	if got := fmt.Sprint(claims["amr"]); got != "[hwk user mfa]" {
		t.Errorf("amr = %s, want [hwk user mfa]", got)
	}
}
