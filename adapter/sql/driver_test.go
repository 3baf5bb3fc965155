package sql

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/authgo/authgo/adapter"
)

// driverModules are the modules that only the driver modules may require.
var driverModules = []string{"github.com/jackc/pgx", "github.com/go-sql-driver/mysql", "modernc.org/sqlite"}

// TestDriverFree checks the point of the driver modules: the core package
// imports no database driver, so a program that uses authgo without SQL
// (or with one driver) builds none of the others. That the root module
// requires none, so that such a program does not download them either,
// is the root's TestRootModuleIsLight.
func TestDriverFree(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, m := range driverModules {
			if strings.HasPrefix(dep, m) {
				t.Errorf("adapter/sql imports %s; drivers belong in adapter/sql/postgres, mysql or sqlite", dep)
			}
		}
	}
}

// testDriver reads the errors made by the tests below.
type testDriver struct{ d Dialect }

var (
	errDup     = errors.New("duplicate key value 'secret-token'")
	errFK      = errors.New("foreign key")
	errDown    = errors.New("server shutting down")
	errRefused = errors.New("syntax error")
)

func (x testDriver) Dialect() Dialect         { return x.d }
func (testDriver) Duplicate(err error) bool   { return errors.Is(err, errDup) }
func (testDriver) ForeignKey(err error) bool  { return errors.Is(err, errFK) }
func (testDriver) Unavailable(err error) bool { return errors.Is(err, errDown) }

func TestNoDriver(t *testing.T) {
	ctx := context.Background()
	for _, drv := range []Driver{nil, testDriver{}, testDriver{Dialect(9)}} {
		if _, err := New(ctx, nil, drv, Options{SkipMigrations: true}); !errors.Is(err, errNoDriver) {
			t.Errorf("New with driver %#v: %v, want the error naming the driver modules", drv, err)
		}
	}
	if !strings.Contains(errNoDriver.Error(), "github.com/authgo/authgo/adapter/sql/postgres") {
		t.Errorf("the error %q does not say where the drivers are", errNoDriver)
	}
	_, err := Open(ctx, "no-such-driver", "", testDriver{Postgres}, Options{})
	if err == nil || !strings.Contains(err.Error(), "no-such-driver") {
		t.Errorf("Open with an unregistered driver name: %v", err)
	}
}

func TestFail(t *testing.T) {
	drv := testDriver{Postgres}
	ctx := context.Background()
	ended, cancel := context.WithTimeout(ctx, 0)
	defer cancel()
	for _, c := range []struct {
		ctx         context.Context
		err         error
		dup, noUser bool
		unavailable bool
	}{
		{ctx, fmt.Errorf("exec: %w", errDup), true, false, false},
		{ctx, errFK, false, true, false},
		{ctx, errDown, false, false, true},
		{ctx, fmt.Errorf("dial: %w", syscall.ECONNREFUSED), false, false, true},
		{ctx, context.DeadlineExceeded, false, false, true},
		{ended, errors.New("canceled by the driver"), false, false, true},
		{ctx, errRefused, false, false, false},
	} {
		err := fail(c.ctx, drv, "M", c.err)
		var ae *adapter.Error
		if !errors.As(err, &ae) || ae.Method != "M" {
			t.Errorf("fail(%v) = %v, want an *adapter.Error of M", c.err, err)
			continue
		}
		if errors.Is(err, adapter.ErrDuplicate) != c.dup || errors.Is(err, errNoUser) != c.noUser || errors.Is(err, adapter.ErrUnavailable) != c.unavailable {
			t.Errorf("fail(%v) = %v: duplicate %v, no user %v, unavailable %v; want %v, %v, %v", c.err, err,
				errors.Is(err, adapter.ErrDuplicate), errors.Is(err, errNoUser), errors.Is(err, adapter.ErrUnavailable), c.dup, c.noUser, c.unavailable)
		}
		if c.dup && strings.Contains(err.Error(), "secret-token") {
			t.Errorf("a duplicate's error %q repeats the driver's message and the value", err)
		}
	}
	if err := fail(ctx, drv, "M", nil); err != nil {
		t.Errorf("fail(nil) = %v", err)
	}
	already := &adapter.Error{Method: "Inner", Err: errDup}
	if err := fail(ctx, drv, "M", already); err != already {
		t.Errorf("fail of an *adapter.Error = %v, want it unchanged", err)
	}
}
