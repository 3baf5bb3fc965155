package redis_test

import (
	"context"
	"crypto/rand"
	"errors"
	"strings"

	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/adaptertest"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/adapter/redis"
)

// newStore returns a Store over the test Redis server with a key prefix of
// its own, and the client; every key under the prefix is deleted when the
// test ends.
func newStore(t testing.TB) (*redis.Store, *goredis.Client, string) {
	t.Helper()
	c, prefix := redisClient(t, "adapter")
	return redis.New(c, redis.WithPrefix(prefix)), c, prefix
}

func TestSessionStoreConformance(t *testing.T) {
	adaptertest.RunSessionStore(t, func(t *testing.T) adapter.SessionStore { s, _, _ := newStore(t); return s })
}

func TestVerificationTokenStoreConformance(t *testing.T) {
	adaptertest.RunVerificationTokenStore(t, func(t *testing.T) adapter.VerificationTokenStore { s, _, _ := newStore(t); return s })
}

func TestRevocationStoreConformance(t *testing.T) {
	adaptertest.RunRevocationStore(t, func(t *testing.T) adapter.RevocationStore { s, _, _ := newStore(t); return s })
}

// TestCompose uses the store as an application that keeps its users
// elsewhere would, through adapter.Compose with users in memory:
// GetSessionAndUser, listing, the cascade of DeleteUser to the user's
// sessions in Redis, and revocation.
//
// The whole adaptertest.Run suite is not run this way: it expects an
// expired session to be returned, an ExpiredDeleter that deletes expired
// rows and CreateSession to refuse an unknown user, none of which a store
// with its own expiry and no users does (see the subsets above).
func TestCompose(t *testing.T) {
	s, c, prefix := newStore(t)
	ctx := context.Background()
	a := adapter.Compose(memory.New(), s, s)
	for name, ok := range map[string]bool{
		"SessionLister":          is[adapter.SessionLister](a),
		"UserSessionsDeleter":    is[adapter.UserSessionsDeleter](a),
		"RevocationStore":        is[adapter.RevocationStore](a),
		"SessionRevocationStore": is[adapter.SessionRevocationStore](a),
	} {
		if !ok {
			t.Errorf("the composed adapter is not an adapter.%s", name)
		}
	}
	ada, grace := composeUsers(t, a)
	sess, u, err := a.GetSessionAndUser(ctx, "ada-1")
	if err != nil || sess == nil || u == nil || u.ID != ada.ID || sess.UserID != ada.ID {
		t.Fatalf("GetSessionAndUser = %+v, %+v, %v", sess, u, err)
	}
	if sess, u, err := a.GetSessionAndUser(ctx, "forged"); sess != nil || u != nil || err != nil {
		t.Fatalf("GetSessionAndUser(forged) = %+v, %+v, %v", sess, u, err)
	}
	list, err := a.(adapter.SessionLister).ListUserSessions(ctx, ada.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("ListUserSessions = %+v, %v", list, err)
	}
	checkComposedDeleteUser(t, a, s, c, prefix, ada.ID)

	// Revocation goes to Redis.
	when := time.Now().Truncate(time.Millisecond)
	if err := a.(adapter.RevocationStore).RevokeUserTokens(ctx, grace.ID, when); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TokensRevokedBefore(ctx, grace.ID); err != nil || !got.Equal(when) {
		t.Fatalf("TokensRevokedBefore = %v, %v; want %v", got, err, when)
	}
}

