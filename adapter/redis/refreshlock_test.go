package redis_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/redis"
	"github.com/authgo/authgo/providers"
	"github.com/authgo/authgo/refresh"
)

var _ refresh.Lock = (*redis.RefreshLock)(nil)

// rotatingGrant is a refresh-token grant that rotates strictly, as a
// provider that detects reuse does: "rt-N" is good once and yields "at-N+1"
// and "rt-N+1"; a spent one is refused.
type rotatingGrant struct {
	mu    sync.Mutex
	calls int
	spent map[string]bool
}

func (g *rotatingGrant) refresh(_ context.Context, rt string) (*providers.TokenSet, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls++
	n, err := strconv.Atoi(strings.TrimPrefix(rt, "rt-"))
	if err != nil || g.spent[rt] {
		return nil, errors.New("invalid_grant")
	}
	g.spent[rt] = true
	next := strconv.Itoa(n + 1)
	return &providers.TokenSet{AccessToken: "at-" + next, RefreshToken: "rt-" + next, ExpiresAt: time.Now().Unix() + 3600}, nil
}

// Two instances (two Refreshers, each with its own Redis client) that get
// the same expiring session token at once spend its refresh token once and
// both get the new tokens; what they share through Redis is encrypted.
func TestRefreshAcrossInstances(t *testing.T) {
	rdb, prefix := redisClient(t, "refresh")
	grant := &rotatingGrant{spent: map[string]bool{}}
	var refreshers [2]*refresh.Refresher
	for i := range refreshers {
		r, err := refresh.New(authgo.Config{Secret: []string{"test-secret-0123456789abcdef0123456789abcdef"}}, refresh.Config{
			Refresh: map[string]refresh.Func{"acme": grant.refresh},
			Lock:    redis.NewRefreshLock(redisClientOf(t, rdb), redis.RefreshLockOptions{Prefix: prefix, Poll: 10 * time.Millisecond}),
		})
		if err != nil {
			t.Fatal(err)
		}
		refreshers[i] = r
	}
	tok := &authgo.Token{Subject: "user-1", Extra: map[string]any{
		refresh.ClaimProvider: "acme", refresh.ClaimAccessToken: "at-old",
		refresh.ClaimRefreshToken: "rt-0", refresh.ClaimExpiresAt: float64(time.Now().Add(-time.Minute).Unix()),
	}}
	var wg sync.WaitGroup
	var got sync.Map
	for i := range 50 {
		wg.Go(func() {
			out, err := refreshers[i%2].Token(context.Background(), tok.Clone())
			if err != nil {
				t.Error(err)
				return
			}
			got.Store(out.Extra[refresh.ClaimAccessToken], true)
		})
	}
	wg.Wait()
	if grant.calls != 1 {
		t.Fatalf("%d refresh grants from two instances, want 1", grant.calls)
	}
	got.Range(func(k, _ any) bool {
		if k != "at-1" {
			t.Errorf("an instance got access token %v", k)
		}
		return true
	})
	keys, _ := rdb.Keys(context.Background(), prefix+"result:*").Result()
	if len(keys) != 1 {
		t.Fatalf("result keys %v", keys)
	}
	if v, _ := rdb.Get(context.Background(), keys[0]).Result(); strings.Contains(v, "at-1") || strings.Contains(v, "rt-1") {
		t.Error("a token is stored in Redis in the clear")
	}
}
