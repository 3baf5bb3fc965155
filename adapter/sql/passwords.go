package sql

import (
	"context"
	dbsql "database/sql"
	"time"

	"github.com/authgo/authgo/adapter"
)

// passwordQueries are the statements of adapter.PasswordStore, on the side
// table of migration 3 ({passwords}, authgo_passwords by default).
type passwordQueries struct {
	get, set, swap string
}

func buildPasswordQueries(d Dialect, tables replacer) passwordQueries {
	p := func(q string) string { return d.prepare(q, tables) }
	q := passwordQueries{
		get:  p(`SELECT hash FROM {passwords} WHERE "userId" = ?`),
		swap: p(`UPDATE {passwords} SET hash = ?, "updatedAt" = ? WHERE "userId" = ? AND hash = ?`),
	}
	const insert = `INSERT INTO {passwords} ("userId", hash, "updatedAt") VALUES (?, ?, ?)`
	switch d {
	case Postgres, SQLite:
		q.set = p(insert + ` ON CONFLICT ("userId") DO UPDATE SET hash = excluded.hash, "updatedAt" = excluded."updatedAt"`)
	case MySQL:
		q.set = p(insert + ` ON DUPLICATE KEY UPDATE hash = VALUES(hash), "updatedAt" = VALUES("updatedAt")`)
	}
	return q
}

// CreateUserWithPassword creates u and its password row in one
// transaction.
func (a *Adapter) CreateUserWithPassword(ctx context.Context, u adapter.User, hash string) (*adapter.User, error) {
	var got *adapter.User
	err := a.inTx(ctx, func(tx *dbsql.Tx) error {
		var err error
		if got, err = a.createUserIn(ctx, tx, u); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, a.pq.set, got.ID, hash, a.d.timeArg(time.Now().UTC()))
		return err
	})
	if err != nil {
		return nil, a.fail(ctx, "CreateUserWithPassword", err)
	}
	return got, nil
}

// GetPasswordHash returns the user's password hash, "" when none.
func (a *Adapter) GetPasswordHash(ctx context.Context, userID string) (string, error) {
	if badKey(userID) {
		return "", nil
	}
	var h string
	_, err := a.one(ctx, a.pq.get, []any{userID}, &h)
	return h, a.fail(ctx, "GetPasswordHash", err)
}

// SetPasswordHash stores the user's password hash in one upsert, or, with
// old set, in one UPDATE that matches the old hash (compare and swap).
func (a *Adapter) SetPasswordHash(ctx context.Context, userID, old, hash string) (bool, error) {
	const method = "SetPasswordHash"
	if badKey(userID, old, hash) {
		return false, a.fail(ctx, method, errBadKey)
	}
	now := a.d.timeArg(time.Now().UTC())
	if old == "" {
		err := a.inTx(ctx, func(tx *dbsql.Tx) error {
			if err := a.requireUser(ctx, tx, userID, a.ownFK()); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, a.pq.set, userID, hash, now)
			return err
		})
		return err == nil, a.fail(ctx, method, err)
	}
	won, err := a.deleted(ctx, a.pq.swap, hash, now, userID, old)
	return won, a.fail(ctx, method, err)
}
