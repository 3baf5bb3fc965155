package adaptertest

import (
	"strings"
	"sync"
	"testing"

	"github.com/authgo/authgo/adapter"
)

// testPasswordStore checks adapter.PasswordStore: a user created with a
// password, compare-and-swap replacement (one winner among concurrent
// swaps), no half-written user when the email is taken, unknown users, and
// the hash going with the user.
func testPasswordStore(t *testing.T, o Options, a adapter.Adapter) {
	ps, ok := a.(adapter.PasswordStore)
	if !ok {
		t.Skip("the adapter does not implement adapter.PasswordStore")
	}
	c := ctx(t)
	h1 := "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$" + strings.Repeat("A", 43)
	u, err := ps.CreateUserWithPassword(c, User{Email: "pw@example.com", Name: "Pw"}, h1)
	noErr(t, "CreateUserWithPassword", err)
	if u == nil || u.ID == "" || u.Email != "pw@example.com" {
		t.Fatalf("CreateUserWithPassword = %+v", u)
	}
	got, err := ps.GetPasswordHash(c, u.ID)
	noErr(t, "GetPasswordHash", err)
	if got != h1 {
		t.Fatalf("GetPasswordHash = %q, want %q", got, h1)
	}

	passwordTakenEmail(t, o, a, ps, h1)
	passwordSwap(t, ps, u.ID, h1)
	passwordFirstAndUnknown(t, a, ps, u.ID)
	passwordGoesWithUser(t, o, a, ps, u.ID)
}

// passwordTakenEmail: CreateUserWithPassword with a taken email leaves nothing behind.
func passwordTakenEmail(t *testing.T, o Options, a adapter.Adapter, ps adapter.PasswordStore, h1 string) {
	t.Helper()
	c := ctx(t)
	// The email is taken: an ErrDuplicate and no second user, no hash.
	dup := User{ID: "dup-user", Email: "pw@example.com"}
	if o.IntegerIDs {
		dup.ID = "" // the database makes the ids
	}
	_, err := ps.CreateUserWithPassword(c, dup, h1)
	checkErr(t, "CreateUserWithPassword with a taken email", err, adapter.ErrDuplicate)
	if x, _ := a.GetUser(c, "dup-user"); x != nil {
		t.Fatalf("a refused CreateUserWithPassword left user %+v", x)
	}
	if h, _ := ps.GetPasswordHash(c, "dup-user"); h != "" {
		t.Fatalf("a refused CreateUserWithPassword left hash %q", h)
	}

}

// passwordSwap: SetPasswordHash compares and swaps, with one winner among concurrent swaps.
func passwordSwap(t *testing.T, ps adapter.PasswordStore, userID, h1 string) {
	t.Helper()
	c := ctx(t)
	// Compare and swap: a stale old hash changes nothing.
	if ok, err := ps.SetPasswordHash(c, userID, "$2b$10$stale", "h2"); err != nil || ok {
		t.Fatalf("SetPasswordHash with a stale old hash = %v, %v; want false, nil", ok, err)
	}
	const n = 8
	var wg sync.WaitGroup
	wins := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			h := "h2-" + strings.Repeat("x", i+1)
			if ok, err := ps.SetPasswordHash(c, userID, h1, h); err == nil && ok {
				wins <- h
			} else if err != nil {
				t.Errorf("concurrent SetPasswordHash: %v", err)
			}
		})
	}
	wg.Wait()
	close(wins)
	var won []string
	for h := range wins {
		won = append(won, h)
	}
	if len(won) != 1 {
		t.Fatalf("%d of %d concurrent swaps from the same hash won, want exactly 1", len(won), n)
	}
	if got, _ := ps.GetPasswordHash(c, userID); got != won[0] {
		t.Fatalf("after the swap the hash is %q, want the winner's %q", got, won[0])
	}

}

// passwordFirstAndUnknown: unconditional set, a first password, and unknown users.
func passwordFirstAndUnknown(t *testing.T, a adapter.Adapter, ps adapter.PasswordStore, userID string) {
	t.Helper()
	c := ctx(t)
	// Unconditional set, and a first password for a user without one.
	if ok, err := ps.SetPasswordHash(c, userID, "", "h3"); err != nil || !ok {
		t.Fatalf("SetPasswordHash = %v, %v", ok, err)
	}
	other := mustUser(t, a, User{Email: "nopw@example.com"})
	if h, err := ps.GetPasswordHash(c, other.ID); err != nil || h != "" {
		t.Fatalf("GetPasswordHash of a user without a password = %q, %v", h, err)
	}
	if ok, err := ps.SetPasswordHash(c, other.ID, "", "first"); err != nil || !ok {
		t.Fatalf("first SetPasswordHash = %v, %v", ok, err)
	}
	if h, _ := ps.GetPasswordHash(c, other.ID); h != "first" {
		t.Fatalf("first password = %q", h)
	}

	// An unknown user: no hash, and setting one is an error.
	if h, err := ps.GetPasswordHash(c, "no-such-user"); err != nil || h != "" {
		t.Fatalf("GetPasswordHash of an unknown user = %q, %v", h, err)
	}
	if _, err := ps.SetPasswordHash(c, "no-such-user", "", "h"); err == nil {
		t.Fatal("SetPasswordHash of an unknown user succeeded")
	}

}

// passwordGoesWithUser: deleting the user deletes the hash.
func passwordGoesWithUser(t *testing.T, o Options, a adapter.Adapter, ps adapter.PasswordStore, userID string) {
	t.Helper()
	c := ctx(t)
	// Deleting the user deletes the hash.
	noErr(t, "DeleteUser", a.DeleteUser(c, userID))
	if h, err := ps.GetPasswordHash(c, userID); err != nil || h != "" {
		t.Fatalf("after DeleteUser GetPasswordHash = %q, %v", h, err)
	}
	// A new user with the deleted user's id starts without a password
	// (where ids can be given).
	if o.IntegerIDs {
		return
	}
	again := mustUser(t, a, User{ID: userID, Email: "again@example.com"})
	if h, _ := ps.GetPasswordHash(c, again.ID); h != "" {
		t.Fatalf("a new user with a deleted user's id inherited hash %q", h)
	}
}
