package sql_test

import (
	"context"
	"crypto/rand"
	dbsql "database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/adaptertest"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/internal/testenv"
)

// database is a fresh, empty database for one test: a temp file (SQLite), a
// schema (PostgreSQL) or a database (MySQL), dropped when the test ends.
type database struct {
	dialect authsql.Dialect
	// open opens the database again with the options, as another instance
	// would; the adapter is closed when the test ends.
	open func(t testing.TB, opts authsql.Options) (*authsql.Adapter, error)
}

func (d database) mustOpen(t testing.TB, opts authsql.Options) *authsql.Adapter {
	t.Helper()
	a, err := d.open(t, opts)
	if err != nil {
		t.Fatalf("open %v: %v", d.dialect, err)
	}
	return a
}

func closeWith(t testing.TB, a *authsql.Adapter, err error) (*authsql.Adapter, error) {
	if err == nil {
		t.Cleanup(func() { a.Close() })
	}
	return a, err
}

func newSQLite(t testing.TB) database {
	path := filepath.Join(t.TempDir(), "auth.db")
	return database{authsql.SQLite, func(t testing.TB, opts authsql.Options) (*authsql.Adapter, error) {
		a, err := authsql.OpenSQLite(context.Background(), path, opts)
		return closeWith(t, a, err)
	}}
}

// testName is a random lower-case name for a schema or database.
func testName() string { return "authgo_test_" + strings.ToLower(rand.Text()[:12]) }

func newPostgres(t testing.TB) database {
	u := testenv.PostgresSchema(t)
	return database{authsql.Postgres, func(t testing.TB, opts authsql.Options) (*authsql.Adapter, error) {
		a, err := authsql.OpenPostgres(context.Background(), u, opts)
		return closeWith(t, a, err)
	}}
}

func newMySQL(t testing.TB) database {
	cfg, err := mysql.ParseDSN(testenv.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	adminCfg := *cfg
	adminCfg.DBName = ""
	admin, err := dbsql.Open("mysql", adminCfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := testName()
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE " + name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	dsn := cfg.FormatDSN()
	return database{authsql.MySQL, func(t testing.TB, opts authsql.Options) (*authsql.Adapter, error) {
		a, err := authsql.OpenMySQL(context.Background(), dsn, opts)
		return closeWith(t, a, err)
	}}
}

var dialects = []struct {
	name string
	new  func(testing.TB) database
}{
	{"SQLite", newSQLite},
	{"Postgres", newPostgres},
	{"MySQL", newMySQL},
}

func TestConformance(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			adaptertest.Run(t, func(t *testing.T) adapter.Adapter {
				return d.new(t).mustOpen(t, authsql.Options{})
			})
		})
	}
}

// TestConformancePrefixed runs the suite once more with prefixed and
// renamed tables, so that no statement names a table by hand.
func TestConformancePrefixed(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			adaptertest.Run(t, func(t *testing.T) adapter.Adapter {
				db := d.new(t)
				a := db.mustOpen(t, authsql.Options{TablePrefix: "auth_", Tables: authsql.Tables{Users: "people", VerificationTokens: "magic"}})
				n := a.TableNames()
				if n.Users != "auth_people" || n.Sessions != "auth_sessions" || n.VerificationTokens != "auth_magic" {
					t.Fatalf("TableNames = %+v", n)
				}
				// The default names are not there.
				if _, err := a.DB().Exec("SELECT 1 FROM users"); err == nil {
					t.Fatal("a table named users exists although the prefix is auth_")
				}
				return a
			})
		})
	}
}

func TestBadTableName(t *testing.T) {
	db := newSQLite(t)
	for _, opts := range []authsql.Options{
		{TablePrefix: `x"; DROP TABLE users; --`},
		{Tables: authsql.Tables{Users: "users`"}},
		{Tables: authsql.Tables{Sessions: "1sessions"}},
		{Tables: authsql.Tables{Sessions: strings.Repeat("s", 49)}},
	} {
		if _, err := db.open(t, opts); err == nil || !strings.Contains(err.Error(), "table name") {
			t.Errorf("options %+v: error %v, want one about the table name", opts, err)
		}
	}
}

