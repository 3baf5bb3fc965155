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
	var wg sync.WaitGroup
	wins := make(chan bool, n)
	for range n {
		wg.Go(func() {
			ok, err := fs.PutSecondFactor(c, want, 0)
			noErr(t, "PutSecondFactor", err)
			wins <- ok
		})
	}
	wg.Wait()
	close(wins)
	if won := count(wins); won != 1 {
		t.Fatalf("%d of %d concurrent first writes won", won, n)
	}
	got, err := fs.GetSecondFactor(c, u.ID)
	noErr(t, "GetSecondFactor", err)
	if got == nil || got.Version != 1 || got.TOTPSecret != want.TOTPSecret || got.PendingSecret != want.PendingSecret || got.LastStep != want.LastStep ||
		len(got.BackupCodes) != 3 || got.BackupCodes[2] != "h3" || !got.TrustedSince.Equal(trusted) || got.TrustedSince.Location() != time.UTC ||
		!got.SpentBefore.Equal(want.SpentBefore) {
		t.Fatalf("GetSecondFactor = %+v, want %+v (version 1)", got, want)
	}

	// A stale version changes nothing.
	next := *got
	next.TOTPSecret, next.BackupCodes, next.PendingSecret = "v1.k.other", nil, ""
	if ok, err := fs.PutSecondFactor(c, next, 7); err != nil || ok {
		t.Fatalf("PutSecondFactor with a stale version = %v, %v", ok, err)
	}
	// Concurrent updates from version 1: one wins.
	wins = make(chan bool, n)
	for range n {
		wg.Go(func() {
			ok, err := fs.PutSecondFactor(c, next, 1)
			noErr(t, "PutSecondFactor", err)
			wins <- ok
		})
	}
	wg.Wait()
	close(wins)
	if won := count(wins); won != 1 {
		t.Fatalf("%d of %d concurrent updates won", won, n)
	}
	got, _ = fs.GetSecondFactor(c, u.ID)
	if got.Version != 2 || got.TOTPSecret != "v1.k.other" || got.PendingSecret != "" || len(got.BackupCodes) != 0 || !got.TrustedSince.Equal(trusted) {
		t.Fatalf("after the update: %+v", got)
	}

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

func count(c chan bool) int {
	n := 0
	for ok := range c {
		if ok {
			n++
		}
	}
	return n
}
