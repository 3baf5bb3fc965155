package ratelimit

import (
	"context"
	"errors"
	"strconv"
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

// testReserve checks Reserve and Refund exactly; both backends must give
// these answers.
func testReserve(t *testing.T, lim Limiter, clk *testClock) {
	ctx := context.Background()
	m := time.Minute
	a := Key{Name: "signin:ip:192.0.2.1", Limit: signIn}                            // 5 per 15m
	b := Key{Name: "signin:id:ada", Limit: Limit{Events: 2, Per: 15 * time.Minute}} // 2 per 15m

	r, err := lim.Reserve(ctx, a, b)
	want(t, "first reserve", r, err, Result{Allowed: true, Remaining: 1, ResetAfter: 7*m + 30*time.Second})
	r, err = lim.Reserve(ctx, a, b)
	want(t, "second reserve", r, err, Result{Allowed: true, Remaining: 0, ResetAfter: 15 * m})
	r, err = lim.Reserve(ctx, a, b)
	want(t, "refused by b", r, err, Result{Allowed: false, RetryAfter: 7*m + 30*time.Second, ResetAfter: 15 * m, LimitedBy: b.Name})
	// All or nothing: the refusal counted nothing under a.
	r, err = lim.Check(ctx, a.Name, a.Limit)
	want(t, "a after the refusal", r, err, Result{Allowed: true, Remaining: 3, ResetAfter: 6 * m})

	// A refund takes one event back under every key.
	if err := lim.Refund(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	r, err = lim.Check(ctx, b.Name, b.Limit)
	want(t, "b after a refund", r, err, Result{Allowed: true, Remaining: 1, ResetAfter: 7*m + 30*time.Second})
	r, err = lim.Reserve(ctx, a, b)
	want(t, "reserve after a refund", r, err, Result{Allowed: true, Remaining: 0, ResetAfter: 15 * m})

	// Refunds never go below rest, and a key with nothing counted stays so.
	for range 5 {
		if err := lim.Refund(ctx, a, b, Key{Name: "never", Limit: signIn}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []Key{a, b, {Name: "never", Limit: signIn}} {
		r, err = lim.Check(ctx, k.Name, k.Limit)
		want(t, "after refunds: "+k.Name, r, err, Result{Allowed: true, Remaining: k.Limit.Events})
	}

	// The longest wait of several refusing keys is given.
	c := Key{Name: "c", Limit: Limit{Events: 1, Per: time.Hour}}
	d := Key{Name: "d", Limit: Limit{Events: 1, Per: 2 * time.Hour}}
	if r, err := lim.Reserve(ctx, c, d); err != nil || !r.Allowed {
		t.Fatalf("c, d: %+v %v", r, err)
	}
	clk.Advance(m)
	r, err = lim.Reserve(ctx, c, d)
	want(t, "both refuse", r, err, Result{Allowed: false, RetryAfter: 2*time.Hour - m, ResetAfter: 2*time.Hour - m, LimitedBy: d.Name})

	// A name given twice is counted twice.
	e := Key{Name: "e", Limit: Limit{Events: 2, Per: time.Hour}}
	r, err = lim.Reserve(ctx, e, e)
	want(t, "e twice", r, err, Result{Allowed: true, Remaining: 0, ResetAfter: time.Hour})
	r, err = lim.Reserve(ctx, e)
	want(t, "e once more", r, err, Result{Allowed: false, RetryAfter: 30 * m, ResetAfter: time.Hour, LimitedBy: e.Name})
	clk.Advance(30 * m)
	r, err = lim.Reserve(ctx, e, e)
	if err != nil || r.Allowed || r.RetryAfter != 30*m || r.LimitedBy != e.Name {
		t.Fatalf("e twice with room for one: %+v %v", r, err)
	}
	r, err = lim.Reserve(ctx, e)
	want(t, "e once with room for one", r, err, Result{Allowed: true, Remaining: 0, ResetAfter: time.Hour})

	if r, err := lim.Reserve(ctx); err != nil || !r.Allowed {
		t.Fatalf("Reserve without keys: %+v %v", r, err)
	}
	if err := lim.Refund(ctx); err != nil {
		t.Fatal(err)
	}
	bad := Key{Name: "bad", Limit: Limit{Events: 0, Per: time.Minute}}
	if _, err := lim.Reserve(ctx, a, bad); !errors.Is(err, ErrInvalidLimit) {
		t.Errorf("Reserve with an invalid limit: %v", err)
	}
	if err := lim.Refund(ctx, bad); !errors.Is(err, ErrInvalidLimit) {
		t.Errorf("Refund with an invalid limit: %v", err)
	}
}

// testConcurrentReserve has many goroutines reserve under one shared key
// and one of four others at once: the shared key must allow exactly its
// limit, no other key more than its own, and a refused reservation must
// leave nothing counted anywhere.
func testConcurrentReserve(t *testing.T, lims []Limiter) {
	ctx := context.Background()
	shared := Key{Name: "ip", Limit: Limit{Events: 37, Per: 24 * time.Hour}}
	ids := make([]Key, 4)
	for i := range ids {
		ids[i] = Key{Name: "id:" + strconv.Itoa(i), Limit: Limit{Events: 10, Per: 24 * time.Hour}}
	}
	const goroutines, each = 50, 4
	var mu sync.Mutex
	allowed := map[string]int{}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			lim := lims[g%len(lims)]
			for range each {
				id := ids[g%len(ids)]
				r, err := lim.Reserve(ctx, shared, id)
				mu.Lock()
				switch {
				case err != nil:
					allowed["error"]++
				case r.Allowed:
					allowed[id.Name]++
					allowed[shared.Name]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed["error"] != 0 || allowed[shared.Name] != shared.Limit.Events {
		t.Fatalf("allowed %v; want %d under the shared key and no errors", allowed, shared.Limit.Events)
	}
	counted := 0
	for _, id := range ids {
		if allowed[id.Name] > id.Limit.Events {
			t.Fatalf("%s allowed %d, limit %d", id.Name, allowed[id.Name], id.Limit.Events)
		}
		r, err := lims[0].Check(ctx, id.Name, id.Limit)
		if err != nil {
			t.Fatal(err)
		}
		counted += id.Limit.Events - r.Remaining
	}
	if counted != shared.Limit.Events {
		t.Fatalf("%d events counted under the other keys, want %d: a refused reservation left a count behind", counted, shared.Limit.Events)
	}
}
