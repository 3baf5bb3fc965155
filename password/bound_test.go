package password_test

import (
	"errors"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/authgo/authgo/password"
)

// holdAll takes every slot of a bound of n and returns the functions that
// give them back.
func holdAll(t *testing.T, n int) []func() {
	t.Helper()
	var held []func()
	for range n {
		release, err := password.Acquire()
		if err != nil {
			t.Fatalf("slot %d of %d: %v", len(held)+1, n, err)
		}
		held = append(held, release)
	}
	return held
}

// When the bound is full every way of computing a hash fails at once with
// ErrBusy, and works again when a slot is given back.
func TestBoundFailsFastWhenFull(t *testing.T) {
	t.Cleanup(func() { password.SetMaxConcurrent(0) })
	password.SetMaxConcurrent(2)
	argon, _ := cheap.Hash("correct horse battery staple")
	bc, _ := bcrypt.GenerateFromPassword([]byte("correct horse battery staple"), bcrypt.MinCost)

	held := holdAll(t, 2)
	if _, err := password.Acquire(); !errors.Is(err, password.ErrBusy) {
		t.Fatalf("third Acquire: %v, want ErrBusy", err)
	}
	checks := map[string]func() error{
		"Hash":           func() error { _, err := cheap.Hash("pw"); return err },
		"Verify argon2":  func() error { _, err := cheap.Verify("correct horse battery staple", argon); return err },
		"Verify bcrypt":  func() error { _, err := cheap.Verify("correct horse battery staple", string(bc)); return err },
		"DummyVerify":    func() error { _, err := cheap.DummyVerify("pw"); return err },
		"package Verify": func() error { _, err := password.Verify("correct horse battery staple", argon); return err },
	}
	for name, check := range checks {
		if err := check(); !errors.Is(err, password.ErrBusy) {
			t.Errorf("%s while full: %v, want ErrBusy", name, err)
		}
	}
	// A hash that cannot be checked is refused without a slot.
	if _, err := cheap.Verify("pw", "$argon2id$v=19$broken"); !errors.Is(err, password.ErrInvalidHash) {
		t.Errorf("invalid hash while full: %v", err)
	}

	held[0]()
	held[0]() // a second call gives nothing back twice
	for name, check := range checks {
		if err := check(); err != nil {
			t.Errorf("%s with a free slot: %v", name, err)
		}
	}
	if ok, err := cheap.Verify("correct horse battery staple", argon); !ok || err != nil {
		t.Fatalf("Verify with a free slot: %v %v", ok, err)
	}
	if _, err := password.Acquire(); err != nil {
		t.Fatalf("Acquire of the slot given back: %v", err)
	}
	if _, err := password.Acquire(); !errors.Is(err, password.ErrBusy) {
		t.Fatalf("the slot given back twice was counted twice: %v", err)
	}
	held[1]()
}

// Of many goroutines that ask for a slot at once, exactly the bound get
// one; the others get ErrBusy at once instead of waiting.
func TestBoundHoldsUnderContention(t *testing.T) {
	t.Cleanup(func() { password.SetMaxConcurrent(0) })
	const bound, goroutines = 3, 64
	password.SetMaxConcurrent(bound)
	var got, busy atomic.Int32
	var asked, wg sync.WaitGroup
	hold := make(chan struct{})
	asked.Add(goroutines)
	for range goroutines {
		wg.Go(func() {
			release, err := password.Acquire()
			asked.Done()
			if err != nil {
				if errors.Is(err, password.ErrBusy) {
					busy.Add(1)
				}
				return
			}
			got.Add(1)
			<-hold
			release()
		})
	}
	asked.Wait()
	close(hold)
	wg.Wait()
	if got.Load() != bound || busy.Load() != goroutines-bound {
		t.Fatalf("%d got a slot, %d busy; want %d and %d", got.Load(), busy.Load(), bound, goroutines-bound)
	}
}

func TestSetMaxConcurrent(t *testing.T) {
	t.Cleanup(func() { password.SetMaxConcurrent(0) })
	def := password.DefaultMaxConcurrent()
	if want := max(1, runtime.GOMAXPROCS(0)/2); def != want {
		t.Fatalf("DefaultMaxConcurrent = %d without a memory limit, want %d", def, want)
	}
	if prev := password.SetMaxConcurrent(5); prev != def {
		t.Fatalf("previous bound %d, want %d", prev, def)
	}
	if prev := password.SetMaxConcurrent(-1); prev != 5 {
		t.Fatalf("previous bound %d, want 5", prev)
	}
	// A slot taken under one bound goes back to it after a change.
	password.SetMaxConcurrent(1)
	release, err := password.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	password.SetMaxConcurrent(1)
	release()
	holdAll(t, 1)
	if _, err := password.Acquire(); !errors.Is(err, password.ErrBusy) {
		t.Fatalf("new bound of 1 gave a second slot: %v", err)
	}
	password.SetMaxConcurrent(0)

	// A Go memory limit caps the default at a quarter of it in 19 MiB hashes.
	old := debug.SetMemoryLimit(2 * 4 * 19 << 20)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	if got := password.DefaultMaxConcurrent(); got != min(2, max(1, runtime.GOMAXPROCS(0)/2)) {
		t.Fatalf("DefaultMaxConcurrent under a 152 MiB limit = %d", got)
	}
	debug.SetMemoryLimit(1 << 20)
	if got := password.DefaultMaxConcurrent(); got != 1 {
		t.Fatalf("DefaultMaxConcurrent under a tiny limit = %d, want 1", got)
	}
}
