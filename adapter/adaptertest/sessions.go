package adaptertest

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
)

// RunSessionStore runs the session part of the suite against a store that
// keeps sessions without users (Redis, say): create, get, update, delete,
// time values, duplicates, and the optional SessionLister,
// UserSessionsDeleter and ExpiredDeleter when newStore's result implements
// them. User ids are made up, so the store must not check that users exist.
func RunSessionStore(t *testing.T, newStore func(t *testing.T) adapter.SessionStore) {
	runSessions(t, func(t *testing.T) (adapter.SessionStore, func(t *testing.T) string) {
		return newStore(t), func(*testing.T) string { return rand.Text() }
	})
}

// runSessions runs the session tests; newStore returns a fresh store and a
// function that returns the id of a new user the store accepts sessions for.
func runSessions(t *testing.T, newStore func(t *testing.T) (adapter.SessionStore, func(t *testing.T) string)) {
	t.Run("Sessions", func(t *testing.T) { s, u := newStore(t); testSessions(t, s, u) })
	t.Run("SessionDeadline", func(t *testing.T) { s, u := newStore(t); testSessionDeadline(t, s, u) })
	t.Run("SessionLister", func(t *testing.T) {
		s, u := newStore(t)
		l, ok := s.(adapter.SessionLister)
		if !ok {
			t.Skip("the store does not implement adapter.SessionLister")
		}
		testSessionLister(t, s, l, u)
	})
	t.Run("UserSessionsDeleter", func(t *testing.T) {
		s, u := newStore(t)
		d, ok := s.(adapter.UserSessionsDeleter)
		if !ok {
			t.Skip("the store does not implement adapter.UserSessionsDeleter")
		}
		testUserSessionsDeleter(t, s, d, u)
	})
	t.Run("SessionsExpiredDeleter", func(t *testing.T) {
		s, u := newStore(t)
		d, ok := s.(adapter.ExpiredDeleter)
		if !ok {
			t.Skip("the store does not implement adapter.ExpiredDeleter")
		}
		c := ctx(t)
		uid := u(t)
		now := time.Now()
		_, err := s.CreateSession(c, adapter.Session{SessionToken: "old", UserID: uid, Expires: now.Add(-time.Minute)})
		noErr(t, "CreateSession(expired)", err)
		_, err = s.CreateSession(c, adapter.Session{SessionToken: "new", UserID: uid, Expires: now.Add(time.Hour)})
		noErr(t, "CreateSession", err)
		n, err := d.DeleteExpired(c, now)
		noErr(t, "DeleteExpired", err)
		if n != 1 {
			t.Errorf("DeleteExpired deleted %d, want 1", n)
		}
		if got, _ := s.GetSession(c, "old"); got != nil {
			t.Errorf("the expired session is still there: %+v", got)
		}
		if got, _ := s.GetSession(c, "new"); got == nil {
			t.Error("DeleteExpired removed a live session")
		}
	})
}

func sameSession(t *testing.T, what string, got *adapter.Session, want adapter.Session) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: got no session, want %+v", what, want)
	}
	if got.SessionToken != want.SessionToken || got.UserID != want.UserID || got.UserAgent != want.UserAgent || got.IP != want.IP {
		t.Errorf("%s = %+v, want %+v", what, *got, want)
	}
	sameTime(t, what+".Expires", got.Expires, want.Expires)
	if !want.CreatedAt.IsZero() {
		sameTime(t, what+".CreatedAt", got.CreatedAt, want.CreatedAt)
	}
	if !want.LastSeenAt.IsZero() {
		sameTime(t, what+".LastSeenAt", got.LastSeenAt, want.LastSeenAt)
	}
}

