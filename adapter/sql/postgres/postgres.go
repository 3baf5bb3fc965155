// Package postgres connects authgo's SQL adapter (package
// github.com/authgo/authgo/adapter/sql) to PostgreSQL through pgx
// (github.com/jackc/pgx/v5/stdlib, driver name "pgx"). It is a module of
// its own, so only programs that use PostgreSQL link pgx:
//
//	go get github.com/authgo/authgo/adapter/sql/postgres
//
//	a, err := postgres.Open(ctx, "postgres://app@db/app", authsql.Options{})
//	a, err := authsql.New(ctx, existingDB, postgres.Driver{}, authsql.Options{TablePrefix: "auth_"})
//
// where authsql is github.com/authgo/authgo/adapter/sql, whose
// documentation describes the schema, migrations and queries.
package postgres

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	authsql "github.com/authgo/authgo/adapter/sql"
)

// Open connects to the PostgreSQL database at url (a postgres:// URL or
// key=value string, as pgx reads it) and migrates it unless
// opts.SkipMigrations is set. To use a schema, add search_path=name to the
// URL. Close closes the pool.
func Open(ctx context.Context, url string, opts authsql.Options) (*authsql.Adapter, error) {
	db, err := dbsql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("adapter/sql/postgres: open PostgreSQL: %w", err)
	}
	return authsql.OpenDB(ctx, db, Driver{}, opts)
}

// OpenMigrator connects to the PostgreSQL database at url, as Open does,
// for inspecting and migrating its schema (`authgo migrate`): it works
// where Open would refuse the tables. Close closes the pool.
func OpenMigrator(ctx context.Context, url string, opts authsql.Options) (*authsql.Migrator, error) {
	db, err := dbsql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("adapter/sql/postgres: open PostgreSQL: %w", err)
	}
	return authsql.OpenMigrator(ctx, db, Driver{}, opts)
}

// Driver tells the adapter that the database is PostgreSQL and how to read
// pgx's errors. Pass it to authsql.New with a *sql.DB opened with the
// "pgx" driver. The zero value is ready to use.
type Driver struct{}

var _ authsql.Driver = Driver{}

// Dialect returns authsql.Postgres.
func (Driver) Dialect() authsql.Dialect { return authsql.Postgres }

// Duplicate reports whether err is a unique violation (SQLSTATE 23505).
func (Driver) Duplicate(err error) bool { return code(err) == "23505" }

// ForeignKey reports whether err is a foreign key violation (23503).
func (Driver) ForeignKey(err error) bool { return code(err) == "23503" }

// Unavailable reports whether err is a failed connection attempt, a pgx
// timeout, or a server error of class 08 (connection exception), 57P01 to
// 57P03 (shutting down, crash recovery, cannot connect now) or 53300 (too
// many connections).
func (Driver) Unavailable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.Timeout(err) {
		return true
	}
	c := code(err)
	return strings.HasPrefix(c, "08") || strings.HasPrefix(c, "57P") || c == "53300"
}

// code returns the SQLSTATE of a server error, or "".
func code(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}
