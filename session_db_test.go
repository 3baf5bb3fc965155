package authgo_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
)

func TestCredentialsWithDatabaseSessions(t *testing.T) {
	store := memory.New()
	ctx := context.Background()
	if _, err := store.CreateUser(ctx, authgo.User{ID: "user-1", Name: "Ada Lovelace", Email: "ada@example.com", Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(c *authgo.Config) { c.Adapter = store })
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	c := f.cookie("authjs.session-token")
	if c == nil || strings.Count(c.Value, ".") != 0 || len(c.Value) < 32 {
		t.Fatalf("database session cookie should hold a random token, got %v", c)
	}
	row, user, err := store.GetSessionAndUser(ctx, c.Value)
	if err != nil || row == nil || user.ID != "user-1" {
		t.Fatalf("no session row for the credentials sign-in: %v %v %v", row, user, err)
	}
	s := f.session()
	if s["user"].(map[string]any)["role"] != "admin" {
		t.Fatalf("session %v", s)
	}
	// A user the adapter does not know yet is created for the session.
	location(t, f.signIn("grace@example.com", "another long secret"))
	if u, _ := store.GetUserByEmail(ctx, "grace@example.com"); u == nil {
		t.Fatal("credentials user not stored for its database session")
	}
	// Sign-out deletes the row.
	token := f.cookie("authjs.session-token").Value
	location(t, f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, nil))
	if row, _ := store.GetSession(ctx, token); row != nil {
		t.Fatal("session row survives sign-out")
	}
}

func TestDatabaseSessionExpiryAndUpdateAge(t *testing.T) {
	store := memory.New()
	ctx := context.Background()
	now := time.Now()
	clock := func() time.Time { return now }
	f := newFixture(t, func(c *authgo.Config) {
		c.Adapter = store
		c.Now = clock
		c.Session.MaxAge = 10 * time.Hour
		c.Session.UpdateAge = time.Hour
	})
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	token := f.cookie("authjs.session-token").Value
	first, _ := store.GetSession(ctx, token)

	now = now.Add(30 * time.Minute) // within updateAge: row not written
	f.session()
	if row, _ := store.GetSession(ctx, token); !row.Expires.Equal(first.Expires) || !row.LastSeenAt.Equal(first.LastSeenAt) {
		t.Fatal("row written before UpdateAge passed")
	}
	now = now.Add(time.Hour) // past updateAge: extended to now+maxAge
	f.session()
	if row, _ := store.GetSession(ctx, token); !row.Expires.After(first.Expires) {
		t.Fatal("row not extended after UpdateAge")
	}
	now = now.Add(11 * time.Hour) // expired: deleted, null
	if s := f.session(); s != nil {
		t.Fatalf("expired session returned %v", s)
	}
	if row, _ := store.GetSession(ctx, token); row != nil {
		t.Fatal("expired row not deleted on read")
	}
}

func TestForgedDatabaseSessionToken(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) { c.Adapter = memory.New() })
	for _, v := range []string{"does-not-exist", "' OR 1=1 --", strings.Repeat("x", 2000)} {
		req, _ := http.NewRequest("GET", f.url("/api/auth/session"), nil)
		req.AddCookie(&http.Cookie{Name: "authjs.session-token", Value: url.QueryEscape(v)})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "null" {
			t.Errorf("%q: %d %s", v, resp.StatusCode, b)
		}
	}
}

// downAdapter is an adapter whose store is unreachable.
type downAdapter struct{ adapter.Adapter }

func (downAdapter) GetSessionAndUser(context.Context, string) (*adapter.Session, *adapter.User, error) {
	return nil, nil, &adapter.Error{Method: "GetSessionAndUser", Err: errors.Join(adapter.ErrUnavailable, errors.New("dial tcp: connection refused"))}
}

func TestStoreDownAnswers503(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) { c.Adapter = downAdapter{memory.New()} })
	req, _ := http.NewRequest("GET", f.url("/api/auth/session"), nil)
	req.AddCookie(&http.Cookie{Name: "authjs.session-token", Value: "some-token"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(b), "Unavailable") || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	if !strings.Contains(f.logs.String(), "GetSessionAndUser") {
		t.Fatal("no log line naming the failing call")
	}
}

func TestUpdateUserAppliesToDatabaseSessions(t *testing.T) {
	store := memory.New()
	ctx := context.Background()
	if _, err := store.CreateUser(ctx, authgo.User{ID: "user-2", Name: "Grace Hopper", Email: "grace@example.com", Role: "viewer"}); err != nil {
		t.Fatal(err)
	}
	var told []string
	f := newFixture(t, func(c *authgo.Config) {
		c.Adapter = store
		c.Session.CacheTTL = time.Minute
		c.Events.UpdateUser = func(_ context.Context, u *authgo.User) error { told = append(told, u.Role); return nil }
	})
	location(t, f.signIn("grace@example.com", "another long secret"))
	if role := f.session()["user"].(map[string]any)["role"]; role != "viewer" {
		t.Fatalf("role %v", role)
	}
	u, _ := store.GetUser(ctx, "user-2")
	u.Role = "editor"
	if _, err := f.auth.UpdateUser(ctx, *u); err != nil {
		t.Fatal(err)
	}
	if role := f.session()["user"].(map[string]any)["role"]; role != "editor" {
		t.Fatalf("role after UpdateUser %v (cached?)", role)
	}
	if len(told) != 1 || told[0] != "editor" {
		t.Fatalf("Events.UpdateUser told %v", told)
	}
}

// LastSeenAt moves at most hourly even when UpdateAge is a day, and the
// expiry is not extended by it.
func TestDatabaseSessionLastSeen(t *testing.T) {
	store := memory.New()
	ctx := context.Background()
	now := time.Now()
	f := newFixture(t, func(c *authgo.Config) {
		c.Adapter = store
		c.Now = func() time.Time { return now }
	})
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	token := f.cookie("authjs.session-token").Value
	first, _ := store.GetSession(ctx, token)
	now = now.Add(90 * time.Minute)
	f.session()
	row, _ := store.GetSession(ctx, token)
	if !row.LastSeenAt.After(first.LastSeenAt) || !row.Expires.Equal(first.Expires) {
		t.Fatalf("after 90 min: last seen %v (was %v), expires %v (was %v)", row.LastSeenAt, first.LastSeenAt, row.Expires, first.Expires)
	}
}

// A client may send any bytes in User-Agent (Go's server accepts obs-text);
// PostgreSQL refuses invalid UTF-8 in a text column, so such a header
// would make a database sign-in fail. The stored value is valid UTF-8.
func TestDatabaseSessionUserAgentIsValidUTF8(t *testing.T) {
	store := memory.New()
	f := newFixture(t, func(c *authgo.Config) { c.Adapter = store })
	form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {f.csrf()}}
	location(t, f.do("POST", "/api/auth/callback/credentials", form, map[string]string{"User-Agent": "Mozilla/5.0 \xff\xfe(X11)"}))
	c := f.cookie("authjs.session-token")
	if c == nil {
		t.Fatal("not signed in")
	}
	row, err := store.GetSession(context.Background(), c.Value)
	if err != nil || row == nil {
		t.Fatalf("session row: %v, %v", row, err)
	}
	if !utf8.ValidString(row.UserAgent) || !strings.HasPrefix(row.UserAgent, "Mozilla/5.0 ") {
		t.Fatalf("stored User-Agent %q", row.UserAgent)
	}
}