func testSessions(t *testing.T, s adapter.SessionStore, newUser func(t *testing.T) string) {
	c := ctx(t)
	uid := newUser(t)
	token := rand.Text()
	kolkata := time.FixedZone("IST", 5*3600+1800)
	expires := time.Date(2031, 1, 2, 3, 4, 5, 678_000_000, kolkata)
	created := time.Date(2030, 12, 31, 23, 59, 58, 0, time.FixedZone("PST", -8*3600))
	want := adapter.Session{SessionToken: token, UserID: uid, Expires: expires, CreatedAt: created, LastSeenAt: created, UserAgent: "Mozilla/5.0 (X11; Linux x86_64) 😀", IP: "2001:db8::1"}

	before := time.Now()
	got, err := s.CreateSession(c, want)
	noErr(t, "CreateSession", err)
	sameSession(t, "CreateSession", got, want)
	got, err = s.GetSession(c, token)
	noErr(t, "GetSession", err)
	sameSession(t, "GetSession", got, want)

	// Zero CreatedAt is now, zero LastSeenAt is CreatedAt.
	bare := adapter.Session{SessionToken: rand.Text(), UserID: uid, Expires: time.Now().Add(time.Hour)}
	_, err = s.CreateSession(c, bare)
	noErr(t, "CreateSession without CreatedAt", err)
	got, err = s.GetSession(c, bare.SessionToken)
	noErr(t, "GetSession", err)
	sameSession(t, "GetSession (bare)", got, bare)
	if got.CreatedAt.Before(sec(before)) || got.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("CreatedAt = %v, want the time of CreateSession (%v)", got.CreatedAt, before)
	}
	if !sec(got.LastSeenAt).Equal(sec(got.CreatedAt)) {
		t.Errorf("LastSeenAt = %v, want CreatedAt %v", got.LastSeenAt, got.CreatedAt)
	}

	// A token already stored is a duplicate, and the error does not repeat it.
	_, err = s.CreateSession(c, adapter.Session{SessionToken: token, UserID: uid, Expires: expires})
	checkErr(t, "CreateSession with a taken token", err, adapter.ErrDuplicate)
	if strings.Contains(err.Error(), token) {
		t.Errorf("the error %q repeats the session token", err)
	}

	// Expired sessions are returned as they are: the caller decides.
	old := adapter.Session{SessionToken: rand.Text(), UserID: uid, Expires: time.Now().Add(-time.Hour)}
	_, err = s.CreateSession(c, old)
	noErr(t, "CreateSession(expired)", err)
	got, err = s.GetSession(c, old.SessionToken)
	if got == nil || err != nil {
		// A store with its own expiry (a TTL) may drop it at once.
		t.Logf("an expired session is not returned (%v); the store expires sessions itself", err)
	}

	// Update sets Expires and LastSeenAt only.
	later := time.Now().Add(30 * 24 * time.Hour)
	seen := time.Now()
	got, err = s.UpdateSession(c, adapter.Session{SessionToken: token, Expires: later, LastSeenAt: seen, UserID: "someone-else", UserAgent: "changed", IP: "203.0.113.9"})
	noErr(t, "UpdateSession", err)
	want.Expires, want.LastSeenAt = later, seen
	sameSession(t, "UpdateSession", got, want)
	got, err = s.GetSession(c, token)
	noErr(t, "GetSession after UpdateSession", err)
	sameSession(t, "GetSession after UpdateSession", got, want)

	if got, err := s.UpdateSession(c, adapter.Session{SessionToken: "no-such-token", Expires: later}); got != nil || err != nil {
		t.Errorf("UpdateSession(missing) = %+v, %v; want nil, nil", got, err)
	}
	if got, _ := s.GetSession(c, "no-such-token"); got != nil {
		t.Errorf("UpdateSession(missing) created %+v", got)
	}

	// Not found, forged, hostile tokens: (nil, nil).
	for _, bad := range []string{"", "no-such-token", strings.ToLower(token), token + " ", "' OR '1'='1", "%", "_", strings.Repeat("x", 5000), "\x00", "a\x00b", "\xff\xfe", "🔑"} {
		if got, err := s.GetSession(c, bad); got != nil || err != nil {
			t.Errorf("GetSession(%.20q) = %+v, %v; want nil, nil", bad, got, err)
		}
		if got, err := s.DeleteSession(c, bad); got != nil || err != nil {
			t.Errorf("DeleteSession(%.20q) = %+v, %v; want nil, nil", bad, got, err)
		}
	}

	got, err = s.DeleteSession(c, token)
	noErr(t, "DeleteSession", err)
	sameSession(t, "DeleteSession", got, want)
	if got, err := s.GetSession(c, token); got != nil || err != nil {
		t.Errorf("GetSession after DeleteSession = %+v, %v; want nil, nil", got, err)
	}
	if got, err := s.DeleteSession(c, token); got != nil || err != nil {
		t.Errorf("DeleteSession twice = %+v, %v; want nil, nil", got, err)
	}
	if got, _ := s.GetSession(c, bare.SessionToken); got == nil {
		t.Error("DeleteSession removed another session")
	}
}

