package adaptertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
)

// expiredCtx returns a context whose deadline has passed.
func expiredCtx(t *testing.T) context.Context {
	c, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
	t.Cleanup(cancel)
	return c
}

// testDeadline checks that a call whose deadline has passed fails with an
// *adapter.Error wrapping ErrUnavailable, not a panic or a silent success.
func testDeadline(t *testing.T, a adapter.Adapter) {
	u := mustUser(t, a, User{Email: "deadline@example.com"})
	c := expiredCtx(t)
	_, err := a.GetUser(c, u.ID)
	checkErr(t, "GetUser with an expired deadline", err, adapter.ErrUnavailable)
	_, err = a.CreateUser(c, User{Email: "late@example.com"})
	checkErr(t, "CreateUser with an expired deadline", err, adapter.ErrUnavailable)
	if got, _ := a.GetUserByEmail(ctx(t), "late@example.com"); got != nil {
		t.Errorf("CreateUser with an expired deadline stored %+v", got)
	}
	_, _, err = a.GetSessionAndUser(c, "token")
	checkErr(t, "GetSessionAndUser with an expired deadline", err, adapter.ErrUnavailable)
}

func testSessionDeadline(t *testing.T, s adapter.SessionStore, newUser func(t *testing.T) string) {
	uid := newUser(t)
	c := expiredCtx(t)
	_, err := s.CreateSession(c, adapter.Session{SessionToken: "late", UserID: uid, Expires: time.Now().Add(time.Hour)})
	checkErr(t, "CreateSession with an expired deadline", err, adapter.ErrUnavailable)
	_, err = s.GetSession(c, "late")
	checkErr(t, "GetSession with an expired deadline", err, adapter.ErrUnavailable)
}

func testTokenDeadline(t *testing.T, s adapter.VerificationTokenStore) {
	c := expiredCtx(t)
	_, err := s.UseVerificationToken(c, "a@example.com", "token")
	checkErr(t, "UseVerificationToken with an expired deadline", err, adapter.ErrUnavailable)
}

func testUnicode(t *testing.T, o Options, a adapter.Adapter) {
	c := ctx(t)
	big := strings.Repeat("0123456789abcdéf", 10*1024/17+1) // > 10 KB, multi-byte
	if o.MaxText > 0 {
		big = string([]rune(big)[:o.MaxText]) // as long as the schema holds
	}
	names := []string{
		"Zoë Ådahl-Łukasiewicz",
		"山田 太郎",
		"عبد الله",
		"👩🏽‍💻 Dev 🚀",
		"e\u0301 combining",
		big,
	}
	for _, name := range names {
		want := o.user(User{Name: name, Email: "", Image: "https://example.com/" + name})
		if o.MaxText > 0 {
			want.Image = string([]rune(want.Image)[:min(o.MaxText, len([]rune(want.Image)))])
		}
		got := mustUser(t, a, want)
		want.ID = got.ID
		back, err := a.GetUser(c, got.ID)
		noErr(t, "GetUser", err)
		sameUser(t, "unicode user", back, want)
	}
	email := "ünïcødé.用户@例え.jp"
	u := mustUser(t, a, User{Email: email, Name: "Unicode Email"})
	got, err := a.GetUserByEmail(c, email)
	noErr(t, "GetUserByEmail(unicode)", err)
	sameUser(t, "GetUserByEmail(unicode)", got, *u)

	acc := adapter.Account{UserID: u.ID, Type: "oidc", Provider: "ünï", ProviderAccountID: "账户-1",
		AccessToken: big, RefreshToken: big, IDToken: big, Scope: big, SessionState: "ß"}
	noErr(t, "LinkAccount(10 KB tokens)", a.LinkAccount(c, acc))
	back, err := a.GetAccount(c, "ünï", "账户-1")
	noErr(t, "GetAccount(10 KB tokens)", err)
	if back == nil || *back != acc {
		t.Errorf("the 10 KB account did not round trip (got %d-byte access token)", func() int {
			if back == nil {
				return -1
			}
			return len(back.AccessToken)
		}())
	}
	if gu, _ := a.GetUserByAccount(c, "ünï", "账户-1"); gu == nil || gu.ID != u.ID {
		t.Errorf("GetUserByAccount(unicode) = %+v", gu)
	}
}

