package sql_test

import (
	"context"
	dbsql "database/sql"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/internal/testenv"
)

// closedPort returns an address on which nothing listens.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	var ae *adapter.Error
	if !errors.As(err, &ae) || !errors.Is(err, adapter.ErrUnavailable) {
		t.Fatalf("%s: error %v (%T), want an *adapter.Error wrapping ErrUnavailable", what, err, err)
	}
}

// TestDatabaseDown opens adapters on a port where no server listens: the
// errors say unavailable, nothing panics.
func TestDatabaseDown(t *testing.T) {
	ctx := context.Background()
	addr := closedPort(t)
	host, port, _ := net.SplitHostPort(addr)

	pgURL := "postgres://postgres@" + addr + "/test?sslmode=disable&connect_timeout=2"
	_, err := authsql.OpenPostgres(ctx, pgURL, authsql.Options{})
	wantUnavailable(t, "OpenPostgres on a closed port", err)

	cfg := mysql.NewConfig()
	cfg.User, cfg.Net, cfg.Addr, cfg.DBName, cfg.Timeout = "root", "tcp", net.JoinHostPort(host, port), "test", 2*time.Second
	_, err = authsql.OpenMySQL(ctx, cfg.FormatDSN(), authsql.Options{})
	wantUnavailable(t, "OpenMySQL on a closed port", err)

	// An adapter made without migrating (New does not connect) fails per
	// call, and recovers nothing it should not.
	for _, c := range []struct {
		d      authsql.Dialect
		driver string
		dsn    string
	}{
		{authsql.Postgres, "pgx", pgURL},
		{authsql.MySQL, "mysql", cfg.FormatDSN()},
	} {
		db, err := dbsql.Open(c.driver, c.dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		a, err := authsql.New(ctx, db, c.d, authsql.Options{SkipMigrations: true})
		if err != nil {
			t.Fatalf("New(%v, SkipMigrations): %v", c.d, err)
		}
		_, _, err = a.GetSessionAndUser(ctx, "token")
		wantUnavailable(t, c.d.String()+" GetSessionAndUser", err)
		_, err = a.UseVerificationToken(ctx, "a@example.com", "token")
		wantUnavailable(t, c.d.String()+" UseVerificationToken", err)
		_, err = a.CreateUserAndLinkAccount(ctx, adapter.User{Email: "a@example.com"}, adapter.Account{Provider: "p", ProviderAccountID: "1"})
		wantUnavailable(t, c.d.String()+" CreateUserAndLinkAccount", err)
		err = a.Migrate(ctx)
		wantUnavailable(t, c.d.String()+" Migrate", err)
	}
}

// proxy forwards TCP connections to a database server and can be stopped
// and started again on the same address, which looks to the adapter like
// the database going down and coming back.
type proxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target, addr: "127.0.0.1:0"}
	p.start()
	p.addr = p.ln.Addr().String()
	t.Cleanup(p.stop)
	return p
}

func (p *proxy) start() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy listen %s: %v", p.addr, err)
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
}

// stop closes the listener and every forwarded connection.
func (p *proxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestRecovery takes the database away under a working adapter and brings
// it back: calls fail as unavailable while it is gone, and the same adapter
// works again when it returns, with no restart.
func TestRecovery(t *testing.T) {
	ctx := context.Background()
	t.Run("Postgres", func(t *testing.T) {
		db := newPostgres(t)
		base := db.mustOpen(t, authsql.Options{}) // creates the schema
		u, err := url.Parse(testenv.Postgres(t))
		if err != nil {
			t.Fatal(err)
		}
		p := newProxy(t, u.Host)
		via := *u
		via.Host = p.addr
		q := via.Query()
		q.Set("search_path", mustSearchPath(t, base))
		q.Set("connect_timeout", "2")
		via.RawQuery = q.Encode()
		a, err := authsql.OpenPostgres(ctx, via.String(), authsql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		recovery(t, a, p)
	})
	t.Run("MySQL", func(t *testing.T) {
		db := newMySQL(t)
		base := db.mustOpen(t, authsql.Options{})
		var name string
		if err := base.DB().QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
			t.Fatal(err)
		}
		cfg, _ := mysql.ParseDSN(testenv.MySQL(t))
		p := newProxy(t, cfg.Addr)
		cfg.Addr, cfg.DBName, cfg.Timeout = p.addr, name, 2*time.Second
		a, err := authsql.OpenMySQL(ctx, cfg.FormatDSN(), authsql.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		recovery(t, a, p)
	})
}

func mustSearchPath(t *testing.T, a *authsql.Adapter) string {
	var s string
	if err := a.DB().QueryRow("SELECT current_schema()").Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func recovery(t *testing.T, a *authsql.Adapter, p *proxy) {
	ctx := context.Background()
	u, err := a.CreateUser(ctx, adapter.User{Email: "back@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateSession(ctx, adapter.Session{SessionToken: "tok", UserID: u.ID, Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}

	p.stop()
	for range 3 {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, _, err := a.GetSessionAndUser(c, "tok")
		cancel()
		wantUnavailable(t, "GetSessionAndUser while the database is down", err)
	}
	_, err = a.CreateUserAndLinkAccount(ctx, adapter.User{Email: "half@example.com"}, adapter.Account{Type: "oauth", Provider: "github", ProviderAccountID: "1"})
	wantUnavailable(t, "CreateUserAndLinkAccount while the database is down", err)

	p.start()
	s, got, err := a.GetSessionAndUser(ctx, "tok")
	if err != nil || s == nil || got == nil || got.ID != u.ID {
		t.Fatalf("GetSessionAndUser after the database returned = %+v, %+v, %v", s, got, err)
	}
	if half, _ := a.GetUserByEmail(ctx, "half@example.com"); half != nil {
		t.Errorf("a call that failed while the database was down left the user %+v", half)
	}
}
