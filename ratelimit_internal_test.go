package authgo

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/password"
)

// TestBusyRefusalsHeld: a sign-in refused for want of a hashing slot
// (password.ErrBusy) is answered 503 with Retry-After after
// RateLimit.BusyDelay give or take half (the wait is recorded, not timed),
// never more than maxBusyHeld at once; other outages, and BusyDelay < 0,
// answer at once.
func TestBusyRefusalsHeld(t *testing.T) {
	newAuth := func(delay time.Duration) (*Auth, *[]time.Duration) {
		a, err := New(Config{
			Secret:    []string{"an auth secret of at least thirty-two bytes"},
			URL:       "http://localhost/api/auth",
			RateLimit: RateLimitConfig{BusyDelay: delay},
			Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
			LookupEnv: func(string) (string, bool) { return "", false },
		})
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		waits := &[]time.Duration{}
		a.busy.wait = func(_ context.Context, d time.Duration) {
			mu.Lock()
			*waits = append(*waits, d)
			mu.Unlock()
		}
		return a, waits
	}
	refuse := func(a *Auth, err error) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "http://localhost/api/auth/callback/credentials", nil)
		r.Header.Set("Accept", "application/json")
		a.fail(w, a.newRequest(r), err)
		return w
	}
	busy := &Error{Type: Unavailable, Err: password.ErrBusy}

	a, waits := newAuth(0)
	for range 50 {
		if w := refuse(a, busy); w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" {
			t.Fatalf("busy refusal: %d %v", w.Code, w.Header())
		}
	}
	if len(*waits) != 50 {
		t.Fatalf("%d of 50 busy refusals held", len(*waits))
	}
	for _, d := range *waits {
		if d < defaultBusyDelay/2 || d >= defaultBusyDelay*3/2 {
			t.Fatalf("held %v, want within [%v, %v)", d, defaultBusyDelay/2, defaultBusyDelay*3/2)
		}
	}
	if refuse(a, &Error{Type: Unavailable, Err: adapter.ErrUnavailable}); len(*waits) != 50 {
		t.Fatal("a store outage was held like a busy refusal")
	}
	a.busy.held.Store(maxBusyHeld)
	if refuse(a, busy); len(*waits) != 50 || a.busy.held.Load() != maxBusyHeld {
		t.Fatalf("a refusal past maxBusyHeld was held (%d waits, %d held)", len(*waits), a.busy.held.Load())
	}
	a.busy.held.Store(0)

	off, offWaits := newAuth(-1)
	if w := refuse(off, busy); w.Code != http.StatusServiceUnavailable || len(*offWaits) != 0 {
		t.Fatalf("BusyDelay < 0: %d, %d waits", w.Code, len(*offWaits))
	}
}

// TestWaitTimerEndsWithTheClient: a held answer stops waiting when the
// client goes away.
func TestWaitTimerEndsWithTheClient(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	done := make(chan struct{})
	go func() { waitTimer(ctx, time.Hour); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute): // a liveness bound, not a timing: the wait is an hour
		t.Fatal("a held answer kept waiting after its client went away")
	}
}
