// Package sqlstores opens the SQL adapters end-to-end tests run against:
// SQLite on a temporary file, PostgreSQL and MariaDB on the servers
// internal/testenv names, each on tables with a random prefix that are
// dropped when the test ends (other agents and CI jobs share the servers).
package sqlstores

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/mysql"
	"github.com/authgo/authgo/adapter/sql/postgres"
	"github.com/authgo/authgo/adapter/sql/sqlite"
	"github.com/authgo/authgo/internal/testenv"
)

// Store is one database under test.
type Store struct {
	Name string
	Open func(t *testing.T) adapter.Adapter
}

// All are the three SQL dialects.
var All = []Store{
	{"SQLite", func(t *testing.T) adapter.Adapter {
		a, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "a.db"), authsql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		return a
	}},
	{"PostgreSQL", func(t *testing.T) adapter.Adapter {
		url := testenv.Postgres(t)
		return prefixed(t, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND starts_with(tablename, $1)`,
			func(o authsql.Options) (*authsql.Adapter, error) { return postgres.Open(context.Background(), url, o) })
	}},
	{"MySQL", func(t *testing.T) adapter.Adapter {
		dsn := testenv.MySQL(t)
		return prefixed(t, `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND LEFT(table_name, CHAR_LENGTH(?)) = ?`,
			func(o authsql.Options) (*authsql.Adapter, error) { return mysql.Open(context.Background(), dsn, o) })
	}},
}

// prefixed opens an adapter on tables with a random prefix and drops every
// table with that prefix (found by list) when the test ends, whatever
// migrations made them.
func prefixed(t *testing.T, list string, open func(authsql.Options) (*authsql.Adapter, error)) adapter.Adapter {
	t.Helper()
	var r [4]byte
	_, _ = rand.Read(r[:])
	prefix := "e2e" + hex.EncodeToString(r[:]) + "_"
	a, err := open(authsql.Options{TablePrefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		defer a.Close()
		db := a.DB()
		args := []any{prefix}
		if a.Dialect() == authsql.MySQL {
			args = append(args, prefix)
		}
		rows, err := db.Query(list, args...)
		if err != nil {
			t.Logf("list the tables of %s: %v", prefix, err)
			return
		}
		var tables []string
		for rows.Next() {
			var name string
			if rows.Scan(&name) == nil {
				tables = append(tables, name)
			}
		}
		rows.Close()
		// Dropped until none is left: a table another one refers to goes
		// once its referrer has.
		for pass := 0; len(tables) > 0 && pass < 5; pass++ {
			var left []string
			for _, tbl := range tables {
				if _, err := db.Exec(`DROP TABLE IF EXISTS "` + tbl + `"`); err != nil {
					if _, err2 := db.Exec("DROP TABLE IF EXISTS `" + tbl + "`"); err2 != nil {
						left = append(left, tbl)
					}
				}
			}
			tables = left
		}
		if len(tables) > 0 {
			t.Logf("tables left: %v", tables)
		}
	})
	return a
}
