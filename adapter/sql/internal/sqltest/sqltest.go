// Package sqltest holds the tests that every driver module of adapter/sql
// runs against its real database: the conformance suite with default and
// prefixed tables, migrations (once, twice, concurrently, too new), the
// lookup benchmark, and the helpers of the fault tests. A driver module's
// test gives a function that makes a fresh, empty Database; this package
// links no driver.
package sqltest

import (
	"context"
	"crypto/rand"
	dbsql "database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/uuid"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/adaptertest"
	authsql "github.com/authgo/authgo/adapter/sql"
)

// Database is a fresh, empty database for one test: a temp file (SQLite), a
// schema (PostgreSQL) or a database (MySQL), dropped when the test ends.
type Database struct {
	// Dialect is the database's dialect.
	Dialect authsql.Dialect
	// Name is the schema (PostgreSQL), database (MySQL) or file (SQLite).
	Name string
	// Open opens the database again with the options, as another instance
	// would; the adapter is closed when the test ends (see CloseWith).
	Open func(t testing.TB, opts authsql.Options) (*authsql.Adapter, error)
	// Raw opens the database without an adapter, for statements that
	// another tool would run; it is closed when the test ends.
	Raw func(t testing.TB) *dbsql.DB
}

// MustOpen opens the database or fails t.
func (d Database) MustOpen(t testing.TB, opts authsql.Options) *authsql.Adapter {
	t.Helper()
	a, err := d.Open(t, opts)
	if err != nil {
		t.Fatalf("open %v: %v", d.Dialect, err)
	}
	return a
}

// CloseWith returns a and err, and closes a when t ends if err is nil.
func CloseWith(t testing.TB, a *authsql.Adapter, err error) (*authsql.Adapter, error) {
	if err == nil {
		t.Cleanup(func() { a.Close() })
	}
	return a, err
}

// Name is a random lower-case name for a schema or database.
func Name() string { return "authgo_test_" + strings.ToLower(rand.Text()[:12]) }

// Run runs the tests that every driver module passes against its real
// database, each on fresh databases that newDB makes: the conformance
// suite with default and with prefixed tables, and the migrations run
// once, twice, by several instances at once, and on a newer schema.
func Run(t *testing.T, newDB func(testing.TB) Database) {
	t.Run("Conformance", func(t *testing.T) { Conformance(t, newDB) })
	t.Run("ConformancePrefixed", func(t *testing.T) { ConformancePrefixed(t, newDB) })
	t.Run("Migrations", func(t *testing.T) { Migrations(t, newDB) })
	t.Run("ConcurrentMigrations", func(t *testing.T) { ConcurrentMigrations(t, newDB) })
	t.Run("Presets", func(t *testing.T) { RunPresets(t, newDB) })
	t.Run("SchemaChecks", func(t *testing.T) { SchemaChecks(t, newDB) })
}

// Conformance runs the adapter conformance suite, each subtest on a fresh
// database.
func Conformance(t *testing.T, newDB func(testing.TB) Database) {
	adaptertest.Run(t, func(t *testing.T) adapter.Adapter {
		return newDB(t).MustOpen(t, authsql.Options{})
	})
}