func testMeta(t *testing.T, a adapter.Adapter) {
	c := ctx(t)
	bystander := mustUser(t, a, User{Email: "bystander@example.com"})
	hostile := `o'brien"; DROP TABLE users;--@example.com`
	u := mustUser(t, a, User{Email: hostile, Name: `Robert'); DELETE FROM sessions; --`, Image: `\'\\"`})
	got, err := a.GetUserByEmail(c, hostile)
	noErr(t, "GetUserByEmail(hostile)", err)
	sameUser(t, "GetUserByEmail(hostile)", got, *u)

	// Wildcards match only themselves.
	for _, pat := range []string{"%", "_", "%@example.com", "o_brien%", "' OR '1'='1", `" OR "1"="1`} {
		if got, err := a.GetUserByEmail(c, pat); got != nil || err != nil {
			t.Errorf("GetUserByEmail(%q) = %+v, %v; want nil, nil", pat, got, err)
		}
		if got, err := a.GetUser(c, pat); got != nil || err != nil {
			t.Errorf("GetUser(%q) = %+v, %v; want nil, nil", pat, got, err)
		}
	}
	noErr(t, "LinkAccount(hostile)", a.LinkAccount(c, adapter.Account{UserID: u.ID, Type: "oauth", Provider: "p'; --", ProviderAccountID: `1" OR 1=1`}))
	if gu, _ := a.GetUserByAccount(c, "p'; --", `1" OR 1=1`); gu == nil || gu.ID != u.ID {
		t.Errorf("GetUserByAccount(hostile) = %+v", gu)
	}
	if gu, _ := a.GetUserByAccount(c, "p'; --", `%`); gu != nil {
		t.Errorf("GetUserByAccount(wildcard) = %+v", gu)
	}

	// Everything else is still there.
	if got, _ := a.GetUser(c, bystander.ID); got == nil {
		t.Error("the bystander is gone")
	}
	noErr(t, "DeleteUser(hostile)", a.DeleteUser(c, u.ID))
	if got, _ := a.GetUser(c, bystander.ID); got == nil {
		t.Error("deleting the hostile user deleted the bystander")
	}
}

func testUserAccountCreator(t *testing.T, o Options, a adapter.Adapter) {
	cr, ok := a.(adapter.UserAccountCreator)
	if !ok {
		t.Skip("the adapter does not implement adapter.UserAccountCreator")
	}
	c := ctx(t)
	want := User{Name: "New", Email: "new@example.com"}
	acc := adapter.Account{Type: "oauth", Provider: "github", ProviderAccountID: "1001", AccessToken: "at"}
	got, err := cr.CreateUserAndLinkAccount(c, want, acc)
	noErr(t, "CreateUserAndLinkAccount", err)
	if got == nil || !o.isGenerated(got.ID) {
		t.Fatalf("CreateUserAndLinkAccount = %+v, want a user with a generated id", got)
	}
	want.ID = got.ID
	sameUser(t, "CreateUserAndLinkAccount", got, want)
	gu, err := a.GetUserByAccount(c, "github", "1001")
	noErr(t, "GetUserByAccount", err)
	sameUser(t, "GetUserByAccount after CreateUserAndLinkAccount", gu, want)
	if ga, _ := a.GetAccount(c, "github", "1001"); ga == nil || ga.UserID != got.ID || ga.AccessToken != "at" {
		t.Errorf("GetAccount = %+v", ga)
	}

	// The account is taken: nothing is created, not even the user.
	_, err = cr.CreateUserAndLinkAccount(c, User{Email: "orphan@example.com"}, acc)
	checkErr(t, "CreateUserAndLinkAccount with a linked account", err, adapter.ErrDuplicate)
	if u, err := a.GetUserByEmail(c, "orphan@example.com"); u != nil || err != nil {
		t.Errorf("a failed CreateUserAndLinkAccount left the user %+v (%v)", u, err)
	}
	// The email is taken: nothing is created, not even the account.
	_, err = cr.CreateUserAndLinkAccount(c, User{Email: "new@example.com"}, adapter.Account{Type: "oauth", Provider: "gitlab", ProviderAccountID: "9"})
	checkErr(t, "CreateUserAndLinkAccount with a taken email", err, adapter.ErrDuplicate)
	if ga, err := a.GetAccount(c, "gitlab", "9"); ga != nil || err != nil {
		t.Errorf("a failed CreateUserAndLinkAccount left the account %+v (%v)", ga, err)
	}
}

