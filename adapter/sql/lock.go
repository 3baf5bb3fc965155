package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
)

// lock takes the migration lock on conn and returns the function that
// releases it (for SQLite: commits, or rolls back when the run failed).
func (a *Adapter) lock(ctx context.Context, conn *dbsql.Conn) (func(error) error, error) {
	key := "authgo-migrate:" + a.names.SchemaVersions
	switch a.d {
	case Postgres:
		// The key covers the schema, so instances on different schemas do
		// not wait for each other.
		const k = `hashtextextended(current_schema() || ':' || $1, 0)`
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+k+`)`, key); err != nil {
			return nil, err
		}
		return func(error) error {
			// Unlock even when ctx has ended, or the lock would outlive
			// the run on this pooled connection.
			_, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+k+`)`, key)
			return err
		}, nil
	case MySQL:
		// Lock names are limited to 64 characters: hash database and key.
		const k = `SHA1(CONCAT(COALESCE(DATABASE(), ''), ':', ?))`
		var got dbsql.NullInt64
		if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(`+k+`, 60)`, key).Scan(&got); err != nil {
			return nil, err
		}
		if got.Int64 != 1 {
			return nil, errors.New("timed out after 60 s waiting for another instance's migration lock")
		}
		return func(error) error {
			_, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT RELEASE_LOCK(`+k+`)`, key)
			return err
		}, nil
	default:
		// BEGIN IMMEDIATE takes SQLite's write lock at once; others wait
		// for it up to the busy timeout.
		if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
			return nil, err
		}
		return func(failed error) error {
			if failed != nil {
				_, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
				return err
			}
			_, err := conn.ExecContext(context.WithoutCancel(ctx), "COMMIT")
			return err
		}, nil
	}
}
