// Package mysql connects authgo's SQL adapter (package
// github.com/authgo/authgo/adapter/sql) to MySQL 8 and MariaDB 10.5+
// through github.com/go-sql-driver/mysql. It is a module of its own, so
// only programs that use MySQL link its driver:
//
//	go get github.com/authgo/authgo/adapter/sql/mysql
//
//	a, err := mysql.Open(ctx, "app@tcp(db:3306)/app", authsql.Options{})
//	a, err := authsql.New(ctx, existingDB, mysql.Driver{}, authsql.Options{TablePrefix: "auth_"})
//
// where authsql is github.com/authgo/authgo/adapter/sql, whose
// documentation describes the schema, migrations and queries.
package mysql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	authsql "github.com/authgo/authgo/adapter/sql"
)

// Open connects to the MySQL or MariaDB database named by dsn (the
// go-sql-driver/mysql format, e.g. "user:pass@tcp(host:3306)/db") and
// migrates it unless opts.SkipMigrations is set. It sets parseTime=true,
// loc=UTC, the session time zone UTC (time_zone='+00:00', which TIMESTAMP
// columns convert from) and client-side parameter interpolation (one round
// trip per query) whatever dsn says. Close closes the pool.
func Open(ctx context.Context, dsn string, opts authsql.Options) (*authsql.Adapter, error) {
	db, err := openDB(dsn)
	if err != nil {
		return nil, err
	}
	return authsql.OpenDB(ctx, db, Driver{}, opts)
}

// OpenMigrator connects to the database named by dsn, as Open does, for
// inspecting and migrating its schema (`authgo migrate`): it works where
// Open would refuse the tables. Close closes the pool.
func OpenMigrator(ctx context.Context, dsn string, opts authsql.Options) (*authsql.Migrator, error) {
	db, err := openDB(dsn)
	if err != nil {
		return nil, err
	}
	return authsql.OpenMigrator(ctx, db, Driver{}, opts)
}

func openDB(dsn string) (*dbsql.DB, error) {
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("adapter/sql/mysql: MySQL DSN: %w", err)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	cfg.InterpolateParams = true
	// TIMESTAMP columns (drizzle-kit's MySQL tables) convert from the
	// session's time zone: make it UTC, as every time authgo writes is.
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	cfg.Params["time_zone"] = "'+00:00'"
	conn, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("adapter/sql/mysql: MySQL: %w", err)
	}
	return dbsql.OpenDB(conn), nil
}

// Driver tells the adapter that the database is MySQL or MariaDB and how to
// read go-sql-driver/mysql's errors. Pass it to authsql.New with a *sql.DB
// opened with the "mysql" driver. The zero value is ready to use.
type Driver struct{}

var _ authsql.Driver = Driver{}

// Dialect returns authsql.MySQL.
func (Driver) Dialect() authsql.Dialect { return authsql.MySQL }

// Duplicate reports whether err is a duplicate key (error 1062).
func (Driver) Duplicate(err error) bool { return number(err) == 1062 }

// ForeignKey reports whether err is a foreign key violation (1452, 1216).
func (Driver) ForeignKey(err error) bool { n := number(err); return n == 1452 || n == 1216 }

// Unavailable reports whether err is the driver's broken connection
// (mysql.ErrInvalidConn) or a server error meaning too many connections
// (1040), a shutdown in progress (1053) or a lock wait timeout (1205).
func (Driver) Unavailable(err error) bool {
	if errors.Is(err, gomysql.ErrInvalidConn) {
		return true
	}
	n := number(err)
	return n == 1040 || n == 1053 || n == 1205
}

// number returns the error number of a server error, or 0.
func number(err error) uint16 {
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		return me.Number
	}
	return 0
}