func testExpiredDeleter(t *testing.T, o Options, a adapter.Adapter) {
	d, ok := a.(adapter.ExpiredDeleter)
	if !ok {
		t.Skip("the adapter does not implement adapter.ExpiredDeleter")
	}
	c := ctx(t)
	u := mustUser(t, a, o.user(User{}))
	now := time.Now()
	for i, exp := range []time.Time{now.Add(-time.Hour), now.Add(-time.Second), now.Add(time.Hour)} {
		tok := []string{"s-old", "s-recent", "s-live"}[i]
		_, err := a.CreateSession(c, adapter.Session{SessionToken: tok, UserID: u.ID, Expires: exp})
		noErr(t, "CreateSession", err)
		noErr(t, "CreateVerificationToken", a.CreateVerificationToken(c, adapter.VerificationToken{Identifier: "x@example.com", Token: "v" + tok, Expires: exp}))
	}
	n, err := d.DeleteExpired(c, now)
	noErr(t, "DeleteExpired", err)
	if n != 4 {
		t.Errorf("DeleteExpired = %d, want 4 (two sessions, two tokens)", n)
	}
	if s, _ := a.GetSession(c, "s-live"); s == nil {
		t.Error("DeleteExpired removed a live session")
	}
	if s, _ := a.GetSession(c, "s-old"); s != nil {
		t.Error("DeleteExpired kept an expired session")
	}
	if vt, _ := a.UseVerificationToken(c, "x@example.com", "vs-live"); vt == nil {
		t.Error("DeleteExpired removed a live verification token")
	}
	if vt, _ := a.UseVerificationToken(c, "x@example.com", "vs-recent"); vt != nil {
		t.Error("DeleteExpired kept an expired verification token")
	}
	if n, _ := d.DeleteExpired(c, now); n != 0 {
		t.Errorf("DeleteExpired twice = %d, want 0", n)
	}
}

// RunRevocationStore runs the revocation part of the suite against a store
// that keeps it (an SQL adapter, Redis): user epochs, and signed-out
// sessions when the store is an adapter.SessionRevocationStore.
func RunRevocationStore(t *testing.T, newStore func(t *testing.T) adapter.RevocationStore) {
	t.Run("RevocationStore", func(t *testing.T) { testRevocation(t, newStore(t)) })
	t.Run("SessionRevocationStore", func(t *testing.T) { testSessionRevocation(t, newStore(t)) })
}

func testRevocation(t *testing.T, r adapter.RevocationStore) {
	c := ctx(t)
	at, err := r.TokensRevokedBefore(c, "user-1")
	noErr(t, "TokensRevokedBefore(never)", err)
	if !at.IsZero() {
		t.Errorf("TokensRevokedBefore(never) = %v, want the zero time", at)
	}
	epoch := time.Date(2030, 1, 2, 3, 4, 5, 600_000_000, time.FixedZone("JST", 9*3600))
	noErr(t, "RevokeUserTokens", r.RevokeUserTokens(c, "user-1", epoch))
	at, err = r.TokensRevokedBefore(c, "user-1")
	noErr(t, "TokensRevokedBefore", err)
	sameTime(t, "TokensRevokedBefore", at, epoch)

	// An earlier time does not move the epoch back; a later one moves it on.
	noErr(t, "RevokeUserTokens(earlier)", r.RevokeUserTokens(c, "user-1", epoch.Add(-time.Hour)))
	at, _ = r.TokensRevokedBefore(c, "user-1")
	sameTime(t, "TokensRevokedBefore after an earlier revocation", at, epoch)
	later := epoch.Add(time.Hour)
	noErr(t, "RevokeUserTokens(later)", r.RevokeUserTokens(c, "user-1", later))
	at, _ = r.TokensRevokedBefore(c, "user-1")
	sameTime(t, "TokensRevokedBefore after a later revocation", at, later)

	if at, err := r.TokensRevokedBefore(c, "user-2"); !at.IsZero() || err != nil {
		t.Errorf("another user's epoch = %v, %v; want zero", at, err)
	}
	_, err = r.TokensRevokedBefore(expiredCtx(t), "user-1")
	checkErr(t, "TokensRevokedBefore with an expired deadline", err, adapter.ErrUnavailable)
}

