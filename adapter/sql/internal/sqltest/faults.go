package sqltest

import (
	"context"
	dbsql "database/sql"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
)

// ClosedPort returns an address on which nothing listens.
func ClosedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// WantUnavailable fails t unless err is an *adapter.Error wrapping
// adapter.ErrUnavailable.
func WantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	var ae *adapter.Error
	if !errors.As(err, &ae) || !errors.Is(err, adapter.ErrUnavailable) {
		t.Fatalf("%s: error %v (%T), want an *adapter.Error wrapping ErrUnavailable", what, err, err)
	}
}

// Open is a driver module's Open.
type Open func(ctx context.Context, dsn string, opts authsql.Options) (*authsql.Adapter, error)

// DatabaseDown checks a database that is not there (dsn names a port where
// no server listens): open fails as unavailable, and so does New, even
// without migrating, since it checks the tables when it makes the adapter;
// a Migrator (which reads nothing when made) fails each call as
// unavailable; nothing panics.
func DatabaseDown(t *testing.T, open Open, driverName, dsn string, drv authsql.Driver) {
	ctx := context.Background()
	_, err := open(ctx, dsn, authsql.Options{})
	WantUnavailable(t, "Open on a closed port", err)

	db, err := dbsql.Open(driverName, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = authsql.New(ctx, db, drv, authsql.Options{SkipMigrations: true})
	WantUnavailable(t, "New(SkipMigrations)", err)
	m, err := authsql.NewMigrator(ctx, db, drv, authsql.Options{})
	if drv.Dialect() == authsql.MySQL {
		// MySQL's migrator reads the server's version for the collation.
		WantUnavailable(t, "NewMigrator", err)
		return
	}
	if err != nil {
		t.Fatalf("NewMigrator: %v", err)
	}
	_, err = m.Status(ctx)
	WantUnavailable(t, "Status", err)
	_, err = m.Plan(ctx)
	WantUnavailable(t, "Plan", err)
	WantUnavailable(t, "Up", m.Up(ctx))
}

// Proxy forwards TCP connections to a database server and can be stopped
// and started again on the same address, which looks to the adapter like
// the database going down and coming back.
type Proxy struct {
	t      *testing.T
	target string
	// Addr is the address the proxy listens on.
	Addr  string
	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

// NewProxy starts a proxy to target on a free port; it stops when t ends.
func NewProxy(t *testing.T, target string) *Proxy {
	p := &Proxy{t: t, target: target, Addr: "127.0.0.1:0"}
	p.Start()
	p.Addr = p.ln.Addr().String()
	t.Cleanup(p.Stop)
	return p
}

// Start listens again on the proxy's address and forwards what comes.
func (p *Proxy) Start() {
	ln, err := net.Listen("tcp", p.Addr)
	if err != nil {
		p.t.Fatalf("proxy listen %s: %v", p.Addr, err)
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

// Stop closes the listener and every forwarded connection.
func (p *Proxy) Stop() {
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

// Recovery takes the database away under a working adapter that reaches
// it through p, and brings it back: calls fail as unavailable while it is
// gone, and the same adapter works again when it returns, with no restart.
func Recovery(t *testing.T, a *authsql.Adapter, p *Proxy) {
	ctx := context.Background()
	u, err := a.CreateUser(ctx, adapter.User{Email: "back@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateSession(ctx, adapter.Session{SessionToken: "tok", UserID: u.ID, Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}

	p.Stop()
	for range 3 {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, _, err := a.GetSessionAndUser(c, "tok")
		cancel()
		WantUnavailable(t, "GetSessionAndUser while the database is down", err)
	}
	_, err = a.CreateUserAndLinkAccount(ctx, adapter.User{Email: "half@example.com"}, adapter.Account{Type: "oauth", Provider: "github", ProviderAccountID: "1"})
	WantUnavailable(t, "CreateUserAndLinkAccount while the database is down", err)

	p.Start()
	s, got, err := a.GetSessionAndUser(ctx, "tok")
	if err != nil || s == nil || got == nil || got.ID != u.ID {
		t.Fatalf("GetSessionAndUser after the database returned = %+v, %+v, %v", s, got, err)
	}
	if half, _ := a.GetUserByEmail(ctx, "half@example.com"); half != nil {
		t.Errorf("a call that failed while the database was down left the user %+v", half)
	}
}
