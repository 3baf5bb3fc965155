package passkey_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/passkey"
)

// TestAttackStolenSessionAddsPasskey: whoever holds a copy of a session
// cookie must not add a passkey of their own to the account (it would
// let them in for good) nor delete the owner's. Both need a sign-in within
// account.DefaultReauthMaxAge; after it the options and the deletion are
// refused with 403 ReauthRequired, and a fresh sign-in is let through.
// Before the check, both went through on a day-old session.
func TestAttackStolenSessionAddsPasskey(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC).UnixNano())
	var s *server
	s = newServer(t, passkey.Config{}, func(c *authgo.Config) {
		withPassword(&s)(c)
		c.Now = func() time.Time { return time.Unix(0, now.Load()) }
	})
	if _, err := s.db.CreateUser(context.Background(), authgo.User{Email: "ada@example.com", Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.passwordSignIn()
	owner := newSoftKey(t)
	_, _, opts := b.options("action=register")
	if to := b.callback("register", owner.create(t, opts, s.origin, nil)); to == "" {
		t.Fatal("the owner could not add a passkey right after signing in")
	}
	id := base64.StdEncoding.EncodeToString(owner.id)

	// A day later the cookie is still a live session, but not a fresh one.
	now.Add(int64(24 * time.Hour))
	if b.email() != "ada@example.com" {
		t.Fatal("the day-old session no longer reads")
	}
	if status, body, _ := b.options("action=register"); status != http.StatusForbidden || !strings.Contains(body, "ReauthRequired") {
		t.Fatalf("register options on a day-old session: %d %s, want 403 ReauthRequired", status, body)
	}
	if status, v := b.post(url.Values{"action": {"delete"}, "id": {id}, "confirm": {"true"}}); status != http.StatusForbidden || v["error"] != "ReauthRequired" {
		t.Fatalf("delete on a day-old session: %d %v, want 403 ReauthRequired", status, v)
	}
	if status, v := b.post(url.Values{"action": {"rename"}, "id": {id}, "name": {"Laptop"}}); status != http.StatusOK {
		t.Fatalf("rename on a day-old session: %d %v (a name changes no way in)", status, v)
	}
	if _, list := b.list(); len(list) != 1 {
		t.Fatalf("passkeys after the refused changes: %+v", list)
	}

	// Just inside the window after signing in again, both work.
	b.passwordSignIn()
	now.Add(int64(account.DefaultReauthMaxAge - time.Second))
	second := newSoftKey(t)
	status, _, opts := b.options("action=register")
	if status != http.StatusOK {
		t.Fatalf("register options after signing in again: %d %s", status, opts)
	}
	if to := b.callback("register", second.create(t, opts, s.origin, nil)); to == "" {
		t.Fatal("adding a passkey after signing in again failed")
	}
	if status, v := b.post(url.Values{"action": {"delete"}, "id": {id}}); status != http.StatusOK {
		t.Fatalf("delete after signing in again: %d %v", status, v)
	}
}