func testSessionAndUser(t *testing.T, a adapter.Adapter) {
	c := ctx(t)
	u := mustUser(t, a, User{Name: "Ada", Email: "ada@example.com", Role: "admin"})
	token := rand.Text()
	want := adapter.Session{SessionToken: token, UserID: u.ID, Expires: time.Now().Add(time.Hour), UserAgent: "ua"}
	_, err := a.CreateSession(c, want)
	noErr(t, "CreateSession", err)

	s, gu, err := a.GetSessionAndUser(c, token)
	noErr(t, "GetSessionAndUser", err)
	sameSession(t, "GetSessionAndUser session", s, want)
	sameUser(t, "GetSessionAndUser user", gu, *u)

	for _, bad := range []string{"", "forged", "' OR 1=1 --", token[:len(token)-1]} {
		s, gu, err := a.GetSessionAndUser(c, bad)
		if s != nil || gu != nil || err != nil {
			t.Errorf("GetSessionAndUser(%q) = %+v, %+v, %v; want nil, nil, nil", bad, s, gu, err)
		}
	}
	// An expired session comes back with its user; the caller deletes it.
	old := adapter.Session{SessionToken: rand.Text(), UserID: u.ID, Expires: time.Now().Add(-time.Minute)}
	_, err = a.CreateSession(c, old)
	noErr(t, "CreateSession(expired)", err)
	s, gu, err = a.GetSessionAndUser(c, old.SessionToken)
	noErr(t, "GetSessionAndUser(expired)", err)
	sameSession(t, "GetSessionAndUser(expired)", s, old)
	sameUser(t, "GetSessionAndUser(expired) user", gu, *u)
}

func testSessionLister(t *testing.T, s adapter.SessionStore, l adapter.SessionLister, newUser func(t *testing.T) string) {
	c := ctx(t)
	uid, other := newUser(t), newUser(t)
	list, err := l.ListUserSessions(c, uid)
	noErr(t, "ListUserSessions(none)", err)
	if len(list) != 0 {
		t.Errorf("ListUserSessions(none) = %+v", list)
	}
	now := time.Now()
	mk := func(token, user string, created time.Time, expires time.Time) adapter.Session {
		x := adapter.Session{SessionToken: token, UserID: user, Expires: expires, CreatedAt: created, UserAgent: "ua-" + token, IP: "192.0.2.1"}
		_, err := s.CreateSession(c, x)
		noErr(t, "CreateSession", err)
		return x
	}
	oldest := mk("oldest", uid, now.Add(-3*time.Hour), now.Add(time.Hour))
	newest := mk("newest", uid, now.Add(-1*time.Hour), now.Add(time.Hour))
	middle := mk("middle", uid, now.Add(-2*time.Hour), now.Add(time.Hour))
	mk("expired", uid, now.Add(-30*time.Minute), now.Add(-time.Minute))
	mk("theirs", other, now, now.Add(time.Hour))

	list, err = l.ListUserSessions(c, uid)
	noErr(t, "ListUserSessions", err)
	if len(list) != 3 {
		t.Fatalf("ListUserSessions returned %d sessions, want 3 (unexpired, own): %+v", len(list), list)
	}
	for i, want := range []adapter.Session{newest, middle, oldest} {
		sameSession(t, fmt.Sprintf("ListUserSessions[%d]", i), &list[i], want)
	}
}

func testUserSessionsDeleter(t *testing.T, s adapter.SessionStore, d adapter.UserSessionsDeleter, newUser func(t *testing.T) string) {
	c := ctx(t)
	uid, other := newUser(t), newUser(t)
	for _, tok := range []string{"a", "b", "c"} {
		_, err := s.CreateSession(c, adapter.Session{SessionToken: tok, UserID: uid, Expires: time.Now().Add(time.Hour)})
		noErr(t, "CreateSession", err)
	}
	_, err := s.CreateSession(c, adapter.Session{SessionToken: "theirs", UserID: other, Expires: time.Now().Add(time.Hour)})
	noErr(t, "CreateSession", err)

	n, err := d.DeleteUserSessions(c, uid)
	noErr(t, "DeleteUserSessions", err)
	if n != 3 {
		t.Errorf("DeleteUserSessions = %d, want 3", n)
	}
	for _, tok := range []string{"a", "b", "c"} {
		if got, _ := s.GetSession(c, tok); got != nil {
			t.Errorf("session %q survived DeleteUserSessions", tok)
		}
	}
	if got, _ := s.GetSession(c, "theirs"); got == nil {
		t.Error("DeleteUserSessions removed another user's session")
	}
	n, err = d.DeleteUserSessions(c, uid)
	noErr(t, "DeleteUserSessions twice", err)
	if n != 0 {
		t.Errorf("DeleteUserSessions twice = %d, want 0", n)
	}
}