func TestMigrations(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			db := d.new(t)
			a := db.mustOpen(t, authsql.Options{})
			versions := func() []int {
				rows, err := a.DB().Query("SELECT version FROM authgo_schema_versions ORDER BY version")
				if err != nil {
					t.Fatal(err)
				}
				defer rows.Close()
				var vs []int
				for rows.Next() {
					var v int
					rows.Scan(&v)
					vs = append(vs, v)
				}
				return vs
			}
			want := a.SchemaVersion()
			if vs := versions(); len(vs) != want || vs[len(vs)-1] != want {
				t.Fatalf("versions after the first open = %v, want 1..%d", vs, want)
			}
			ctx := context.Background()
			u, err := a.CreateUser(ctx, adapter.User{Email: "kept@example.com"})
			if err != nil {
				t.Fatal(err)
			}

			// Twice: nothing happens, nothing is lost.
			if err := a.Migrate(ctx); err != nil {
				t.Fatalf("second Migrate: %v", err)
			}
			if vs := versions(); len(vs) != want {
				t.Errorf("versions after a second Migrate = %v", vs)
			}
			if got, _ := a.GetUser(ctx, u.ID); got == nil {
				t.Error("a second Migrate lost a user")
			}

			// A newer schema is refused with a sentence.
			if _, err := a.DB().Exec("INSERT INTO authgo_schema_versions (version, applied_at) VALUES (999, " + map[authsql.Dialect]string{
				authsql.SQLite: "0", authsql.Postgres: "now()", authsql.MySQL: "NOW(3)"}[d2(a)] + ")"); err != nil {
				t.Fatal(err)
			}
			_, err = db.open(t, authsql.Options{})
			if !errors.Is(err, authsql.ErrSchemaTooNew) {
				t.Fatalf("open with schema version 999: %v, want ErrSchemaTooNew", err)
			}
			for _, part := range []string{"999", "upgrade authgo"} {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("the error %q does not say %q", err, part)
				}
			}
			// Opting out of migrations opens it anyway.
			if _, err := db.open(t, authsql.Options{SkipMigrations: true}); err != nil {
				t.Errorf("open with SkipMigrations: %v", err)
			}
		})
	}
}

func d2(a *authsql.Adapter) authsql.Dialect { return a.Dialect() }

// TestConcurrentMigrations starts several instances on one empty database
// at once, each with its own pool: all must succeed and the schema must be
// recorded once.
func TestConcurrentMigrations(t *testing.T) {
	for _, d := range dialects {
		t.Run(d.name, func(t *testing.T) {
			db := d.new(t)
			const instances = 6
			errs := make(chan error, instances)
			adapters := make(chan *authsql.Adapter, instances)
			start := make(chan struct{})
			for range instances {
				go func() {
					<-start
					a, err := db.open(t, authsql.Options{})
					errs <- err
					adapters <- a
				}()
			}
			close(start)
			for range instances {
				if err := <-errs; err != nil {
					t.Errorf("an instance failed to migrate: %v", err)
				}
			}
			a := <-adapters
			if a == nil {
				t.FailNow()
			}
			var n, max int
			if err := a.DB().QueryRow("SELECT COUNT(*), MAX(version) FROM authgo_schema_versions").Scan(&n, &max); err != nil {
				t.Fatal(err)
			}
			if n != a.SchemaVersion() || max != a.SchemaVersion() {
				t.Errorf("%d version rows up to %d, want each of 1..%d once", n, max, a.SchemaVersion())
			}
			if _, err := a.CreateUser(context.Background(), adapter.User{Email: "after@example.com"}); err != nil {
				t.Errorf("CreateUser after concurrent migrations: %v", err)
			}
		})
	}
}
