package redis_test

import (
	"testing"

	"github.com/authgo/authgo/adapter/redis"
	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/ratelimit"
)

// The sign-in attacks on rate limiting that every backend must stop (the
// root module runs them with the memory limiter), here through Auths whose
// limiter is a Limiter on the real Redis server.

// redisLimiter returns a Limiter on the test Redis server, with a key
// prefix of its own.
func redisLimiter(t *testing.T) ratelimit.Limiter {
	c, prefix := redisClient(t, "attack-ratelimit")
	return newLimiter(c, prefix, nil)
}

func TestAttackRaceLimits(t *testing.T) { limittest.RaceLimits(t, redisLimiter) }

func TestAttackLockoutOfOwner(t *testing.T) { limittest.LockoutOfOwner(t, redisLimiter) }

func TestRateLimitSuccessesAreRefunded(t *testing.T) {
	limittest.SuccessesAreRefunded(t, redisLimiter)
}

// Two instances behind one Redis limiter share one budget, and a Redis that
// is down refuses sign-ins (fail-closed, logged) unless FailOpen is chosen.
func TestRateLimitSharedThroughRedis(t *testing.T) {
	limittest.SharedBudget(t, redisLimiter(t))
	limittest.BackendDown(t, func(t *testing.T) ratelimit.Limiter {
		return redis.NewLimiter(downClient(t), redis.LimiterOptions{})
	})
}
