package serve

import (
	"context"
	"fmt"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/mysql"
	"github.com/authgo/authgo/adapter/sql/postgres"
	"github.com/authgo/authgo/adapter/sql/sqlite"
)

// OpenMigrator opens the database at raw (a SQLite file path, a
// postgres:// or a mysql:// URL, as the server's database setting) for
// `authgo migrate`: a Migrator works where an adapter would refuse the
// tables. Close it when done.
func OpenMigrator(ctx context.Context, raw string, opts authsql.Options) (*authsql.Migrator, error) {
	kind, err := databaseKind(raw)
	if err != nil {
		return nil, err
	}
	var m *authsql.Migrator
	switch kind {
	case "":
		return nil, fmt.Errorf("no database: set AUTHGO_DATABASE_URL or --database (a SQLite file path, a postgres:// or a mysql:// URL)")
	case "postgres":
		m, err = postgres.OpenMigrator(ctx, raw, opts)
	case "mysql":
		var dsn string
		if dsn, err = mysqlDSN(raw); err == nil {
			m, err = mysql.OpenMigrator(ctx, dsn, opts)
		}
	case "sqlite":
		m, err = sqlite.OpenMigrator(ctx, raw, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", redactURL(raw), err)
	}
	return m, nil
}

// Redact hides the password of a database URL in messages.
func Redact(raw string) string { return redactURL(raw) }
