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

// TestDatabaseDown opens an adapter on a port where no server listens: the
// errors say unavailable, nothing panics. An adapter made without migrating
// fails per call.
func TestDatabaseDown(t *testing.T) {
	ctx := context.Background()
	pgURL := "postgres://postgres@" + sqltest.ClosedPort(t) + "/test?sslmode=disable&connect_timeout=2"
	_, err := postgres.Open(ctx, pgURL, authsql.Options{})
	sqltest.WantUnavailable(t, "Open on a closed port", err)

	db, err := dbsql.Open("pgx", pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := authsql.New(ctx, db, postgres.Driver{}, authsql.Options{SkipMigrations: true})
	if err != nil {
		t.Fatalf("New(SkipMigrations): %v", err)
	}
	sqltest.DownCalls(t, a)
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
