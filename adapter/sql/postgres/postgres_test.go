package postgres_test

import (
	"context"
	dbsql "database/sql"
	"net/url"
	"testing"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
	"github.com/authgo/authgo/adapter/sql/postgres"
	"github.com/authgo/authgo/internal/testenv"
)

// newDB makes a schema of its own on the test server, dropped when the
// test ends, and opens adapters on it through search_path.
func newDB(t testing.TB) sqltest.Database {
	base := testenv.Postgres(t)
	admin, err := dbsql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := sqltest.Name()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return sqltest.Database{Dialect: authsql.Postgres, Name: schema, Open: func(t testing.TB, opts authsql.Options) (*authsql.Adapter, error) {
		a, err := postgres.Open(context.Background(), u.String(), opts)
		return sqltest.CloseWith(t, a, err)
	}, Raw: func(t testing.TB) *dbsql.DB {
		db, err := dbsql.Open("pgx", u.String())
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

// TestEmailSendFailureLeavesNothing: a sign-in mail the mail server does
// not take leaves no verification token row (see sqltest.EmailSendFailure).
func TestEmailSendFailureLeavesNothing(t *testing.T) { sqltest.EmailSendFailure(t, newDB) }
