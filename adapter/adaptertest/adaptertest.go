// Package adaptertest is the conformance suite that every authgo adapter
// passes. An adapter's test calls [Run] with a function that returns a
// fresh, empty adapter:
//
//	func TestConformance(t *testing.T) {
//		adaptertest.Run(t, func(t *testing.T) adapter.Adapter { return memory.New() })
//	}
//
// Stores that keep only sessions or verification tokens (Redis, say) run the
// subsets [RunSessionStore], [RunVerificationTokenStore] and
// [RunRevocationStore].
//
// The suite checks every method, the not-found rule ((nil, nil), never an
// error), uniqueness, the cascade on user deletion, time values (to the
// second, always UTC), single use of verification tokens under a race,
// unicode, 10 KB fields, SQL meta characters, context deadlines and the
// optional interfaces an adapter implements.
package adaptertest

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
)

// Run runs the whole conformance suite. newAdapter is called once per
// subtest and must return an empty adapter; it registers its own cleanup
// with t.
func Run(t *testing.T, newAdapter func(t *testing.T) adapter.Adapter) {
	RunWith(t, Options{}, newAdapter)
}

// Options tells the suite what the tables under an adapter cannot hold,
// for adapters over tables that another tool created (an Auth.js app's
// schema). The zero value asks for everything.
type Options struct {
	// IntegerIDs says that the database generates user ids as integers
	// (@auth/pg-adapter's SERIAL): the suite checks that generated ids are
	// distinct decimal numbers and that CreateUser refuses an id of its
	// own, instead of expecting UUIDs and kept ids.
	IntegerIDs bool
	// EmailRequired says that every user must have an email address (the
	// Auth.js Prisma schema): users the suite would create without one get
	// a unique address.
	EmailRequired bool
	// MaxText is the longest text, in characters, that names, images and
	// tokens may hold (VARCHAR(255), say); 0 means no limit, and the suite
	// stores 10 KB values.
	MaxText int
	// Counter32 says that authenticator counters are 32-bit signed
	// integers (the Prisma and Drizzle schemas' Int): the suite stores
	// 2^31-1 where it would store 2^33.
	Counter32 bool
}

// counter is the large signature counter the suite stores.
func (o Options) counter() int64 {
	if o.Counter32 {
		return 1<<31 - 1
	}
	return 1 << 33
}

// user returns u as the suite creates it under o: with an address when
// every user needs one.
func (o Options) user(u User) User {
	if o.EmailRequired && u.Email == "" {
		u.Email = "no-email-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@example.invalid"
	}
	return u
}

// RunWith runs the whole conformance suite as Run does, within what o
// says the tables can hold.
func RunWith(t *testing.T, o Options, newAdapter func(t *testing.T) adapter.Adapter) {
	t.Run("Users", func(t *testing.T) { testUsers(t, o, newAdapter(t)) })
	t.Run("UserEmailUnique", func(t *testing.T) { testUserEmailUnique(t, o, newAdapter(t)) })
	t.Run("UpdateUser", func(t *testing.T) { testUpdateUser(t, newAdapter(t)) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, newAdapter(t)) })
	t.Run("AccountNeedsUser", func(t *testing.T) { testAccountNeedsUser(t, newAdapter(t)) })
	t.Run("SessionAndUser", func(t *testing.T) { testSessionAndUser(t, newAdapter(t)) })
	t.Run("Authenticators", func(t *testing.T) { testAuthenticators(t, o, newAdapter(t)) })
	t.Run("AuthenticatorManager", func(t *testing.T) { testAuthenticatorManager(t, newAdapter(t)) })
	t.Run("DeleteUserCascades", func(t *testing.T) { testCascade(t, newAdapter(t)) })
	t.Run("UnicodeAndLargeFields", func(t *testing.T) { testUnicode(t, o, newAdapter(t)) })
	t.Run("SQLMetaCharacters", func(t *testing.T) { testMeta(t, newAdapter(t)) })
	t.Run("Deadline", func(t *testing.T) { testDeadline(t, newAdapter(t)) })
	t.Run("UserAccountCreator", func(t *testing.T) { testUserAccountCreator(t, o, newAdapter(t)) })
	t.Run("AccountUpdater", func(t *testing.T) { testAccountUpdater(t, newAdapter(t)) })
	t.Run("ExpiredDeleter", func(t *testing.T) { testExpiredDeleter(t, o, newAdapter(t)) })
	t.Run("PasswordStore", func(t *testing.T) { testPasswordStore(t, o, newAdapter(t)) })
	t.Run("SecondFactorStore", func(t *testing.T) { testSecondFactorStore(t, newAdapter(t)) })

	sessions := func(t *testing.T) (adapter.SessionStore, func(t *testing.T) string) {
		a := newAdapter(t)
		return a, func(t *testing.T) string { return mustUser(t, a, o.user(User{})).ID }
	}
	runSessions(t, sessions)
	RunVerificationTokenStore(t, func(t *testing.T) adapter.VerificationTokenStore { return newAdapter(t) })
	t.Run("RevocationStore", func(t *testing.T) {
		a := newAdapter(t)
		if _, ok := a.(adapter.RevocationStore); !ok {
			t.Skip("the adapter does not implement adapter.RevocationStore")
		}
		testRevocation(t, a.(adapter.RevocationStore))
	})
	t.Run("SessionRevocationStore", func(t *testing.T) { testSessionRevocation(t, newAdapter(t)) })
}