// ConformancePrefixed runs the suite once more with prefixed and renamed
// tables, so that no statement names a table by hand.
func ConformancePrefixed(t *testing.T, newDB func(testing.TB) Database) {
	adaptertest.Run(t, func(t *testing.T) adapter.Adapter {
		db := newDB(t)
		a := db.MustOpen(t, authsql.Options{TablePrefix: "auth_", Tables: authsql.Tables{Users: "people", VerificationTokens: "magic"}})
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
}

// Migrations checks a first migration, a second one that changes nothing,
// the refusal of a schema newer than the code, and SkipMigrations.
func Migrations(t *testing.T, newDB func(testing.TB) Database) {
	db := newDB(t)
	a := db.MustOpen(t, authsql.Options{})
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
	first := knownVersions(t, a)
	if vs := versions(); !slices.Equal(vs, first) {
		t.Fatalf("versions after the first open = %v, want %v", vs, first)
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
	if vs := versions(); !slices.Equal(vs, first) {
		t.Errorf("versions after a second Migrate = %v, want %v", vs, first)
	}
	if got, _ := a.GetUser(ctx, u.ID); got == nil {
		t.Error("a second Migrate lost a user")
	}

	// A version below the highest that is not recorded (its number was
	// handed out before it landed) is applied all the same.
	if _, err := a.DB().Exec("DELETE FROM authgo_schema_versions WHERE version = 2"); err != nil {
		t.Fatal(err)
	}
	if err := a.Migrate(ctx); err != nil {
		t.Fatalf("Migrate with version 2 missing: %v", err)
	}
	if vs := versions(); !slices.Equal(vs, first) {
		t.Errorf("versions after Migrate with version 2 missing = %v, want %v", vs, first)
	}

	// A newer schema is refused with a sentence.
	if _, err := a.DB().Exec("INSERT INTO authgo_schema_versions (version, applied_at) VALUES (999, " + map[authsql.Dialect]string{
		authsql.SQLite: "0", authsql.Postgres: "now()", authsql.MySQL: "NOW(3)"}[a.Dialect()] + ")"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Open(t, authsql.Options{})
	if !errors.Is(err, authsql.ErrSchemaTooNew) {
		t.Fatalf("open with schema version 999: %v, want ErrSchemaTooNew", err)
	}
	for _, part := range []string{"999", "upgrade authgo"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("the error %q does not say %q", err, part)
		}
	}
	// Opting out of migrations opens it anyway.
	if _, err := db.Open(t, authsql.Options{SkipMigrations: true}); err != nil {
		t.Errorf("open with SkipMigrations: %v", err)
	}
}

// ConcurrentMigrations starts several instances on one empty database at
// once, each with its own pool: all must succeed and the schema must be
// recorded once.
func ConcurrentMigrations(t *testing.T, newDB func(testing.TB) Database) {
	concurrentMigrations(t, newDB(t), authsql.Options{})
}

// concurrentMigrations starts several instances with opts on db at once.
func concurrentMigrations(t *testing.T, db Database, opts authsql.Options) {
	const instances = 6
	errs := make(chan error, instances)
	adapters := make(chan *authsql.Adapter, instances)
	start := make(chan struct{})
	for range instances {
		go func() {
			<-start
			a, err := db.Open(t, opts)
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
	if known := knownVersions(t, a); n != len(known) || max != a.SchemaVersion() {
		t.Errorf("%d version rows up to %d, want each of %v once", n, max, known)
	}
	if _, err := a.CreateUser(context.Background(), adapter.User{Email: "after@example.com"}); err != nil {
		t.Errorf("CreateUser after concurrent migrations: %v", err)
	}
}

// knownVersions returns the migration versions the code knows.
func knownVersions(t testing.TB, a *authsql.Adapter) []int {
	st, err := a.Migrator().Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Known
}

// BenchmarkGetSessionAndUser measures the lookup behind every request with
// database sessions, on 1,000 users with one session each.
func BenchmarkGetSessionAndUser(b *testing.B, newDB func(testing.TB) Database) {
	a := newDB(b).MustOpen(b, authsql.Options{})
	ctx := context.Background()
	const n = 1000
	tokens := make([]string, n)
	for i := range n {
		u, err := a.CreateUser(ctx, adapter.User{Name: "User", Email: fmt.Sprintf("u%d@example.com", i)})
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = uuid.New()
		if _, err := a.CreateSession(ctx, adapter.Session{SessionToken: tokens[i], UserID: u.ID, Expires: time.Now().Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		s, u, err := a.GetSessionAndUser(ctx, tokens[i%n])
		if err != nil || s == nil || u == nil {
			b.Fatalf("GetSessionAndUser = %v, %v, %v", s, u, err)
		}
		i++
	}
}
