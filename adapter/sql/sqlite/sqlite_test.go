package sqlite_test

import (
	"context"
	dbsql "database/sql"
	"path/filepath"
	"strings"
	"testing"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
	"github.com/authgo/authgo/adapter/sql/sqlite"
)

// newDB is a database file in a temporary directory of the test.
func newDB(t testing.TB) sqltest.Database {
	path := filepath.Join(t.TempDir(), "auth.db")
	return sqltest.Database{Dialect: authsql.SQLite, Name: path, Open: func(t testing.TB, opts authsql.Options) (*authsql.Adapter, error) {
		a, err := sqlite.Open(context.Background(), path, opts)
		return sqltest.CloseWith(t, a, err)
	}, Raw: func(t testing.TB) *dbsql.DB {
		db, err := dbsql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}}
}

// TestAdapter runs the conformance suite and the migration tests (see
// sqltest.Run).
func TestAdapter(t *testing.T) { sqltest.Run(t, newDB) }

// BenchmarkGetSessionAndUser measures the lookup behind every request with
// database sessions (see sqltest.BenchmarkGetSessionAndUser).
func BenchmarkGetSessionAndUser(b *testing.B) { sqltest.BenchmarkGetSessionAndUser(b, newDB) }

func TestBadTableName(t *testing.T) {
	db := newDB(t)
	for _, opts := range []authsql.Options{
		{TablePrefix: `x"; DROP TABLE users; --`},
		{Tables: authsql.Tables{Users: "users`"}},
		{Tables: authsql.Tables{Sessions: "1sessions"}},
		{Tables: authsql.Tables{Sessions: strings.Repeat("s", 49)}},
	} {
		if _, err := db.Open(t, opts); err == nil || !strings.Contains(err.Error(), "table name") {
			t.Errorf("options %+v: error %v, want one about the table name", opts, err)
		}
	}
}

// TestEmailSendFailureLeavesNothing: a sign-in mail the mail server does
// not take leaves no verification token row (see sqltest.EmailSendFailure).
func TestEmailSendFailureLeavesNothing(t *testing.T) { sqltest.EmailSendFailure(t, newDB) }
