package postgres_test

import (
	"context"
	"net/url"
	"testing"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
	"github.com/authgo/authgo/adapter/sql/postgres"
	"github.com/authgo/authgo/internal/testenv"
)

// TestDatabaseDown opens an adapter on a port where no server listens
// (see sqltest.DatabaseDown).
func TestDatabaseDown(t *testing.T) {
	pgURL := "postgres://postgres@" + sqltest.ClosedPort(t) + "/test?sslmode=disable&connect_timeout=2"
	sqltest.DatabaseDown(t, postgres.Open, "pgx", pgURL, postgres.Driver{})
}

// TestRecovery takes the database away under a working adapter and brings
// it back (see sqltest.Recovery).
func TestRecovery(t *testing.T) {
	base := newDB(t).MustOpen(t, authsql.Options{}) // creates the schema
	u, err := url.Parse(testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	p := sqltest.NewProxy(t, u.Host)
	via := *u
	via.Host = p.Addr
	q := via.Query()
	q.Set("search_path", mustSearchPath(t, base))
	q.Set("connect_timeout", "2")
	via.RawQuery = q.Encode()
	a, err := postgres.Open(context.Background(), via.String(), authsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sqltest.Recovery(t, a, p)
}

func mustSearchPath(t *testing.T, a *authsql.Adapter) string {
	var s string
	if err := a.DB().QueryRow("SELECT current_schema()").Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
