package testenv

import (
	"context"
	"crypto/rand"
	"testing"

	goredis "github.com/redis/go-redis/v9"
)

// RedisClient connects to the test Redis server and returns a client and a
// key prefix that belongs to this test alone ("authgo-test:<scope>:<random>:");
// every key under the prefix is deleted, and the client closed, when the
// test ends. Without a configured, answering server the test is skipped (or
// failed under CI).
func RedisClient(t testing.TB, scope string) (*goredis.Client, string) {
	t.Helper()
	opt, err := goredis.ParseURL(Redis(t))
	if err != nil {
		t.Fatalf("%s: %v", RedisEnv, err)
	}
	c := goredis.NewClient(opt)
	if err := c.Ping(context.Background()).Err(); err != nil {
		c.Close()
		unavailable(t, RedisEnv, "Redis does not answer: "+err.Error(), "start redis-server or run .ci/run")
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
