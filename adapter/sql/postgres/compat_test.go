package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
)

// TestPgAdapterStatements runs, against authgo's PostgreSQL schema, the
// statements @auth/pg-adapter sends (inserts without ids that read the
// generated id back, selects of *, delete … returning), and checks that
// each side reads what the other wrote — the point of sharing a database
// with a Next.js app.
func TestPgAdapterStatements(t *testing.T) {
	a := newDB(t).MustOpen(t, authsql.Options{})
	db, ctx := a.DB(), context.Background()
	id := pgAdapterCreatesUser(t, a)
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	pgAdapterLinksAndCreatesSession(t, a, id, expires)
	authgoWritesPgAdapterReads(t, a, id, expires)
	// pg-adapter's deleteUser deletes the user row first; the foreign keys
	// take the sessions and accounts with it.
	if _, err := db.Exec(`DELETE FROM users WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.GetAccount(ctx, "github", "5150"); got != nil {
		t.Error("the account outlived its user")
	}
}

// pgAdapterCreatesUser runs pg-adapter's createUser (no id given, the
// generated one read back), checks authgo reads the user, and returns its
// id.
func pgAdapterCreatesUser(t *testing.T, a *authsql.Adapter) string {
	t.Helper()
	verified := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var id, name, email string
	var ev time.Time
	var image *string
	err := a.DB().QueryRow(`INSERT INTO users (name, email, "emailVerified", image) VALUES ($1, $2, $3, $4) RETURNING id, name, email, "emailVerified", image`,
		"Next User", "next@example.com", verified, nil).Scan(&id, &name, &email, &ev, &image)
	if err != nil {
		t.Fatalf("pg-adapter createUser: %v", err)
	}
	if len(id) != 36 {
		t.Errorf("generated id %q is not a UUID", id)
	}
	u, err := a.GetUser(context.Background(), id)
	if err != nil || u == nil || u.Email != "next@example.com" || u.EmailVerified == nil || !u.EmailVerified.Equal(verified) {
		t.Fatalf("authgo GetUser of a pg-adapter user = %+v, %v", u, err)
	}
	return id
}

// pgAdapterLinksAndCreatesSession runs pg-adapter's linkAccount and
// createSession (which read back an id too) for the user id, and checks
// authgo reads both.
func pgAdapterLinksAndCreatesSession(t *testing.T, a *authsql.Adapter, id string, expires time.Time) {
	t.Helper()
	db, ctx := a.DB(), context.Background()
	var accID string
	err := db.QueryRow(`INSERT INTO accounts ("userId", provider, type, "providerAccountId", access_token, expires_at, refresh_token, id_token, scope, session_state, token_type)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		id, "github", "oauth", "5150", "gho_x", 1900000000, nil, nil, "read:user", nil, "bearer").Scan(&accID)
	if err != nil {
		t.Fatalf("pg-adapter linkAccount: %v", err)
	}
	if gu, err := a.GetUserByAccount(ctx, "github", "5150"); err != nil || gu == nil || gu.ID != id {
		t.Errorf("authgo GetUserByAccount of a pg-adapter account = %+v, %v", gu, err)
	}
	var sessID string
	if err := db.QueryRow(`INSERT INTO sessions ("userId", expires, "sessionToken") VALUES ($1, $2, $3) RETURNING id`, id, expires, "next-token").Scan(&sessID); err != nil {
		t.Fatalf("pg-adapter createSession: %v", err)
	}
	s, su, err := a.GetSessionAndUser(ctx, "next-token")
	if err != nil || s == nil || su == nil || su.ID != id || !s.Expires.Equal(expires) {
		t.Fatalf("authgo GetSessionAndUser of a pg-adapter session = %+v, %+v, %v", s, su, err)
	}
	if s.CreatedAt.IsZero() {
		t.Error("a session inserted without createdAt has none; the column default is missing")
	}
}

// authgoWritesPgAdapterReads writes a session and a verification token
// with authgo and reads them with pg-adapter's statements.
func authgoWritesPgAdapterReads(t *testing.T, a *authsql.Adapter, id string, expires time.Time) {
	t.Helper()
	db, ctx := a.DB(), context.Background()
	if _, err := a.CreateSession(ctx, authsqlSession(id, "go-token", expires)); err != nil {
		t.Fatal(err)
	}
	var userID string
	var exp time.Time
	if err := db.QueryRow(`SELECT "userId", expires FROM sessions WHERE "sessionToken" = $1`, "go-token").Scan(&userID, &exp); err != nil || userID != id || !exp.Equal(expires) {
		t.Errorf("pg-adapter getSessionAndUser of an authgo session: %q %v %v", userID, exp, err)
	}
	if err := a.CreateVerificationToken(ctx, authsqlToken("next@example.com", "hashed", expires)); err != nil {
		t.Fatal(err)
	}
	var ident, tok string
	if err := db.QueryRow(`DELETE FROM verification_token WHERE identifier = $1 AND token = $2 RETURNING identifier, expires, token`, "next@example.com", "hashed").Scan(&ident, &exp, &tok); err != nil || tok != "hashed" {
		t.Errorf("pg-adapter useVerificationToken of an authgo token: %q %v", tok, err)
	}
}

func authsqlSession(userID, token string, expires time.Time) adapter.Session {
	return adapter.Session{SessionToken: token, UserID: userID, Expires: expires}
}

func authsqlToken(identifier, token string, expires time.Time) adapter.VerificationToken {
	return adapter.VerificationToken{Identifier: identifier, Token: token, Expires: expires}
}