// composeUsers creates Ada, with the sessions ada-1 and ada-2, and Grace,
// with grace-1, through the composed adapter a.
func composeUsers(t *testing.T, a adapter.Adapter) (ada, grace *adapter.User) {
	t.Helper()
	ctx := context.Background()
	ada, err := a.CreateUser(ctx, adapter.User{Email: "ada@example.com", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	grace, err = a.CreateUser(ctx, adapter.User{Email: "grace@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(time.Hour)
	for tok, id := range map[string]string{"ada-1": ada.ID, "ada-2": ada.ID, "grace-1": grace.ID} {
		if _, err := a.CreateSession(ctx, adapter.Session{SessionToken: tok, UserID: id, Expires: exp}); err != nil {
			t.Fatal(err)
		}
	}
	return ada, grace
}

// checkComposedDeleteUser deletes Ada: her sessions in Redis and her index
// go, Grace's session stays.
func checkComposedDeleteUser(t *testing.T, a adapter.Adapter, s *redis.Store, c *goredis.Client, prefix, adaID string) {
	t.Helper()
	ctx := context.Background()
	if err := a.DeleteUser(ctx, adaID); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{"ada-1", "ada-2"} {
		if got, err := s.GetSession(ctx, tok); got != nil || err != nil {
			t.Errorf("session %s survived DeleteUser: %+v %v", tok, got, err)
		}
	}
	if n, _ := c.Exists(ctx, prefix+"u:"+adaID).Result(); n != 0 {
		t.Error("Ada's session index survived DeleteUser")
	}
	if sess, u, err := a.GetSessionAndUser(ctx, "grace-1"); err != nil || sess == nil || u == nil {
		t.Fatalf("Grace's session: %+v, %+v, %v", sess, u, err)
	}
}

func is[T any](v any) bool { _, ok := v.(T); return ok }

// TestExpiry checks that what the store writes expires by itself, with the
// session and the token.
func TestExpiry(t *testing.T) {
	s, c, prefix := newStore(t)
	ctx := context.Background()
	in := func(d time.Duration) time.Time { return time.Now().Add(d) }
	pttl := func(key string) time.Duration {
		t.Helper()
		d, err := c.PTTL(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	near := func(what string, got, want time.Duration) {
		t.Helper()
		if got > want || got < want-time.Minute {
			t.Errorf("%s expires in %v, want about %v", what, got, want)
		}
	}

	_, err := s.CreateSession(ctx, adapter.Session{SessionToken: "tok-1", UserID: "u1", Expires: in(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateSession(ctx, adapter.Session{SessionToken: "tok-2", UserID: "u1", Expires: in(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	near("session 1", pttl(prefix+"s:tok-1"), 2*time.Hour)
	near("session 2", pttl(prefix+"s:tok-2"), time.Hour)
	near("the user's index", pttl(prefix+"u:u1"), 2*time.Hour)

	// Extending a session extends its key and, when it is the last to
	// expire, the index; the index score follows, so the session stays
	// listed and is deleted by DeleteUserSessions.
	if _, err := s.UpdateSession(ctx, adapter.Session{SessionToken: "tok-2", Expires: in(30 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	near("extended session", pttl(prefix+"s:tok-2"), 30*24*time.Hour)
	near("index after the extension", pttl(prefix+"u:u1"), 30*24*time.Hour)
	score, err := c.ZScore(ctx, prefix+"u:u1", "tok-2").Result()
	if err != nil || time.Until(time.UnixMilli(int64(score))) < 29*24*time.Hour {
		t.Fatalf("index score of the extended session: %v %v", score, err)
	}

	// A session already expired is not stored, nor indexed.
	if _, err := s.CreateSession(ctx, adapter.Session{SessionToken: "tok-old", UserID: "u1", Expires: in(-time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Exists(ctx, prefix+"s:tok-old").Result(); n != 0 {
		t.Error("an expired session was stored")
	}
	if members, _ := c.ZRange(ctx, prefix+"u:u1", 0, -1).Result(); len(members) != 2 {
		t.Errorf("index members %q, want tok-1 and tok-2", members)
	}

	// A session that vanished behind the store's back (evicted under memory
	// pressure, say) leaves the index on the next listing.
	c.Del(ctx, prefix+"s:tok-1")
	list, err := s.ListUserSessions(ctx, "u1")
	if err != nil || len(list) != 1 || list[0].SessionToken != "tok-2" {
		t.Fatalf("ListUserSessions = %+v, %v", list, err)
	}
	if members, _ := c.ZRange(ctx, prefix+"u:u1", 0, -1).Result(); len(members) != 1 {
		t.Errorf("index members %q after listing, want tok-2 only", members)
	}
	// Deleting the last session deletes the index.
	if got, err := s.DeleteSession(ctx, "tok-2"); err != nil || got == nil || got.UserID != "u1" {
		t.Fatalf("DeleteSession = %+v, %v", got, err)
	}
	if n, _ := c.Exists(ctx, prefix+"u:u1").Result(); n != 0 {
		t.Error("the index outlived the user's last session")
	}

	// Verification tokens expire with themselves; a past expiry stores
	// nothing.
	if err := s.CreateVerificationToken(ctx, adapter.VerificationToken{Identifier: "a@example.com", Token: "h1", Expires: in(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	keys, _ := c.Keys(ctx, prefix+"v:*").Result()
	if len(keys) != 1 {
		t.Fatalf("token keys %q", keys)
	}
	near("verification token", pttl(keys[0]), 24*time.Hour)
	if err := s.CreateVerificationToken(ctx, adapter.VerificationToken{Identifier: "a@example.com", Token: "h2", Expires: in(-time.Second)}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.UseVerificationToken(ctx, "a@example.com", "h2"); got != nil || err != nil {
		t.Errorf("an expired token was used: %+v %v", got, err)
	}
}

// TestTokenKeysDoNotCollide: (identifier, token) pairs that concatenate to
// the same string are different tokens.
func TestTokenKeysDoNotCollide(t *testing.T) {
	s, _, _ := newStore(t)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	if err := s.CreateVerificationToken(ctx, adapter.VerificationToken{Identifier: "ab", Token: "c", Expires: exp}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateVerificationToken(ctx, adapter.VerificationToken{Identifier: "a", Token: "bc", Expires: exp}); err != nil {
		t.Fatalf("a different pair was taken for a duplicate: %v", err)
	}
	if got, _ := s.UseVerificationToken(ctx, "a", "bc"); got == nil || got.Identifier != "a" {
		t.Fatalf("UseVerificationToken(a, bc) = %+v", got)
	}
	if got, _ := s.UseVerificationToken(ctx, "ab", "c"); got == nil || got.Identifier != "ab" {
		t.Fatalf("UseVerificationToken(ab, c) = %+v", got)
	}
}

// TestRedisDown: every method fails with an *adapter.Error wrapping
// adapter.ErrUnavailable, naming the method and not the token.
func TestRedisDown(t *testing.T) {
	s := redis.New(downClient(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const secret = "secret-session-token"
	exp := time.Now().Add(time.Hour)
	calls := map[string]func() error{
		"CreateSession": func() error {
			_, err := s.CreateSession(ctx, adapter.Session{SessionToken: secret, UserID: "u", Expires: exp})
			return err
		},
		"GetSession": func() error { _, err := s.GetSession(ctx, secret); return err },
		"UpdateSession": func() error {
			_, err := s.UpdateSession(ctx, adapter.Session{SessionToken: secret, Expires: exp})
			return err
		},
		"DeleteSession": func() error { _, err := s.DeleteSession(ctx, secret); return err },
		"ListUserSessions": func() error {
			_, err := s.ListUserSessions(ctx, "u")
			return err
		},
		"DeleteUserSessions": func() error { _, err := s.DeleteUserSessions(ctx, "u"); return err },
		"CreateVerificationToken": func() error {
			return s.CreateVerificationToken(ctx, adapter.VerificationToken{Identifier: "a@example.com", Token: secret, Expires: exp})
		},
		"UseVerificationToken": func() error { _, err := s.UseVerificationToken(ctx, "a@example.com", secret); return err },
		"RevokeUserTokens":     func() error { return s.RevokeUserTokens(ctx, "u", time.Now()) },
		"TokensRevokedBefore":  func() error { _, err := s.TokensRevokedBefore(ctx, "u"); return err },
		"RevokeSession":        func() error { return s.RevokeSession(ctx, secret, exp) },
		"SessionRevoked":       func() error { _, err := s.SessionRevoked(ctx, secret); return err },
	}
	for method, call := range calls {
		err := call()
		var ae *adapter.Error
		if !errors.As(err, &ae) || ae.Method != method || !errors.Is(err, adapter.ErrUnavailable) {
			t.Errorf("%s with Redis down: %v, want an *adapter.Error{%s} wrapping ErrUnavailable", method, err, method)
			continue
		}
		if errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: the context ran out instead of the dial failing: %v", method, err)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error repeats the token: %v", method, err)
		}
	}
}

func BenchmarkGetSession(b *testing.B) {
	s, _, _ := newStore(b)
	ctx := context.Background()
	tokens := make([]string, 64)
	for i := range tokens {
		tokens[i] = rand.Text()
		_, err := s.CreateSession(ctx, adapter.Session{SessionToken: tokens[i], UserID: "bench-user", Expires: time.Now().Add(time.Hour), UserAgent: "Mozilla/5.0", IP: "192.0.2.1"})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			got, err := s.GetSession(ctx, tokens[i%len(tokens)])
			if err != nil || got == nil {
				b.Fatal(got, err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				got, err := s.GetSession(ctx, tokens[i%len(tokens)])
				if err != nil || got == nil {
					b.Error(got, err)
					return
				}
				i++
			}
		})
	})
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if got, err := s.GetSession(ctx, "forged-token"); err != nil || got != nil {
				b.Fatal(got, err)
			}
		}
	})
}
