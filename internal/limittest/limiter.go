// Package limittest holds the checks every rate-limit backend must pass:
// the exact answers of a ratelimit.Limiter under a clock the test moves,
// its counts under concurrent use (limiter.go), and sign-in through an
// authgo.Auth that uses it (signin.go). The root module's tests run them
// with ratelimit.Memory, the adapter/redis module's with its Redis limiter.
package limittest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo/ratelimit"
)

// Clock is a clock that moves only when told to; give its Now to the
// limiter under test.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock at a fixed time.
func NewClock() *Clock {
	return &Clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// signIn is the identifier limit the sign-in flow uses by default.
var signIn = ratelimit.Limit{Events: 5, Per: 15 * time.Minute}

func want(t *testing.T, step string, got ratelimit.Result, err error, w ratelimit.Result) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: error %v", step, err)
	}
	if got != w {
		t.Fatalf("%s: got %+v, want %+v", step, got, w)
	}
}

// Exact drives lim, whose clock is clk, and checks every field of every
// answer. Every backend must give exactly these.
func Exact(t *testing.T, lim ratelimit.Limiter, clk *Clock) {
	ctx := context.Background()
	const key = "signin:email:alice@example.com"
	m := time.Minute

	r, err := lim.Check(ctx, key, signIn)
	want(t, "fresh check", r, err, ratelimit.Result{Allowed: true, Remaining: 5})

	for i := 1; i <= 5; i++ {
		r, err = lim.Hit(ctx, key, signIn)
		want(t, "failure", r, err, ratelimit.Result{Allowed: true, Remaining: 5 - i, ResetAfter: time.Duration(3*i) * m})
	}
	r, err = lim.Check(ctx, key, signIn)
	want(t, "check after 5 failures", r, err, ratelimit.Result{Allowed: false, RetryAfter: 3 * m, ResetAfter: 15 * m})
	r, err = lim.Hit(ctx, key, signIn)
	want(t, "6th failure", r, err, ratelimit.Result{Allowed: false, RetryAfter: 3 * m, ResetAfter: 15 * m})
	// A refused Hit counts nothing: hammering does not extend the lockout.
	for range 10 {
		r, err = lim.Hit(ctx, key, signIn)
	}
	want(t, "refused hits", r, err, ratelimit.Result{Allowed: false, RetryAfter: 3 * m, ResetAfter: 15 * m})

	clk.Advance(3*m - time.Second)
	r, err = lim.Check(ctx, key, signIn)
	want(t, "one second early", r, err, ratelimit.Result{Allowed: false, RetryAfter: time.Second, ResetAfter: 12*m + time.Second})

	clk.Advance(time.Second)
	r, err = lim.Check(ctx, key, signIn)
	want(t, "recovered one", r, err, ratelimit.Result{Allowed: true, Remaining: 1, ResetAfter: 12 * m})
	r, err = lim.Hit(ctx, key, signIn)
	want(t, "used it", r, err, ratelimit.Result{Allowed: true, Remaining: 0, ResetAfter: 15 * m})
	r, err = lim.Hit(ctx, key, signIn)
	want(t, "refused again", r, err, ratelimit.Result{Allowed: false, RetryAfter: 3 * m, ResetAfter: 15 * m})

	// Another key has its own budget.
	r, err = lim.Check(ctx, "signin:email:bob@example.com", signIn)
	want(t, "other key", r, err, ratelimit.Result{Allowed: true, Remaining: 5})

	clk.Advance(15 * m)
	r, err = lim.Check(ctx, key, signIn)
	want(t, "full recovery", r, err, ratelimit.Result{Allowed: true, Remaining: 5})

	for range 5 {
		if _, err := lim.Hit(ctx, key, signIn); err != nil {
			t.Fatal(err)
		}
	}
	if err := lim.Reset(ctx, key); err != nil {
		t.Fatal(err)
	}
	r, err = lim.Check(ctx, key, signIn)
	want(t, "after reset", r, err, ratelimit.Result{Allowed: true, Remaining: 5})
	r, err = lim.Hit(ctx, key, signIn)
	want(t, "hit after reset", r, err, ratelimit.Result{Allowed: true, Remaining: 4, ResetAfter: 3 * m})

	// A limit whose Per is not a multiple of Events: 7 per 10 s.
	odd := ratelimit.Limit{Events: 7, Per: 10 * time.Second}
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

	for _, bad := range []ratelimit.Limit{{}, {Events: 0, Per: time.Minute}, {Events: 5, Per: 0}, {Events: -1, Per: time.Minute}, {Events: 1000, Per: time.Microsecond}} {
		if _, err := lim.Hit(ctx, key, bad); !errors.Is(err, ratelimit.ErrInvalidLimit) {
			t.Errorf("Hit with %+v: error %v, want ratelimit.ErrInvalidLimit", bad, err)
		}
		if _, err := lim.Check(ctx, key, bad); !errors.Is(err, ratelimit.ErrInvalidLimit) {
			t.Errorf("Check with %+v: error %v, want ratelimit.ErrInvalidLimit", bad, err)
		}
	}
}

