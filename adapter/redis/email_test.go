package redis_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/adapter/redis"
	"github.com/authgo/authgo/internal/emailtest"
)

// A sign-in mail the mail server does not take leaves no verification
// token key in Redis (counted with SCAN over the token keys of the address,
// not through the Store), and a retry works; users live in memory beside
// it, as with adapter.Compose in production.
func TestEmailSendFailureLeavesNothing(t *testing.T) {
	c, prefix := redisClient(t, "email-send")
	s := redis.New(c, redis.WithPrefix(prefix))
	emailtest.SendFailureLeavesNothing(t, emailtest.Store{
		Adapter: adapter.Compose(memory.New(), s, s),
		Tokens: func(t *testing.T, identifier string) int {
			t.Helper()
			// <prefix>v:<len(identifier)>:<identifier><token>, as documented
			// in the package.
			n := 0
			iter := c.Scan(context.Background(), 0, prefix+"v:"+strconv.Itoa(len(identifier))+":"+identifier+"*", 1000).Iterator()
			for iter.Next(context.Background()) {
				n++
			}
			if err := iter.Err(); err != nil {
				t.Fatal(err)
			}
			return n
		},
	})
}
