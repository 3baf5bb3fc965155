package adaptertest

import (
	"crypto/rand"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
)

// RunVerificationTokenStore runs the verification token part of the suite:
// create, use once, a race of concurrent users of one token, duplicates and
// deadlines.
func RunVerificationTokenStore(t *testing.T, newStore func(t *testing.T) adapter.VerificationTokenStore) {
	t.Run("VerificationTokens", func(t *testing.T) { testTokens(t, newStore(t)) })
	t.Run("VerificationTokenRace", func(t *testing.T) { testTokenRace(t, newStore(t)) })
	t.Run("VerificationTokenDeadline", func(t *testing.T) { testTokenDeadline(t, newStore(t)) })
}

func testTokens(t *testing.T, s adapter.VerificationTokenStore) {
	c := ctx(t)
	expires := time.Date(2031, 5, 6, 7, 8, 9, 500_000_000, time.FixedZone("CET", 3600))
	vt := adapter.VerificationToken{Identifier: "ada@example.com", Token: "f0e1d2c3b4a5", Expires: expires}
	noErr(t, "CreateVerificationToken", s.CreateVerificationToken(c, vt))
	// The same token for another identifier is another row.
	other := adapter.VerificationToken{Identifier: "grace@example.com", Token: vt.Token, Expires: expires}
	noErr(t, "CreateVerificationToken(other identifier)", s.CreateVerificationToken(c, other))

	err := s.CreateVerificationToken(c, vt)
	checkErr(t, "CreateVerificationToken twice", err, adapter.ErrDuplicate)

	for name, it := range map[string][2]string{
		"wrong identifier": {"eve@example.com", vt.Token},
		"wrong token":      {vt.Identifier, "f0e1d2c3b4a6"},
		"empty":            {"", ""},
		"meta":             {"' OR '1'='1", "' OR '1'='1"},
		"other case":       {vt.Identifier, "F0E1D2C3B4A5"},
	} {
		if got, err := s.UseVerificationToken(c, it[0], it[1]); got != nil || err != nil {
			t.Errorf("UseVerificationToken(%s) = %+v, %v; want nil, nil", name, got, err)
		}
	}

	got, err := s.UseVerificationToken(c, vt.Identifier, vt.Token)
	noErr(t, "UseVerificationToken", err)
	if got == nil || got.Identifier != vt.Identifier || got.Token != vt.Token {
		t.Fatalf("UseVerificationToken = %+v, want %+v", got, vt)
	}
	sameTime(t, "UseVerificationToken.Expires", got.Expires, expires)

	// Single use.
	if got, err := s.UseVerificationToken(c, vt.Identifier, vt.Token); got != nil || err != nil {
		t.Errorf("UseVerificationToken a second time = %+v, %v; want nil, nil", got, err)
	}
	// The other identifier's row is untouched.
	if got, err := s.UseVerificationToken(c, other.Identifier, other.Token); got == nil || err != nil {
		t.Errorf("UseVerificationToken(other identifier) = %+v, %v; want the token", got, err)
	}
	// After use, the same value may be stored again.
	noErr(t, "CreateVerificationToken after use", s.CreateVerificationToken(c, vt))
}

// testTokenRace has many goroutines use one token at once: exactly one may
// receive it, or a magic link could sign in twice.
func testTokenRace(t *testing.T, s adapter.VerificationTokenStore) {
	c := ctx(t)
	const racers = 16
	for round := range 3 {
		vt := adapter.VerificationToken{Identifier: "race@example.com", Token: rand.Text(), Expires: time.Now().Add(time.Hour)}
		noErr(t, "CreateVerificationToken", s.CreateVerificationToken(c, vt))
		var (
			wg     sync.WaitGroup
			start  = make(chan struct{})
			mu     sync.Mutex
			wins   int
			errs   []error
			winner *adapter.VerificationToken
		)
		for range racers {
			wg.Go(func() {
				<-start
				got, err := s.UseVerificationToken(c, vt.Identifier, vt.Token)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
				}
				if got != nil {
					wins++
					winner = got
				}
			})
		}
		close(start)
		wg.Wait()
		if len(errs) > 0 {
			t.Errorf("round %d: %d of %d racers got errors, first: %v", round, len(errs), racers, errs[0])
		}
		if wins != 1 {
			t.Fatalf("round %d: %d racers received the token, want exactly 1", round, wins)
		}
		if winner.Token != vt.Token {
			t.Errorf("round %d: the winner received %+v", round, winner)
		}
	}
}
