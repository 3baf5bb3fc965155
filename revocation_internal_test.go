package authgo

import (
	"testing"
	"time"
)

// TestStartAfterEpoch: a session begun in the same millisecond as its
// user's revocation records a start after the epoch, so the revocation
// check (which refuses a start at or before it) lets it through; other
// users and later starts keep their time.
func TestStartAfterEpoch(t *testing.T) {
	r := &revocations{cache: map[string]epochEntry{}, ids: map[string]sessionEntry{}}
	epoch := time.UnixMicro(1_800_000_000_123_456)
	r.set("u1", epoch, epoch)
	for _, unit := range []time.Duration{time.Millisecond, time.Microsecond} {
		got := r.startAfterEpoch("u1", epoch, unit)
		if !got.Truncate(unit).After(epoch) {
			t.Errorf("unit %v: start %v is not after the epoch %v", unit, got, epoch)
		}
		if got.Sub(epoch) > unit {
			t.Errorf("unit %v: start %v moved more than one unit past the epoch", unit, got)
		}
	}
	later := epoch.Add(time.Second)
	if got := r.startAfterEpoch("u1", later, time.Millisecond); !got.Equal(later) {
		t.Errorf("a start after the epoch moved: %v", got)
	}
	if got := r.startAfterEpoch("u2", epoch, time.Millisecond); !got.Equal(epoch) {
		t.Errorf("another user's start moved: %v", got)
	}
	// The revocation check itself (from the cache) refuses the unmoved
	// start and accepts the moved one.
	r.ttl = time.Hour
	r.set(watermarkUser, epoch, epoch)
	ctx := t.Context()
	if revoked, err := r.userRevoked(ctx, "u1", epoch.Truncate(time.Millisecond), epoch); err != nil || !revoked {
		t.Errorf("unmoved start: revoked %v, %v; want refused", revoked, err)
	}
	moved := r.startAfterEpoch("u1", epoch, time.Millisecond).Truncate(time.Millisecond)
	if revoked, err := r.userRevoked(ctx, "u1", moved, epoch); err != nil || revoked {
		t.Errorf("moved start: revoked %v, %v; want accepted", revoked, err)
	}
}
