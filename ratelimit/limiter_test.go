package ratelimit

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// testClock is a clock that moves only when told to.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// signIn is the identifier limit the sign-in flow uses by default.
var signIn = Limit{Events: 5, Per: 15 * time.Minute}

func want(t *testing.T, step string, got Result, err error, w Result) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: error %v", step, err)
	}
	if got != w {
		t.Fatalf("%s: got %+v, want %+v", step, got, w)
	}
}

// testExactBehaviour drives lim with a clock it controls through clk and
// checks every field of every answer. Both backends must give exactly these.
func testExactBehaviour(t *testing.T, lim Limiter, clk *testClock) {
	ctx := context.Background()
	const key = "signin:email:alice@example.com"
	m := time.Minute

	r, err := lim.Check(ctx, key, signIn)
	want(t, "fresh check", r, err, Result{Allowed: true, Remaining: 5})

	for i := 1; i <= 5; i++ {
		r, err = lim.Hit(ctx, key, signIn)
		want(t, "failure", r, err, Result{Allowed: true, Remaining: 5 - i, ResetAfter: time.Duration(3*i) * m})
	}
	r, err = lim.Check(ctx, key, signIn)
	want(t, "check after 5 failures", r, err, Result{Allowed: false, RetryAfter: 3 * m, ResetAfter: 15 * m})
	r, err = lim.Hit(ctx, key, signIn)
	want(t, "6th failure", r, err, Result{Allowed: false, RetryAfter: 3 * m, ResetAfter: 15 * m})
	// A refused Hit counts nothing: hammering does not extend the lockout.
	for range 10 {
		r, err = lim.Hit(ctx, key, signIn)
	}
	want(t, "refused hits", r, err, Result{Allowed: false, RetryAfter: 3 * m, ResetAfter: 15 * m})

	clk.Advance(3*m - time.Second)
	r, err = lim.Check(ctx, key, signIn)
	want(t, "one second early", r, err, Result{Allowed: false, RetryAfter: time.Second, ResetAfter: 12*m + time.Second})

	clk.Advance(time.Second)
	r, err = lim.Check(ctx, key, signIn)
	want(t, "recovered one", r, err, Result{Allowed: true, Remaining: 1, ResetAfter: 12 * m})
	r, err = lim.Hit(ctx, key, signIn)
	want(t, "used it", r, err, Result{Allowed: true, Remaining: 0, ResetAfter: 15 * m})
	r, err = lim.Hit(ctx, key, signIn)
	want(t, "refused again", r, err, Result{Allowed: false, RetryAfter: 3 * m, ResetAfter: 15 * m})

	// Another key has its own budget.
	r, err = lim.Check(ctx, "signin:email:bob@example.com", signIn)
	want(t, "other key", r, err, Result{Allowed: true, Remaining: 5})

	clk.Advance(15 * m)
	r, err = lim.Check(ctx, key, signIn)
	want(t, "full recovery", r, err, Result{Allowed: true, Remaining: 5})

	for range 5 {
		if _, err := lim.Hit(ctx, key, signIn); err != nil {
			t.Fatal(err)
		}
	}
	if err := lim.Reset(ctx, key); err != nil {
		t.Fatal(err)
	}
	r, err = lim.Check(ctx, key, signIn)
	want(t, "after reset", r, err, Result{Allowed: true, Remaining: 5})
	r, err = lim.Hit(ctx, key, signIn)
	want(t, "hit after reset", r, err, Result{Allowed: true, Remaining: 4, ResetAfter: 3 * m})

	// A limit whose Per is not a multiple of Events: 7 per 10 s.
	odd := Limit{Events: 7, Per: 10 * time.Second}
	allowed := 0
	for range 20 {
		r, err := lim.Hit(ctx, "odd", odd)
		if err != nil {
			t.Fatal(err)
		}
		if r.Allowed {
			allowed++
		}
	}
	if allowed != 7 {
		t.Fatalf("7 per 10s allowed %d of a burst of 20", allowed)
	}

	for _, bad := range []Limit{{}, {Events: 0, Per: time.Minute}, {Events: 5, Per: 0}, {Events: -1, Per: time.Minute}, {Events: 1000, Per: time.Microsecond}} {
		if _, err := lim.Hit(ctx, key, bad); !errors.Is(err, ErrInvalidLimit) {
			t.Errorf("Hit with %+v: error %v, want ErrInvalidLimit", bad, err)
		}
		if _, err := lim.Check(ctx, key, bad); !errors.Is(err, ErrInvalidLimit) {
			t.Errorf("Check with %+v: error %v, want ErrInvalidLimit", bad, err)
		}
	}
}

// testConcurrentHits has many goroutines hit one key at once: exactly
// l.Events must be allowed.
func testConcurrentHits(t *testing.T, lims []Limiter) {
	ctx := context.Background()
	l := Limit{Events: 37, Per: 24 * time.Hour}
	const goroutines, each = 40, 5
	var allowed, refused, failed int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			lim := lims[g%len(lims)]
			for range each {
				r, err := lim.Hit(ctx, "shared", l)
				mu.Lock()
				switch {
				case err != nil:
					failed++
				case r.Allowed:
					allowed++
				default:
					refused++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failed != 0 || allowed != l.Events || refused != goroutines*each-l.Events {
		t.Fatalf("allowed %d, refused %d, failed %d; want %d allowed of %d", allowed, refused, failed, l.Events, goroutines*each)
	}
}

func TestFailurePolicy(t *testing.T) {
	ok := Result{Allowed: true, Remaining: 3}
	limited := Result{Allowed: false, RetryAfter: time.Minute}
	down := errors.New("dial tcp 127.0.0.1:1: connection refused")
	for _, tc := range []struct {
		p    FailurePolicy
		res  Result
		err  error
		want Result
	}{
		{FailClosed, ok, nil, ok},
		{FailClosed, limited, nil, limited},
		{FailOpen, limited, nil, limited},
		{FailClosed, Result{}, down, Result{Allowed: false, RetryAfter: UnavailableRetryAfter}},
		{FailOpen, Result{}, down, Result{Allowed: true}},
	} {
		if got := tc.p.Decide(tc.res, tc.err); got != tc.want {
			t.Errorf("%v.Decide(%+v, %v) = %+v, want %+v", tc.p, tc.res, tc.err, got, tc.want)
		}
	}
	var zero FailurePolicy
	if zero != FailClosed || zero.String() != "fail-closed" || FailOpen.String() != "fail-open" {
		t.Fatalf("zero policy is %v, want fail-closed", zero)
	}
}