// ConcurrentHits has many goroutines hit one key at once, through the
// limiters lims in turn (instances sharing one budget): exactly the
// limit's Events must be allowed.
func ConcurrentHits(t *testing.T, lims []ratelimit.Limiter) {
	ctx := context.Background()
	l := ratelimit.Limit{Events: 37, Per: 24 * time.Hour}
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

// Reserve checks Reserve and Refund of lim, whose clock is clk, exactly;
// every backend must give these answers.
func Reserve(t *testing.T, lim ratelimit.Limiter, clk *Clock) {
	ctx := context.Background()
	m := time.Minute
	a := ratelimit.Key{Name: "signin:ip:192.0.2.1", Limit: signIn}                                      // 5 per 15m
	b := ratelimit.Key{Name: "signin:id:ada", Limit: ratelimit.Limit{Events: 2, Per: 15 * time.Minute}} // 2 per 15m

	r, err := lim.Reserve(ctx, a, b)
	want(t, "first reserve", r, err, ratelimit.Result{Allowed: true, Remaining: 1, ResetAfter: 7*m + 30*time.Second})
	r, err = lim.Reserve(ctx, a, b)
	want(t, "second reserve", r, err, ratelimit.Result{Allowed: true, Remaining: 0, ResetAfter: 15 * m})
	r, err = lim.Reserve(ctx, a, b)
	want(t, "refused by b", r, err, ratelimit.Result{Allowed: false, RetryAfter: 7*m + 30*time.Second, ResetAfter: 15 * m, LimitedBy: b.Name})
	// All or nothing: the refusal counted nothing under a.
	r, err = lim.Check(ctx, a.Name, a.Limit)
	want(t, "a after the refusal", r, err, ratelimit.Result{Allowed: true, Remaining: 3, ResetAfter: 6 * m})

	// A refund takes one event back under every key.
	if err := lim.Refund(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	r, err = lim.Check(ctx, b.Name, b.Limit)
	want(t, "b after a refund", r, err, ratelimit.Result{Allowed: true, Remaining: 1, ResetAfter: 7*m + 30*time.Second})
	r, err = lim.Reserve(ctx, a, b)
	want(t, "reserve after a refund", r, err, ratelimit.Result{Allowed: true, Remaining: 0, ResetAfter: 15 * m})

	// Refunds never go below rest, and a key with nothing counted stays so.
	for range 5 {
		if err := lim.Refund(ctx, a, b, ratelimit.Key{Name: "never", Limit: signIn}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []ratelimit.Key{a, b, {Name: "never", Limit: signIn}} {
		r, err = lim.Check(ctx, k.Name, k.Limit)
		want(t, "after refunds: "+k.Name, r, err, ratelimit.Result{Allowed: true, Remaining: k.Limit.Events})
	}

	// The longest wait of several refusing keys is given.
	c := ratelimit.Key{Name: "c", Limit: ratelimit.Limit{Events: 1, Per: time.Hour}}
	d := ratelimit.Key{Name: "d", Limit: ratelimit.Limit{Events: 1, Per: 2 * time.Hour}}
	if r, err := lim.Reserve(ctx, c, d); err != nil || !r.Allowed {
		t.Fatalf("c, d: %+v %v", r, err)
	}
	clk.Advance(m)
	r, err = lim.Reserve(ctx, c, d)
	want(t, "both refuse", r, err, ratelimit.Result{Allowed: false, RetryAfter: 2*time.Hour - m, ResetAfter: 2*time.Hour - m, LimitedBy: d.Name})

	// A name given twice is counted twice.
	e := ratelimit.Key{Name: "e", Limit: ratelimit.Limit{Events: 2, Per: time.Hour}}
	r, err = lim.Reserve(ctx, e, e)
	want(t, "e twice", r, err, ratelimit.Result{Allowed: true, Remaining: 0, ResetAfter: time.Hour})
	r, err = lim.Reserve(ctx, e)
	want(t, "e once more", r, err, ratelimit.Result{Allowed: false, RetryAfter: 30 * m, ResetAfter: time.Hour, LimitedBy: e.Name})
	clk.Advance(30 * m)
	r, err = lim.Reserve(ctx, e, e)
	if err != nil || r.Allowed || r.RetryAfter != 30*m || r.LimitedBy != e.Name {
		t.Fatalf("e twice with room for one: %+v %v", r, err)
	}
	r, err = lim.Reserve(ctx, e)
	want(t, "e once with room for one", r, err, ratelimit.Result{Allowed: true, Remaining: 0, ResetAfter: time.Hour})

	if r, err := lim.Reserve(ctx); err != nil || !r.Allowed {
		t.Fatalf("Reserve without keys: %+v %v", r, err)
	}
	if err := lim.Refund(ctx); err != nil {
		t.Fatal(err)
	}
	bad := ratelimit.Key{Name: "bad", Limit: ratelimit.Limit{Events: 0, Per: time.Minute}}
	if _, err := lim.Reserve(ctx, a, bad); !errors.Is(err, ratelimit.ErrInvalidLimit) {
		t.Errorf("Reserve with an invalid limit: %v", err)
	}
	if err := lim.Refund(ctx, bad); !errors.Is(err, ratelimit.ErrInvalidLimit) {
		t.Errorf("Refund with an invalid limit: %v", err)
	}
}

// ConcurrentReserve has many goroutines reserve, through the limiters lims
// in turn, under one shared key
// and one of four others at once: the shared key must allow exactly its
// limit, no other key more than its own, and a refused reservation must
// leave nothing counted anywhere.
func ConcurrentReserve(t *testing.T, lims []ratelimit.Limiter) {
	ctx := context.Background()
	shared := ratelimit.Key{Name: "ip", Limit: ratelimit.Limit{Events: 37, Per: 24 * time.Hour}}
	ids := make([]ratelimit.Key, 4)
	for i := range ids {
		ids[i] = ratelimit.Key{Name: "id:" + strconv.Itoa(i), Limit: ratelimit.Limit{Events: 10, Per: 24 * time.Hour}}
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
