package serve

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/testenv"
)

// AUTHGO_DATABASE_URL takes a SQLite path, a postgres:// URL or a
// mysql:// URL: each one signs in with database sessions, and verify
// reads the session from it. Each run has tables of its own (a prefix),
// dropped when it ends.
func TestDatabaseURLs(t *testing.T) {
	mysqlURL := func(t *testing.T) string {
		dsn := testenv.MySQL(t) // root@tcp(127.0.0.1:3306)/test?parseTime=true
		user, rest, _ := strings.Cut(dsn, "@tcp(")
		host, db, _ := strings.Cut(rest, ")/")
		return "mysql://" + user + "@" + host + "/" + db
	}
	for name, raw := range map[string]func(*testing.T) string{
		"sqlite":   func(t *testing.T) string { return t.TempDir() + "/auth.db" },
		"postgres": func(t *testing.T) string { return testenv.Postgres(t) },
		"mysql":    mysqlURL,
	} {
		t.Run(name, func(t *testing.T) {
			prefix := fmt.Sprintf("t%d_", time.Now().UnixNano()%1e12)
			fx := newFixture(t, &File{Users: testUsers(), TablePrefix: prefix}, map[string]string{"AUTHGO_DATABASE_URL": raw(t)})
			t.Cleanup(func() { dropPrefixed(fx.srv.db.DB(), name, prefix) })
			if fx.srv.cfg.strategy != "database" {
				t.Fatalf("strategy %s with a database", fx.srv.cfg.strategy)
			}
			c := browser()
			fx.signIn(c, "editor@example.com", "/")
			resp := fx.verify(fx.cookies(c), "https://app.test/x", nil)
			if resp.StatusCode != 200 || resp.Header.Get("Remote-Groups") != "viewer,editor" {
				t.Fatalf("verify %d, groups %q", resp.StatusCode, resp.Header.Get("Remote-Groups"))
			}
			if code, body := fx.get("/readyz"); code != 200 || !strings.Contains(body, `"database":"ok"`) {
				t.Fatalf("readyz %d %s", code, body)
			}
			// A file user's role is written to the database, where the
			// database session reads it.
			u, err := fx.srv.db.GetUserByEmail(t.Context(), "editor@example.com")
			if err != nil || u == nil || u.Role != "editor" {
				t.Fatalf("stored user %+v, %v", u, err)
			}
		})
	}
}

// dropPrefixed drops the tables whose names start with prefix, a few
// rounds so that foreign keys need no order (SQLite files go with the
// test's directory).
func dropPrefixed(db *sql.DB, kind, prefix string) {
	if kind == "sqlite" {
		return
	}
	q := "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE '" + prefix + "%'"
	if kind == "mysql" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE '" + prefix + "%'"
	}
	for range 5 {
		rows, err := db.Query(q)
		if err != nil {
			return
		}
		var names []string
		for rows.Next() {
			var n string
			if rows.Scan(&n) == nil {
				names = append(names, n)
			}
		}
		rows.Close()
		if len(names) == 0 {
			return
		}
		for _, n := range names {
			_, _ = db.Exec("DROP TABLE IF EXISTS " + n)
		}
	}
}

// With second_factor.required_roles [admin], an admin's password alone
// gives no session verify accepts (they are sent to set up the
// authenticator app); a viewer signs in as before.
func TestSecondFactorRequiredRoles(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), Database: t.TempDir() + "/auth.db",
		SecondFactor: SecondFactorFile{Enabled: true, RequiredRoles: []string{"admin"}}}, nil)
	admin, viewer := browser(), browser()
	loc := fx.signIn(admin, "admin@example.com", "/")
	if r := fx.verify(fx.cookies(admin), "https://app.test/", nil); r.StatusCode != 302 {
		t.Fatalf("admin after the password only (sent to %s): verify %d, want 302", loc, r.StatusCode)
	}
	fx.signIn(viewer, "viewer@example.com", "/")
	if r := fx.verify(fx.cookies(viewer), "https://app.test/", nil); r.StatusCode != 200 {
		t.Fatalf("viewer: verify %d", r.StatusCode)
	}
}
