package redis_test

import (
	"context"
	"crypto/rand"
	"net"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/internal/testenv"
)

// redisClient connects to the test Redis server and returns a client and a
// key prefix that belongs to this test alone ("authgo-test:<scope>:<random>:");
// every key under the prefix is deleted, and the client closed, when the
// test ends. Without a configured, answering server the test is skipped (or
// failed under CI).
func redisClient(t testing.TB, scope string) (*goredis.Client, string) {
	t.Helper()
	opt, err := goredis.ParseURL(testenv.Redis(t))
	if err != nil {
		t.Fatalf("%s: %v", testenv.RedisEnv, err)
	}
	c := goredis.NewClient(opt)
	if err := c.Ping(context.Background()).Err(); err != nil {
		c.Close()
		testenv.Unavailable(t, "Redis does not answer: "+err.Error(), "start redis-server or run .ci/run")
	}
	prefix := "authgo-test:" + scope + ":" + rand.Text() + ":"
	t.Cleanup(func() {
		defer c.Close()
		ctx := context.Background()
		keys, err := c.Keys(ctx, prefix+"*").Result()
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		if len(keys) > 0 {
			if err := c.Del(ctx, keys...).Err(); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return c, prefix
}

// downClient returns a client of a port where nothing listens, as of a
// Redis server that is down: every call fails after a short dial timeout,
// without retries. It is closed when the test ends.
func downClient(t testing.TB) *goredis.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := goredis.NewClient(&goredis.Options{Addr: addr, DialTimeout: 200 * time.Millisecond, DialerRetries: 1, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	return c
}

// redisClientOf returns another client of c's server, with connections of
// its own, as another instance of the application would have. It is closed
// when the test ends.
func redisClientOf(t testing.TB, c *goredis.Client) *goredis.Client {
	other := goredis.NewClient(c.Options())
	t.Cleanup(func() { other.Close() })
	return other
}
