// Package sqlite connects authgo's SQL adapter (package
// github.com/authgo/authgo/adapter/sql) to SQLite through modernc.org/sqlite
// (pure Go, no cgo; driver name "sqlite"). It is a module of its own, so
// only programs that use SQLite link its driver:
//
//	go get github.com/authgo/authgo/adapter/sql/sqlite
//
//	a, err := sqlite.Open(ctx, "auth.db", authsql.Options{})
//	a, err := authsql.New(ctx, existingDB, sqlite.Driver{}, authsql.Options{TablePrefix: "auth_"})
//
// where authsql is github.com/authgo/authgo/adapter/sql, whose
// documentation describes the schema, migrations and queries.
package sqlite

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	authsql "github.com/authgo/authgo/adapter/sql"
)

// Open opens (creating if needed) the SQLite database file at path with WAL
// journaling, a 5 s busy timeout, foreign keys on and immediate write
// transactions, and migrates it unless opts.SkipMigrations is set. The path
// ":memory:" gives a private in-memory database on one connection. Close
// closes the database.
func Open(ctx context.Context, path string, opts authsql.Options) (*authsql.Adapter, error) {
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	return authsql.OpenDB(ctx, db, Driver{}, opts)
}

// OpenMigrator opens the SQLite database file at path, as Open does, for
// inspecting and migrating its schema (`authgo migrate`): it works where
// Open would refuse the tables. Close closes the database.
func OpenMigrator(ctx context.Context, path string, opts authsql.Options) (*authsql.Migrator, error) {
	db, err := openDB(path)
	if err != nil {
		return nil, err
	}
	return authsql.OpenMigrator(ctx, db, Driver{}, opts)
}

func openDB(path string) (*dbsql.DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, errors.New("adapter/sql/sqlite: the SQLite path may not contain ? or #")
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	if path != ":memory:" {
		dsn += "&_pragma=journal_mode(WAL)"
	}
	db, err := dbsql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("adapter/sql/sqlite: open SQLite: %w", err)
	}
	if path == ":memory:" {
		db.SetMaxOpenConns(1)
	}
	return db, nil
}

// Driver tells the adapter that the database is SQLite and how to read
// modernc.org/sqlite's errors. Pass it to authsql.New with a *sql.DB opened
// with the "sqlite" driver. The zero value is ready to use.
type Driver struct{}

var _ authsql.Driver = Driver{}

// Dialect returns authsql.SQLite.
func (Driver) Dialect() authsql.Dialect { return authsql.SQLite }

// Duplicate reports whether err is a UNIQUE or PRIMARY KEY constraint
// failure.
func (Driver) Duplicate(err error) bool {
	c := code(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// ForeignKey reports whether err is a FOREIGN KEY constraint failure.
func (Driver) ForeignKey(err error) bool { return code(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY }

// Unavailable reports whether err is SQLITE_BUSY or SQLITE_LOCKED (with any
// extended code): another connection held the lock past the busy timeout.
func (Driver) Unavailable(err error) bool {
	c := code(err) & 0xff
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
}

// code returns the extended result code of a SQLite error, or -1.
func code(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return -1
}
