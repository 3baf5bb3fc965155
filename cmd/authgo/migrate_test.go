package main

import (
	"crypto/rand"
	dbsql "database/sql"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/authgo/authgo/internal/testenv"
)

// pgAdapterSQL is @auth/pg-adapter's documented schema (its docs'
// "Schema" section): SERIAL ids, no unique keys, no foreign keys.
const pgAdapterSQL = `CREATE TABLE verification_token (identifier TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL, token TEXT NOT NULL, PRIMARY KEY (identifier, token));
CREATE TABLE accounts (id SERIAL, "userId" INTEGER NOT NULL, type VARCHAR(255) NOT NULL, provider VARCHAR(255) NOT NULL, "providerAccountId" VARCHAR(255) NOT NULL, refresh_token TEXT, access_token TEXT, expires_at BIGINT, id_token TEXT, scope TEXT, session_state TEXT, token_type TEXT, PRIMARY KEY (id));
CREATE TABLE sessions (id SERIAL, "userId" INTEGER NOT NULL, expires TIMESTAMPTZ NOT NULL, "sessionToken" VARCHAR(255) NOT NULL, PRIMARY KEY (id));
CREATE TABLE users (id SERIAL, name VARCHAR(255), email VARCHAR(255), "emailVerified" TIMESTAMPTZ, image TEXT, PRIMARY KEY (id))`

// pgSchema makes a PostgreSQL schema of the test's own with pg-adapter's
// tables and returns a URL whose search_path is it.
func pgSchema(t *testing.T) string {
	base := testenv.Postgres(t)
	admin, err := dbsql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "authgo_cli_" + strings.ToLower(rand.Text()[:10])
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := dbsql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range strings.Split(pgAdapterSQL, ";\n") {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	return u.String()
}

// TestMigrateOnPgAdapterTables runs `authgo migrate` on a database that
// @auth/pg-adapter's SQL made: status without --schema says which preset
// the tables follow and what to set; with --schema pg-adapter it lists
// the pending versions; plan prints authgo's own tables and the unique
// indexes and creates nothing; up applies them, and status is then clean.
func TestMigrateOnPgAdapterTables(t *testing.T) {
	db := pgSchema(t)
	env := func(string) string { return "" }
	migrate := func(args ...string) (int, string, string) {
		var out, errOut strings.Builder
		code := runMigrate(append(args, "--database", db), &out, &errOut, env)
		return code, out.String(), errOut.String()
	}
	code, out, _ := migrate("status")
	if code != 1 || !strings.Contains(out, "detected    pg-adapter") || !strings.Contains(out, "sql.SchemaPgAdapter") {
		t.Errorf("status with authgo's schema: exit %d\n%s", code, out)
	}
	code, out, _ = migrate("status", "--schema", "pg-adapter")
	if code != 1 || !strings.Contains(out, "pending     1 2 3 4 5 6") || !strings.Contains(out, "authgo migrate up") {
		t.Errorf("status before up: exit %d\n%s", code, out)
	}
	code, out, errOut := migrate("plan", "--schema", "pg-adapter")
	for _, want := range []string{`CREATE TABLE IF NOT EXISTS "authgo_user_data"`, `CREATE UNIQUE INDEX IF NOT EXISTS "users_email_authgo_key" ON "users" (email)`, "-- version 5", `INSERT INTO "authgo_schema_versions"`} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("plan: exit %d, stderr %q; the plan does not hold %q:\n%s", code, errOut, want, out)
		}
	}
	for _, host := range []string{`CREATE TABLE IF NOT EXISTS "users"`, `"sessions_userId_idx"`, `REFERENCES "users"`} {
		if strings.Contains(out, host) {
			t.Errorf("the plan touches the host's tables (%s):\n%s", host, out)
		}
	}
	if code, out, _ := migrate("status", "--schema", "pg-adapter"); !strings.Contains(out, "pending     1 2 3 4 5 6") {
		t.Errorf("plan changed the database: exit %d\n%s", code, out)
	}
	if code, out, errOut := migrate("up", "--schema", "pg-adapter"); code != 0 || !strings.Contains(out, "applied 1 2 3 4 5 6") {
		t.Fatalf("up: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = migrate("status", "--schema", "pg-adapter")
	if code != 0 || !strings.Contains(out, "pending     none") || !strings.Contains(out, "as the schema needs them") || !strings.Contains(out, "detected    pg-adapter") {
		t.Errorf("status after up: exit %d\n%s", code, out)
	}
	if code, out, _ := migrate("up", "--schema", "pg-adapter"); code != 0 || !strings.Contains(out, "nothing to do") {
		t.Errorf("a second up: exit %d\n%s", code, out)
	}
}

// TestMigrateSQLite runs up and status on a new SQLite file, and refuses
// a missing database and unknown names.
func TestMigrateSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "auth.db")
	env := func(k string) string {
		if k == "AUTHGO_DATABASE_URL" {
			return path
		}
		return ""
	}
	var out, errOut strings.Builder
	if code := runMigrate([]string{"up"}, &out, &errOut, env); code != 0 {
		t.Fatalf("up: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := runMigrate([]string{"status"}, &out, &errOut, env); code != 0 || !strings.Contains(out.String(), "detected    authgo") || !strings.Contains(out.String(), "pending     none") {
		t.Errorf("status: exit %d\n%s", code, out.String())
	}
	for _, c := range []struct {
		args []string
		env  func(string) string
		code int
		says string
	}{
		{[]string{"status"}, func(string) string { return "" }, 1, "set AUTHGO_DATABASE_URL"},
		{[]string{"status", "--schema", "mongoose"}, env, 2, `unknown schema "mongoose"`},
		{[]string{"sideways"}, env, 2, `unknown action "sideways"`},
		{nil, env, 2, "authgo migrate plan"},
	} {
		var out, errOut strings.Builder
		if code := runMigrate(c.args, &out, &errOut, c.env); code != c.code || !strings.Contains(errOut.String(), c.says) {
			t.Errorf("%q: exit %d, stderr %q; want %d saying %q", c.args, code, errOut.String(), c.code, c.says)
		}
	}
}
