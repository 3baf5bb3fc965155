package ratelimit

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/internal/testenv"
)

// newRedisClient connects to the test Redis server and returns a client
// and a key prefix that belongs to this test alone; every key under the
// prefix is deleted when the test ends.
func newRedisClient(t testing.TB) (*redis.Client, string) {
	t.Helper()
	return testenv.RedisClient(t, "ratelimit")
}

func TestRedisExact(t *testing.T) {
	c, prefix := newRedisClient(t)
	clk := newTestClock()
	testExactBehaviour(t, NewRedis(c, WithPrefix(prefix), WithClock(clk.Now)), clk)
}

func TestRedisServerTime(t *testing.T) {
	c, prefix := newRedisClient(t)
	lim := NewRedis(c, WithPrefix(prefix))
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

func TestRedisConcurrentHits(t *testing.T) {
	c, prefix := newRedisClient(t)
	testConcurrentHits(t, []Limiter{NewRedis(c, WithPrefix(prefix))})
}

// TestRedisInstancesShareBudget stands for two application instances: two
// clients with their own connections, two limiters, one prefix.
func TestRedisInstancesShareBudget(t *testing.T) {
	c1, prefix := newRedisClient(t)
	c2 := redis.NewClient(c1.Options())
	defer c2.Close()
	a := NewRedis(c1, WithPrefix(prefix))
	b := NewRedis(c2, WithPrefix(prefix))
	testConcurrentHits(t, []Limiter{a, b})

	ctx := context.Background()
	for i, lim := range []Limiter{a, b, a, b, a} {
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
	other := NewRedis(c2, WithPrefix(prefix+"other:"))
	for range 5 {
		a.Hit(ctx, "ip", signIn)
	}
	if r, err := other.Check(ctx, "ip", signIn); err != nil || r.Remaining != 5 {
		t.Fatalf("another prefix sees %+v %v", r, err)
	}
}

func TestRedisDown(t *testing.T) {
	// A port where nothing listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := redis.NewClient(&redis.Options{
		Addr:          addr,
		DialTimeout:   200 * time.Millisecond,
		DialerRetries: 1,
		MaxRetries:    -1,
	})
	defer c.Close()
	lim := NewRedis(c)
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
		if !strings.HasPrefix(err.Error(), "ratelimit: redis ") {
			t.Fatalf("%s error %q does not say where it comes from", name, err)
		}
	}
	_, err = lim.Hit(ctx, key, signIn)
	if r := FailClosed.Decide(Result{}, err); r.Allowed {
		t.Fatalf("fail-closed allowed a request with Redis down")
	}
	if r := FailOpen.Decide(Result{}, err); !r.Allowed {
		t.Fatalf("fail-open refused a request with Redis down")
	}
}

func BenchmarkRedisHit(b *testing.B) {
	c, prefix := newRedisClient(b)
	lim := NewRedis(c, WithPrefix(prefix))
	ctx := context.Background()
	l := Limit{Events: 1 << 30, Per: time.Hour}
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

func BenchmarkRedisCheck(b *testing.B) {
	c, prefix := newRedisClient(b)
	lim := NewRedis(c, WithPrefix(prefix))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lim.Check(ctx, "signin:email:alice@example.com", signIn); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRedisReserve(t *testing.T) {
	c, prefix := newRedisClient(t)
	clk := newTestClock()
	testReserve(t, NewRedis(c, WithPrefix(prefix), WithClock(clk.Now)), clk)
}

// Instances of an application share the budgets: two Redis limiters over
// one server and prefix, racing.
func TestRedisConcurrentReserve(t *testing.T) {
	c, prefix := newRedisClient(t)
	testConcurrentReserve(t, []Limiter{NewRedis(c, WithPrefix(prefix)), NewRedis(c, WithPrefix(prefix))})
}
