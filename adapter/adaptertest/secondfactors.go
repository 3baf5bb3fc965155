package adaptertest

import (
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
)

// testSecondFactorStore checks adapter.SecondFactorStore: unknown users,
// a round trip of every field (times to the microsecond, UTC), the
// compare-and-swap (a stale version changes nothing; one winner among
// concurrent writers, also of the first insert), a record for a user the
// adapter does not store (a credentials user of a JWT app), deletion, and
// the record going with the user.
func testSecondFactorStore(t *testing.T, a adapter.Adapter) {
	fs, ok := a.(adapter.SecondFactorStore)
	if !ok {
		t.Skip("the adapter does not implement adapter.SecondFactorStore")
	}
	c := ctx(t)
	if f, err := fs.GetSecondFactor(c, "nobody"); err != nil || f != nil {
		t.Fatalf("GetSecondFactor(unknown) = %+v, %v; want nil, nil", f, err)
	}
	u := mustUser(t, a, User{Email: "factor@example.com"})
	trusted := time.Date(2026, 5, 4, 3, 2, 1, 987_654_000, time.FixedZone("x", 3600))
	want := adapter.SecondFactor{UserID: u.ID, TOTPSecret: "v1.k.sealed-secret", PendingSecret: "v1.k.pending", LastStep: 59_000_123,
		BackupCodes: []string{"h1", "h2", "h3"}, TrustedSince: trusted, SpentBefore: trusted.Add(time.Microsecond)}

	// The first write races: one insert wins.
	const n = 8
	if won := racePutSecondFactor(t, fs, want, 0, n); won != 1 {
		t.Fatalf("%d of %d concurrent first writes won", won, n)
	}
	got := checkSecondFactorRoundTrip(t, fs, want, trusted)
	checkSecondFactorUpdate(t, fs, *got, trusted)

	// A user the adapter does not store.
	if ok, err := fs.PutSecondFactor(c, adapter.SecondFactor{UserID: "credentials-only"}, 0); err != nil || !ok {
		t.Fatalf("PutSecondFactor for an unstored user = %v, %v", ok, err)
	}
	noErr(t, "DeleteSecondFactor", fs.DeleteSecondFactor(c, "credentials-only"))
	noErr(t, "DeleteSecondFactor of none", fs.DeleteSecondFactor(c, "credentials-only"))
	if f, _ := fs.GetSecondFactor(c, "credentials-only"); f != nil {
		t.Fatalf("after DeleteSecondFactor: %+v", f)
	}

	// The record goes with the user.
	noErr(t, "DeleteUser", a.DeleteUser(c, u.ID))
	if f, _ := fs.GetSecondFactor(c, u.ID); f != nil {
		t.Fatalf("after DeleteUser: %+v", f)
	}
}

// checkSecondFactorRoundTrip reads back the first write of want: every
// field, times to the microsecond and in UTC, version 1.
func checkSecondFactorRoundTrip(t *testing.T, fs adapter.SecondFactorStore, want adapter.SecondFactor, trusted time.Time) *adapter.SecondFactor {
	t.Helper()
	got, err := fs.GetSecondFactor(ctx(t), want.UserID)
	noErr(t, "GetSecondFactor", err)
	if got == nil || got.Version != 1 || got.TOTPSecret != want.TOTPSecret || got.PendingSecret != want.PendingSecret || got.LastStep != want.LastStep ||
		len(got.BackupCodes) != 3 || got.BackupCodes[2] != "h3" || !got.TrustedSince.Equal(trusted) || got.TrustedSince.Location() != time.UTC ||
		!got.SpentBefore.Equal(want.SpentBefore) {
		t.Fatalf("GetSecondFactor = %+v, want %+v (version 1)", got, want)
	}
	return got
}

// checkSecondFactorUpdate: from version 1 (got), a stale version changes
// nothing and one of several concurrent updates wins.
func checkSecondFactorUpdate(t *testing.T, fs adapter.SecondFactorStore, got adapter.SecondFactor, trusted time.Time) {
	t.Helper()
	c := ctx(t)
	// A stale version changes nothing.
	next := got
	next.TOTPSecret, next.BackupCodes, next.PendingSecret = "v1.k.other", nil, ""
	if ok, err := fs.PutSecondFactor(c, next, 7); err != nil || ok {
		t.Fatalf("PutSecondFactor with a stale version = %v, %v", ok, err)
	}
	// Concurrent updates from version 1: one wins.
	const n = 8
	if won := racePutSecondFactor(t, fs, next, 1, n); won != 1 {
		t.Fatalf("%d of %d concurrent updates won", won, n)
	}
	after, _ := fs.GetSecondFactor(c, got.UserID)
	if after.Version != 2 || after.TOTPSecret != "v1.k.other" || after.PendingSecret != "" || len(after.BackupCodes) != 0 || !after.TrustedSince.Equal(trusted) {
		t.Fatalf("after the update: %+v", after)
	}
}

// racePutSecondFactor runs n concurrent PutSecondFactor(f, version) and
// returns how many won.
func racePutSecondFactor(t *testing.T, fs adapter.SecondFactorStore, f adapter.SecondFactor, version int64, n int) int {
	c := ctx(t)
	var wg sync.WaitGroup
	wins := make(chan bool, n)
	for range n {
		wg.Go(func() {
			ok, err := fs.PutSecondFactor(c, f, version)
			noErr(t, "PutSecondFactor", err)
			wins <- ok
		})
	}
	wg.Wait()
	close(wins)
	return count(wins)
}

func count(c chan bool) int {
	n := 0
	for ok := range c {
		if ok {
			n++
		}
	}
	return n
}