// User is adapter.User, shortened for the tables of cases.
type User = adapter.User

// ctx returns a context that ends with the test, with a generous deadline so
// a hung backend fails the test instead of hanging it.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// checkErr fails t unless err is an *adapter.Error that wraps want (when
// want is not nil).
func checkErr(t *testing.T, what string, err error, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: got no error, want one", what)
	}
	var ae *adapter.Error
	if !errors.As(err, &ae) {
		t.Fatalf("%s: error %T %q is not an *adapter.Error", what, err, err)
	}
	if ae.Method == "" {
		t.Errorf("%s: *adapter.Error has no Method: %q", what, err)
	}
	if !strings.HasPrefix(err.Error(), "adapter: ") {
		t.Errorf("%s: error %q does not start with %q", what, err, "adapter: ")
	}
	if want != nil && !errors.Is(err, want) {
		t.Fatalf("%s: error %q does not wrap %q", what, err, want)
	}
}

func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func mustUser(t *testing.T, a adapter.UserStore, u User) *User {
	t.Helper()
	got, err := a.CreateUser(ctx(t), u)
	noErr(t, "CreateUser", err)
	if got == nil || got.ID == "" {
		t.Fatalf("CreateUser returned %+v, want a user with an id", got)
	}
	return got
}

// sec is t in UTC without its fraction of a second, for comparing values
// that went through a store.
func sec(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

// sameTime fails t unless got is want to the second and in UTC.
func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !sec(got).Equal(sec(want)) {
		t.Errorf("%s = %v, want %v (to the second)", what, got, want)
	}
	if !got.IsZero() && got.Location() != time.UTC {
		t.Errorf("%s is in %v, want UTC", what, got.Location())
	}
}

func sameUser(t *testing.T, what string, got *User, want User) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: got no user, want %+v", what, want)
	}
	if got.ID != want.ID || got.Name != want.Name || got.Email != want.Email || got.Image != want.Image || got.Role != want.Role {
		t.Errorf("%s = %s, want %s", what, short(*got), short(want))
	}
	switch {
	case (got.EmailVerified == nil) != (want.EmailVerified == nil):
		t.Errorf("%s: EmailVerified = %v, want %v", what, got.EmailVerified, want.EmailVerified)
	case got.EmailVerified != nil:
		sameTime(t, what+".EmailVerified", *got.EmailVerified, *want.EmailVerified)
	}
}

// short prints a user with long fields cut, so a 10 KB name does not flood
// the log.
func short(u User) string {
	cut := func(s string) string {
		if len(s) > 40 {
			return s[:40] + "…(" + strconv.Itoa(len(s)) + " bytes)"
		}
		return s
	}
	return "{ID:" + u.ID + " Name:" + cut(u.Name) + " Email:" + cut(u.Email) + " Image:" + cut(u.Image) + " Role:" + u.Role + "}"
}

// isGenerated reports whether s is an id the adapter generated: a UUID,
// or with o.IntegerIDs a positive decimal number.
func (o Options) isGenerated(s string) bool {
	if !o.IntegerIDs {
		return isUUID(s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return err == nil && n > 0 && strconv.FormatInt(n, 10) == s
}

// isUUID reports whether s is a UUID in its canonical text form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", c) {
				return false
			}
		}
	}
	return true
}
