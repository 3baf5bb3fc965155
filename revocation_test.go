package authgo_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
)

// countingRevocations counts reads of the revocation store: epochs and
// watermarks in reads, session ids in sessionReads.
type countingRevocations struct {
	adapter.SessionRevocationStore
	reads, sessionReads atomic.Int32
}

func (c *countingRevocations) TokensRevokedBefore(ctx context.Context, userID string) (time.Time, error) {
	c.reads.Add(1)
	return c.SessionRevocationStore.TokensRevokedBefore(ctx, userID)
}

func (c *countingRevocations) SessionRevoked(ctx context.Context, id string) (bool, error) {
	c.sessionReads.Add(1)
	return c.SessionRevocationStore.SessionRevoked(ctx, id)
}

func TestRevokeJWTSessionsEverywhere(t *testing.T) {
	store := &countingRevocations{SessionRevocationStore: memory.New()}
	now := time.Now()
	f := newFixture(t, func(c *authgo.Config) {
		c.Revocation.Store = store
		c.Now = func() time.Time { return now }
	})
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	// A second device of the same user.
	laptop := *f
	jar, _ := cookiejar.New(nil)
	laptop.client = &http.Client{Jar: jar, CheckRedirect: f.client.CheckRedirect}
	location(t, laptop.signIn("ada@example.com", "correct horse battery"))

	// Nothing revoked: after the first watermark read, reads stay cached.
	f.session()
	before := store.reads.Load()
	for i := 0; i < 20; i++ {
		if f.session() == nil {
			t.Fatal("session lost")
		}
	}
	if got := store.reads.Load() - before; got != 0 {
		t.Fatalf("%d store reads for 20 requests with nothing revoked (cache TTL not passed)", got)
	}
	// TTL passed: one read of each watermark (users revoked, sessions
	// signed out), not one per user, session or request.
	now = now.Add(2 * time.Second)
	for i := 0; i < 5; i++ {
		f.session()
	}
	if got := store.reads.Load() - before; got != 2 {
		t.Fatalf("%d store reads after the TTL, want 2 (the watermarks)", got)
	}
	if got := store.sessionReads.Load(); got != 0 {
		t.Fatalf("%d session id lookups with nothing signed out, want 0", got)
	}

	now = now.Add(time.Second)
	if _, err := f.auth.RevokeUserSessions(context.Background(), "user-1"); err != nil {
		t.Fatal(err)
	}
	if s := f.session(); s != nil {
		t.Fatalf("revoked token accepted on the next request: %v", s)
	}
	if s := laptop.session(); s != nil {
		t.Fatal("revoked token of the other device accepted")
	}
	// Grace (another user) is unaffected; a fresh sign-in works again.
	g := newFixtureSharing(t, f)
	location(t, g.signIn("grace@example.com", "another long secret"))
	if g.session() == nil {
		t.Fatal("another user's session refused")
	}
	now = now.Add(time.Second)
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	if f.session() == nil {
		t.Fatal("sign-in after revocation refused")
	}
}

// newFixtureSharing returns a second browser on f's server.
func newFixtureSharing(t *testing.T, f *fixture) *fixture {
	g := *f
	jar, _ := cookiejar.New(nil)
	g.client = &http.Client{Jar: jar, CheckRedirect: f.client.CheckRedirect}
	return &g
}

