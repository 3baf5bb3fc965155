package mysql_test

import (
	"context"
	dbsql "database/sql"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
	"github.com/authgo/authgo/adapter/sql/mysql"
	"github.com/authgo/authgo/internal/testenv"
)

// newDB makes a database of its own on the test server, dropped when the
// test ends.
func newDB(t testing.TB) sqltest.Database {
	cfg, err := gomysql.ParseDSN(testenv.MySQL(t))
	if err != nil {
		t.Fatal(err)
	}
	adminCfg := *cfg
	adminCfg.DBName = ""
	admin, err := dbsql.Open("mysql", adminCfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := sqltest.Name()
	if _, err := admin.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE " + name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	dsn := cfg.FormatDSN()
	return sqltest.Database{Dialect: authsql.MySQL, Name: name, Open: func(t testing.TB, opts authsql.Options) (*authsql.Adapter, error) {
		a, err := mysql.Open(context.Background(), dsn, opts)
		return sqltest.CloseWith(t, a, err)
	}, Raw: func(t testing.TB) *dbsql.DB {
		db, err := dbsql.Open("mysql", dsn)
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

// TestEmailSendFailureLeavesNothing: a sign-in mail the mail server does
// not take leaves no verification token row (see sqltest.EmailSendFailure).
func TestEmailSendFailureLeavesNothing(t *testing.T) { sqltest.EmailSendFailure(t, newDB) }
