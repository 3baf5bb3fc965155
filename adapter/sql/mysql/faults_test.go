package mysql_test

import (
	"context"
	"testing"
	"time"

	gomysql "github.com/go-sql-driver/mysql"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
	"github.com/authgo/authgo/adapter/sql/mysql"
	"github.com/authgo/authgo/internal/testenv"
)

// TestDatabaseDown opens an adapter on a port where no server listens
// (see sqltest.DatabaseDown).
func TestDatabaseDown(t *testing.T) {
	cfg := gomysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName, cfg.Timeout = "root", "tcp", sqltest.ClosedPort(t), "test", 2*time.Second
	sqltest.DatabaseDown(t, mysql.Open, "mysql", cfg.FormatDSN(), mysql.Driver{})
}

// TestRecovery takes the database away under a working adapter and brings
// it back (see sqltest.Recovery).
func TestRecovery(t *testing.T) {
	base := newDB(t).MustOpen(t, authsql.Options{})
	var name string
	if err := base.DB().QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	cfg, _ := gomysql.ParseDSN(testenv.MySQL(t))
	p := sqltest.NewProxy(t, cfg.Addr)
	cfg.Addr, cfg.DBName, cfg.Timeout = p.Addr, name, 2*time.Second
	a, err := mysql.Open(context.Background(), cfg.FormatDSN(), authsql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	sqltest.Recovery(t, a, p)
}
