package ratelimit_test

import (
	"errors"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/ratelimit"
)

// The checks every backend passes, run here with Memory; the Redis
// backend runs them in the module github.com/authgo/authgo/adapter/redis.

func TestMemoryExact(t *testing.T) {
	clk := limittest.NewClock()
	limittest.Exact(t, ratelimit.NewMemory(ratelimit.WithClock(clk.Now)), clk)
}

func TestMemoryConcurrentHits(t *testing.T) {
	limittest.ConcurrentHits(t, []ratelimit.Limiter{ratelimit.NewMemory()})
}

func TestMemoryReserve(t *testing.T) {
	clk := limittest.NewClock()
	limittest.Reserve(t, ratelimit.NewMemory(ratelimit.WithClock(clk.Now)), clk)
}

func TestMemoryConcurrentReserve(t *testing.T) {
	limittest.ConcurrentReserve(t, []ratelimit.Limiter{ratelimit.NewMemory()})
}

func TestFailurePolicy(t *testing.T) {
	ok := ratelimit.Result{Allowed: true, Remaining: 3}
	limited := ratelimit.Result{Allowed: false, RetryAfter: time.Minute}
	down := errors.New("dial tcp 127.0.0.1:1: connection refused")
	for _, tc := range []struct {
		p    ratelimit.FailurePolicy
		res  ratelimit.Result
		err  error
		want ratelimit.Result
	}{
		{ratelimit.FailClosed, ok, nil, ok},
		{ratelimit.FailClosed, limited, nil, limited},
		{ratelimit.FailOpen, limited, nil, limited},
		{ratelimit.FailClosed, ratelimit.Result{}, down, ratelimit.Result{Allowed: false, RetryAfter: ratelimit.UnavailableRetryAfter}},
		{ratelimit.FailOpen, ratelimit.Result{}, down, ratelimit.Result{Allowed: true}},
	} {
		if got := tc.p.Decide(tc.res, tc.err); got != tc.want {
			t.Errorf("%v.Decide(%+v, %v) = %+v, want %+v", tc.p, tc.res, tc.err, got, tc.want)
		}
	}
	var zero ratelimit.FailurePolicy
	if zero != ratelimit.FailClosed || zero.String() != "fail-closed" || ratelimit.FailOpen.String() != "fail-open" {
		t.Fatalf("zero policy is %v, want fail-closed", zero)
	}
}
