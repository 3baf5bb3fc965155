package authgo_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
)

// PeekSession reads a database session without writing its row: no
// sliding expiry, no last-seen time, an expired row refused but kept.
func TestPeekSessionWritesNoRow(t *testing.T) {
	store := memory.New()
	ctx := context.Background()
	now := time.Now()
	f := newFixture(t, func(c *authgo.Config) {
		c.Adapter = store
		c.Now = func() time.Time { return now }
		c.Session.MaxAge = 10 * time.Hour
		c.Session.UpdateAge = time.Hour
	})
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	c := f.cookie("authjs.session-token")
	first, _ := store.GetSession(ctx, c.Value)
	peek := func() *authgo.Session {
		t.Helper()
		r := httptest.NewRequest("GET", "/anything", nil)
		r.AddCookie(c)
		s, err := f.auth.PeekSession(r)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now = now.Add(2 * time.Hour) // past UpdateAge and the last-seen interval
	if s := peek(); s == nil || s.User.Email != "ada@example.com" {
		t.Fatalf("PeekSession = %+v", s)
	}
	row, _ := store.GetSession(ctx, c.Value)
	if !row.Expires.Equal(first.Expires) || !row.LastSeenAt.Equal(first.LastSeenAt) {
		t.Fatalf("PeekSession wrote the row: expires %v (was %v), last seen %v (was %v)", row.Expires, first.Expires, row.LastSeenAt, first.LastSeenAt)
	}
	now = now.Add(9 * time.Hour) // expired
	if s := peek(); s != nil {
		t.Fatalf("expired session peeked: %+v", s)
	}
	if row, _ := store.GetSession(ctx, c.Value); row == nil {
		t.Fatal("PeekSession deleted the expired row")
	}
}

// PeekSession of a JWT session sets no cookie and refuses a signed-out one.
func TestPeekSessionJWT(t *testing.T) {
	a := mustNew(t, authgo.Config{Secret: []string{strings.Repeat("k", 32)}, URL: "http://localhost/api/auth", LookupEnv: noEnv,
		Providers: []authgo.Provider{credentialsFunc(func() (*authgo.User, error) {
			return &authgo.User{ID: "u1", Email: "a@example.com", Role: "editor"}, nil
		})}})
	r := signedInRequest(t, a, "/x")
	s, err := a.PeekSession(r)
	if err != nil || s == nil || s.User.Role != "editor" {
		t.Fatalf("PeekSession = %+v, %v", s, err)
	}
	if s, err := a.PeekSession(httptest.NewRequest("GET", "/x", nil)); s != nil || err != nil {
		t.Fatalf("no cookie: %+v, %v", s, err)
	}
}