func TestDatabaseSessionsListRevokeOneAndAll(t *testing.T) {
	store := memory.New()
	f := newFixture(t, func(c *authgo.Config) {
		c.Adapter = store
		c.Session.CacheTTL = time.Minute
	})
	phone := newFixtureSharing(t, f)
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	location(t, phone.signIn("ada@example.com", "correct horse battery"))
	f.session()
	phone.session() // both cached now

	req, _ := http.NewRequest("GET", f.url("/"), nil)
	req.AddCookie(f.cookie("authjs.session-token"))
	list, err := f.auth.ListUserSessions(req, "user-1")
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v %v", list, err)
	}
	var other string
	current := 0
	for _, s := range list {
		if s.Current {
			current++
		} else {
			other = s.ID
		}
		if s.ID == f.cookie("authjs.session-token").Value || len(s.ID) != 24 {
			t.Fatal("session id reveals the token or has the wrong form")
		}
	}
	if current != 1 {
		t.Fatalf("%d current sessions", current)
	}
	// Revoke the phone's session: gone at once despite the cache.
	if err := f.auth.RevokeSession(context.Background(), "user-1", other); err != nil {
		t.Fatal(err)
	}
	if phone.session() != nil {
		t.Fatal("revoked session still served (from the cache?)")
	}
	if f.session() == nil {
		t.Fatal("the other session was revoked too")
	}
	// Another user's id cannot revoke it.
	if err := f.auth.RevokeSession(context.Background(), "user-2", list[0].ID); err != nil {
		t.Fatal(err)
	}
	if f.session() == nil {
		t.Fatal("revoked through another user's id")
	}
	// Sign out everywhere.
	if n, err := f.auth.RevokeUserSessions(context.Background(), "user-1"); err != nil || n != 1 {
		t.Fatalf("revoke all: %d %v", n, err)
	}
	if f.session() != nil {
		t.Fatal("session survives sign out everywhere")
	}
}

// TestSignOutLookupsAreCached: after someone signs out, a session that
// began before the sign-out looks its id up in the store once per
// CacheTTL, not once per request; a session that began after it looks
// nothing up.
func TestSignOutLookupsAreCached(t *testing.T) {
	store := &countingRevocations{SessionRevocationStore: memory.New()}
	clock := newAtomicClock()
	f := newFixture(t, func(c *authgo.Config) {
		c.Revocation.Store = store
		c.Now = clock.Now
	})
	other := newFixtureSharing(t, f)
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	location(t, other.signIn("grace@example.com", "another long secret"))
	clock.Advance(time.Second)
	location(t, other.do("POST", "/api/auth/signout", url.Values{"csrfToken": {other.csrf()}}, nil))

	for i := 0; i < 20; i++ {
		if f.session() == nil {
			t.Fatal("a session that was not signed out is refused")
		}
	}
	if got := store.sessionReads.Load(); got != 1 {
		t.Fatalf("%d session id lookups for 20 requests within the TTL, want 1", got)
	}
	clock.Advance(2 * time.Second)
	f.session()
	if got := store.sessionReads.Load(); got != 2 {
		t.Fatalf("%d session id lookups after the TTL passed, want 2", got)
	}
	location(t, other.signIn("grace@example.com", "another long secret"))
	before := store.sessionReads.Load()
	clock.Advance(2 * time.Second)
	for i := 0; i < 5; i++ {
		if other.session() == nil {
			t.Fatal("a new session after sign-out refused")
		}
	}
	if got := store.sessionReads.Load() - before; got != 0 {
		t.Fatalf("%d session id lookups for a session begun after the last sign-out, want 0", got)
	}
}

// epochsOnly is a revocation store that keeps user epochs but records no
// sign-outs, as one written before adapter.SessionRevocationStore.
type epochsOnly struct{ adapter.RevocationStore }

// TestRevocationStoreWithoutSignOuts: a store that records no sign-outs
// still serves "sign out everywhere"; New warns that a JWT sign-out only
// clears the cookie, and sign-out does that without an error.
func TestRevocationStoreWithoutSignOuts(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) { c.Revocation.Store = epochsOnly{memory.New()} })
	if !strings.Contains(f.logs.String(), "does not record sign-outs") {
		t.Errorf("no warning at New; log: %s", f.logs.String())
	}
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	captured := f.cookie("authjs.session-token").Value
	location(t, f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, nil))
	if f.cookie("authjs.session-token") != nil {
		t.Error("sign-out did not clear the cookie")
	}
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	if _, err := f.auth.RevokeUserSessions(context.Background(), "user-1"); err != nil {
		t.Fatal(err)
	}
	if rec := replay(t, f.auth.Handler(), "http://127.0.0.1/api/auth/session", captured); strings.TrimSpace(rec.Body.String()) != "null" {
		t.Errorf("a token signed in before RevokeUserSessions accepted: %s", rec.Body)
	}
}
