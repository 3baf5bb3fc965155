package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"
)

// signIn is the identifier limit the sign-in flow uses by default.
var signIn = Limit{Events: 5, Per: 15 * time.Minute}

// testClock returns a clock that moves only when advance is called.
func testClock() (now func() time.Time, advance func(time.Duration)) {
	t := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time { return t }, func(d time.Duration) { t = t.Add(d) }
}

func TestMemorySystemClock(t *testing.T) {
	// With the real clock, a burst of five is allowed and the sixth refused
	// for about one emission interval (3 min), however slow the machine.
	m := NewMemory()
	ctx := context.Background()
	for i := range 5 {
		if r, err := m.Hit(ctx, "k", signIn); err != nil || !r.Allowed {
			t.Fatalf("hit %d: %+v %v", i+1, r, err)
		}
	}
	r, err := m.Hit(ctx, "k", signIn)
	if err != nil || r.Allowed || r.RetryAfter <= 2*time.Minute || r.RetryAfter > 3*time.Minute {
		t.Fatalf("6th hit: %+v %v", r, err)
	}
}

func TestMemoryDropsKeysAtRest(t *testing.T) {
	now, advance := testClock()
	m := NewMemory(WithClock(now))
	ctx := context.Background()
	for i := range 100 {
		if _, err := m.Hit(ctx, "old"+strconv.Itoa(i), signIn); err != nil {
			t.Fatal(err)
		}
	}
	// Check never stores a key.
	for i := range 100 {
		if _, err := m.Check(ctx, "looked"+strconv.Itoa(i), signIn); err != nil {
			t.Fatal(err)
		}
	}
	if n := m.Len(); n != 100 {
		t.Fatalf("Len = %d after 100 hits and 100 checks, want 100", n)
	}
	// A sweep keeps the keys that are not at rest (one hit: 3 min).
	advance(2*time.Minute + 59*time.Second)
	m.Hit(ctx, "one", Limit{Events: 1, Per: time.Second})
	if n := m.Len(); n != 101 {
		t.Fatalf("Len = %d before any key is at rest, want 101", n)
	}
	advance(15 * time.Minute)
	// New keys in every shard sweep the old ones, all at rest now.
	for i := range 2000 {
		m.Hit(ctx, "new"+strconv.Itoa(i), signIn)
	}
	if n := m.Len(); n != 2000 {
		t.Fatalf("Len = %d, want the 2000 new keys only", n)
	}
}

func TestMemoryBounded(t *testing.T) {
	now, advance := testClock()
	const maxKeys = 4 * memoryShards
	m := NewMemory(WithClock(now), WithMaxKeys(maxKeys))
	ctx := context.Background()
	for i := range 10000 {
		r, err := m.Hit(ctx, fmt.Sprint("k", i), signIn)
		if err != nil || !r.Allowed {
			t.Fatalf("hit %d: %+v %v", i, r, err)
		}
		if n := m.Len(); n > maxKeys {
			t.Fatalf("Len = %d after %d keys, want at most %d", n, i+1, maxKeys)
		}
	}
	// When a shard is full, the key nearest to rest is the one dropped:
	// here every shard holds four keys; make one of them the busiest, then
	// add keys to its shard. The busy key survives while keys that were hit
	// once are dropped.
	m = NewMemory(WithClock(now), WithMaxKeys(maxKeys))
	busy := "busy"
	for range 5 {
		m.Hit(ctx, busy, signIn)
	}
	s := m.shard(busy)
	added := 0
	for i := 0; added < 3*4; i++ {
		k := fmt.Sprint("same-shard-", i)
		if m.shard(k) != s {
			continue
		}
		advance(time.Second) // each newcomer is further from rest
		m.Hit(ctx, k, signIn)
		added++
	}
	if r, _ := m.Check(ctx, busy, signIn); r.Allowed {
		t.Fatalf("busy key was evicted for keys hit once: %+v", r)
	}
	s.mu.Lock()
	n := len(s.tat)
	s.mu.Unlock()
	if n != 4 {
		t.Fatalf("shard holds %d keys, want its capacity 4", n)
	}
}

func BenchmarkMemoryHit(b *testing.B) {
	m := NewMemory()
	ctx := context.Background()
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "signin:ip:198.51.100." + strconv.Itoa(i)
	}
	l := Limit{Events: 1 << 30, Per: time.Hour}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := m.Hit(ctx, keys[i%len(keys)], l); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

func BenchmarkMemoryCheck(b *testing.B) {
	m := NewMemory()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Check(ctx, "signin:email:alice@example.com", signIn); err != nil {
			b.Fatal(err)
		}
	}
}