// testSessionRevocation checks the records of signed-out JWT sessions: kept
// until their expiry (the later one when revoked twice), then gone — by
// DeleteExpired where the store implements it, else by the store's own
// expiry.
func testSessionRevocation(t *testing.T, store any) {
	r, ok := store.(adapter.SessionRevocationStore)
	if !ok {
		t.Skip("the store does not implement adapter.SessionRevocationStore")
	}
	c := ctx(t)
	now := time.Now()
	if revoked, err := r.SessionRevoked(c, "session-1"); revoked || err != nil {
		t.Fatalf("SessionRevoked(never revoked) = %v, %v; want false", revoked, err)
	}
	noErr(t, "RevokeSession", r.RevokeSession(c, "session-1", now.Add(time.Hour)))
	if revoked, err := r.SessionRevoked(c, "session-1"); !revoked || err != nil {
		t.Fatalf("SessionRevoked after RevokeSession = %v, %v; want true", revoked, err)
	}
	if revoked, _ := r.SessionRevoked(c, "session-2"); revoked {
		t.Error("SessionRevoked of another id = true")
	}
	// An earlier expiry does not shorten the record; an expired record goes.
	noErr(t, "RevokeSession(earlier expiry)", r.RevokeSession(c, "session-1", now.Add(-time.Minute)))
	noErr(t, "RevokeSession(expired)", r.RevokeSession(c, "session-old", now.Add(-time.Minute)))
	if d, ok := r.(adapter.ExpiredDeleter); ok {
		_, err := d.DeleteExpired(c, now)
		noErr(t, "DeleteExpired", err)
	}
	if revoked, err := r.SessionRevoked(c, "session-1"); !revoked || err != nil {
		t.Errorf("SessionRevoked after revoking again with an earlier expiry = %v, %v; want true (the later expiry kept)", revoked, err)
	}
	if revoked, err := r.SessionRevoked(c, "session-old"); revoked || err != nil {
		t.Errorf("SessionRevoked of an expired record after the sweep = %v, %v; want false", revoked, err)
	}
	_, err := r.SessionRevoked(expiredCtx(t), "session-1")
	checkErr(t, "SessionRevoked with an expired deadline", err, adapter.ErrUnavailable)
	checkErr(t, "RevokeSession with an expired deadline", r.RevokeSession(expiredCtx(t), "session-3", now.Add(time.Hour)), adapter.ErrUnavailable)
}

func testAccountUpdater(t *testing.T, a adapter.Adapter) {
	up, ok := a.(adapter.AccountUpdater)
	if !ok {
		t.Skip("the adapter does not implement adapter.AccountUpdater")
	}
	c := ctx(t)
	u := mustUser(t, a, User{Email: "rotate@example.com"})
	acc := adapter.Account{UserID: u.ID, Type: "oauth", Provider: "acme", ProviderAccountID: "42", AccessToken: "at-1", RefreshToken: "rt-1", ExpiresAt: 1000, TokenType: "bearer", Scope: "openid"}
	noErr(t, "LinkAccount", a.LinkAccount(c, acc))
	next := acc
	next.AccessToken, next.RefreshToken, next.ExpiresAt, next.IDToken = "at-2", "rt-2", 2000, "idt"
	next.UserID, next.Type = "someone-else", "forged" // not written
	noErr(t, "UpdateAccount", up.UpdateAccount(c, next))
	got, err := a.GetAccount(c, "acme", "42")
	noErr(t, "GetAccount", err)
	if got == nil || got.AccessToken != "at-2" || got.RefreshToken != "rt-2" || got.ExpiresAt != 2000 || got.IDToken != "idt" || got.UserID != u.ID || got.Type != "oauth" || got.Scope != "openid" {
		t.Fatalf("after UpdateAccount: %+v", got)
	}
	// An unknown account is not an error and creates nothing.
	noErr(t, "UpdateAccount unknown", up.UpdateAccount(c, adapter.Account{Provider: "acme", ProviderAccountID: "nope", AccessToken: "x"}))
	if got, _ := a.GetAccount(c, "acme", "nope"); got != nil {
		t.Fatal("UpdateAccount created an account")
	}
}
