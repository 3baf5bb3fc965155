package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"strings"
	"unicode/utf8"
)

// errBadKey is the cause when a key to be stored is not valid UTF-8 or
// holds a NUL byte, which PostgreSQL cannot store in text.
var errBadKey = errors.New("a key holds a NUL byte or invalid UTF-8")

// badKey reports whether any key is not storable text. A lookup with such a
// key finds nothing, because no write accepts one; this way a forged cookie
// is "not found" on every dialect instead of an error on PostgreSQL.
func badKey(keys ...string) bool {
	for _, k := range keys {
		if !utf8.ValidString(k) || strings.IndexByte(k, 0) >= 0 {
			return true
		}
	}
	return false
}

// str and num turn empty values into NULL, as Auth.js leaves optional
// fields out.
func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func num(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// one runs a query for at most one row and scans it into dest; found is
// false for no row.
func (a *Adapter) one(ctx context.Context, q string, args []any, dest ...any) (found bool, err error) {
	err = a.db.QueryRowContext(ctx, q, args...).Scan(dest...)
	if errors.Is(err, dbsql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// execer is what runs a statement: a *sql.DB, a *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (dbsql.Result, error)
}

// inTx runs f in a transaction, committed when f returns nil and rolled
// back otherwise.
func (a *Adapter) inTx(ctx context.Context, f func(*dbsql.Tx) error) error {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// deleted runs a DELETE and reports whether it removed a row: of several
// concurrent callers that read the same row, only one removes it.
func (a *Adapter) deleted(ctx context.Context, q string, args ...any) (bool, error) {
	res, err := a.db.ExecContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
