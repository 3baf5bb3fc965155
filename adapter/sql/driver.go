package sql

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	"github.com/authgo/authgo/adapter"
)

// Driver describes the database/sql driver under an Adapter: its dialect,
// and what its errors mean, which database/sql leaves to each driver. Each
// driver module provides one, and links only its own driver:
//
//	github.com/authgo/authgo/adapter/sql/postgres  postgres.Driver{}  pgx
//	github.com/authgo/authgo/adapter/sql/mysql     mysql.Driver{}     go-sql-driver/mysql
//	github.com/authgo/authgo/adapter/sql/sqlite    sqlite.Driver{}    modernc.org/sqlite
//
// The adapter itself recognises the driver-neutral errors: an ended
// context deadline, driver.ErrBadConn, EOF on a connection the server
// closed, refused or reset connections and every net.Error.
type Driver interface {
	// Dialect is the SQL the database speaks.
	Dialect() Dialect
	// Duplicate reports whether err is a unique or primary key violation.
	Duplicate(err error) bool
	// ForeignKey reports whether err is a foreign key violation.
	ForeignKey(err error) bool
	// Unavailable reports whether err, in the driver's own terms, means
	// the database cannot be reached or did not answer in time (a server
	// shutting down, too many connections, a lock wait timeout), as
	// opposed to a statement it refused.
	Unavailable(err error) bool
}

// errNoDriver is the error of New and OpenDB without a usable Driver.
var errNoDriver = errors.New("adapter/sql: no Driver: pass postgres.Driver{}, mysql.Driver{} or sqlite.Driver{} from the module github.com/authgo/authgo/adapter/sql/postgres, …/mysql or …/sqlite, or use that module's Open")

func usable(drv Driver) bool { return drv != nil && drv.Dialect().valid() }

// errNoUser is the cause when a row would refer to a missing user.
var errNoUser = errors.New("no such user")

// fail returns err as the *adapter.Error of method, classified: unique
// violations become adapter.ErrDuplicate (without the driver's message,
// which in MySQL repeats the duplicate value — a token, say), foreign key
// violations errNoUser, and everything that means the database cannot be
// reached in time wraps adapter.ErrUnavailable.
func fail(ctx context.Context, drv Driver, method string, err error) error {
	if err == nil {
		return nil
	}
	var ae *adapter.Error
	if errors.As(err, &ae) {
		return err
	}
	switch {
	case drv.Duplicate(err):
		err = adapter.ErrDuplicate
	case drv.ForeignKey(err):
		err = errNoUser
	case unavailable(ctx, err) || drv.Unavailable(err):
		err = fmt.Errorf("%w: %w", adapter.ErrUnavailable, err)
	}
	return &adapter.Error{Method: method, Err: err}
}

// fail is the package's fail with the adapter's driver.
func (a *Adapter) fail(ctx context.Context, method string, err error) error {
	return fail(ctx, a.drv, method, err)
}

// unavailable reports whether err means, whatever the driver, that the
// database could not be reached or did not answer in time.
func unavailable(ctx context.Context, err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return true
	}
	// A connection the server closed under a query ends in EOF.
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	if errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne)
}
