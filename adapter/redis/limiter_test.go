package redis_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/adapter/redis"
	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/ratelimit"
)

// signIn is the identifier limit the sign-in flow uses by default.
var signIn = ratelimit.Limit{Events: 5, Per: 15 * time.Minute}

// newLimiter returns a Limiter over c with the key prefix, on clk when it
// is not nil.
func newLimiter(c goredis.UniversalClient, prefix string, clk *limittest.Clock) *redis.Limiter {
	o := redis.LimiterOptions{Prefix: prefix}
	if clk != nil {
		o.Now = clk.Now
	}
	return redis.NewLimiter(c, o)
}

func TestLimiterExact(t *testing.T) {
	c, prefix := redisClient(t, "limiter")
	clk := limittest.NewClock()
	limittest.Exact(t, newLimiter(c, prefix, clk), clk)
}

func TestLimiterServerTime(t *testing.T) {
	c, prefix := redisClient(t, "limiter")
	lim := newLimiter(c, prefix, nil)
	ctx := context.Background()
	const key = "signin:email:carol@example.com"
	for i := range 5 {
		if r, err := lim.Hit(ctx, key, signIn); err != nil || !r.Allowed || r.Remaining != 4-i {
			t.Fatalf("hit %d: %+v %v", i+1, r, err)
		}
	}
	r, err := lim.Hit(ctx, key, signIn)
	if err != nil || r.Allowed || r.RetryAfter <= 2*time.Minute || r.RetryAfter > 3*time.Minute {
		t.Fatalf("6th hit: %+v %v", r, err)
	}
	// One key, named by a hash: the e-mail address is not readable in
	// Redis, and the key expires when it comes to rest.
	keys, err := c.Keys(ctx, prefix+"*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys under the prefix: %q %v", keys, err)
	}
	if strings.Contains(keys[0], "carol") || len(keys[0]) != len(prefix)+32 {
		t.Fatalf("stored key %q reveals or does not hash the caller's key", keys[0])
	}
	ttl, err := c.PTTL(ctx, keys[0]).Result()
	if err != nil || ttl <= 14*time.Minute || ttl > 15*time.Minute {
		t.Fatalf("PTTL = %v %v, want just under 15m", ttl, err)
	}
	if err := lim.Reset(ctx, key); err != nil {
		t.Fatal(err)
	}
	if n, err := c.Exists(ctx, keys[0]).Result(); err != nil || n != 0 {
		t.Fatalf("key still exists after Reset: %d %v", n, err)
	}
	// Check stores nothing.
	if _, err := lim.Check(ctx, "never-hit", signIn); err != nil {
		t.Fatal(err)
	}
	if keys, _ := c.Keys(ctx, prefix+"*").Result(); len(keys) != 0 {
		t.Fatalf("Check stored %q", keys)
	}
}

func TestLimiterConcurrentHits(t *testing.T) {
	c, prefix := redisClient(t, "limiter")
	limittest.ConcurrentHits(t, []ratelimit.Limiter{newLimiter(c, prefix, nil)})
}

// TestLimiterInstancesShareBudget stands for two application instances: two
// clients with their own connections, two limiters, one prefix.
func TestLimiterInstancesShareBudget(t *testing.T) {
	c1, prefix := redisClient(t, "limiter")
	c2 := redisClientOf(t, c1)
	a := newLimiter(c1, prefix, nil)
	b := newLimiter(c2, prefix, nil)
	limittest.ConcurrentHits(t, []ratelimit.Limiter{a, b})

	ctx := context.Background()
	for i, lim := range []ratelimit.Limiter{a, b, a, b, a} {
		if r, err := lim.Hit(ctx, "ip", signIn); err != nil || !r.Allowed {
			t.Fatalf("hit %d: %+v %v", i+1, r, err)
		}
	}
	if r, err := b.Check(ctx, "ip", signIn); err != nil || r.Allowed {
		t.Fatalf("b sees %+v %v after five hits shared with a", r, err)
	}
	if err := a.Reset(ctx, "ip"); err != nil {
		t.Fatal(err)
	}
	if r, err := b.Check(ctx, "ip", signIn); err != nil || r.Remaining != 5 {
		t.Fatalf("b sees %+v %v after a's Reset", r, err)
	}
	// Another prefix is another budget.
	other := newLimiter(c2, prefix+"other:", nil)
	for range 5 {
		a.Hit(ctx, "ip", signIn)
	}
	if r, err := other.Check(ctx, "ip", signIn); err != nil || r.Remaining != 5 {
		t.Fatalf("another prefix sees %+v %v", r, err)
	}
}

func TestLimiterDown(t *testing.T) {
	lim := redis.NewLimiter(downClient(t), redis.LimiterOptions{})
	// The deadline is far beyond the dial timeout: the error must be the
	// refused connection, not the context running out.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const key = "signin:email:dave@example.com"
	calls := map[string]func() error{
		"Check": func() error { _, err := lim.Check(ctx, key, signIn); return err },
		"Hit":   func() error { _, err := lim.Hit(ctx, key, signIn); return err },
		"Reset": func() error { return lim.Reset(ctx, key) },
	}
	for name, call := range calls {
		err := call()
		var opErr *net.OpError
		if err == nil || !errors.As(err, &opErr) || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s with Redis down: error %v, want a connection error", name, err)
		}
		if strings.Contains(err.Error(), "dave") {
			t.Fatalf("%s error names the key: %v", name, err)
		}
		if !strings.HasPrefix(err.Error(), "adapter/redis: limiter ") {
			t.Fatalf("%s error %q does not say where it comes from", name, err)
		}
	}
	_, err := lim.Hit(ctx, key, signIn)
	if r := ratelimit.FailClosed.Decide(ratelimit.Result{}, err); r.Allowed {
		t.Fatalf("fail-closed allowed a request with Redis down")
	}
	if r := ratelimit.FailOpen.Decide(ratelimit.Result{}, err); !r.Allowed {
		t.Fatalf("fail-open refused a request with Redis down")
	}
}

func BenchmarkLimiterHit(b *testing.B) {
	c, prefix := redisClient(b, "limiter")
	lim := newLimiter(c, prefix, nil)
	ctx := context.Background()
	l := ratelimit.Limit{Events: 1 << 30, Per: time.Hour}
	keys := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	b.ReportAllocs()
	b.Run("serial", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := lim.Hit(ctx, keys[i%len(keys)], l); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		var mu sync.Mutex
		n := 0
		b.RunParallel(func(pb *testing.PB) {
			mu.Lock()
			key := keys[n%len(keys)]
			n++
			mu.Unlock()
			for pb.Next() {
				if _, err := lim.Hit(ctx, key, l); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func BenchmarkLimiterCheck(b *testing.B) {
	c, prefix := redisClient(b, "limiter")
	lim := newLimiter(c, prefix, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lim.Check(ctx, "signin:email:alice@example.com", signIn); err != nil {
			b.Fatal(err)
		}
	}
}

func TestLimiterReserve(t *testing.T) {
	c, prefix := redisClient(t, "limiter")
	clk := limittest.NewClock()
	limittest.Reserve(t, newLimiter(c, prefix, clk), clk)
}

// Instances of an application share the budgets: two Redis limiters over
// one server and prefix, racing.
func TestLimiterConcurrentReserve(t *testing.T) {
	c, prefix := redisClient(t, "limiter")
	limittest.ConcurrentReserve(t, []ratelimit.Limiter{newLimiter(c, prefix, nil), newLimiter(c, prefix, nil)})
}
