package sql

import (
	"context"
	dbsql "database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFiles embed.FS

// ErrSchemaTooNew is wrapped in the error of Migrate (and so of New and the
// Open functions) when the database was migrated by a newer authgo than
// this one.
var ErrSchemaTooNew = errors.New("the database schema is newer than this version of authgo")

type migration struct {
	version int
	stmts   []string
}

// migrations returns the dialect's migrations in order, their statements
// ready to run.
func (a *Adapter) migrations() ([]migration, error) {
	dir := path.Join("migrations", a.d.String())
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("adapter/sql: migration file %s is not named NNNN_name.sql", name)
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		m := migration{version: v}
		var lines []string
		for _, l := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(l), "--") {
				lines = append(lines, l)
			}
		}
		text := strings.ReplaceAll(strings.Join(lines, "\n"), "{collate}", a.collate)
		for _, s := range strings.Split(text, ";\n") {
			if s = strings.TrimSpace(s); s != "" {
				m.stmts = append(m.stmts, a.d.prepare(strings.TrimSuffix(s, ";"), a.tables))
			}
		}
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion returns the newest schema version this code knows.
func (a *Adapter) SchemaVersion() int {
	ms, err := a.migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// Migrate brings the schema up to date: it applies, in order, each embedded
// migration whose version the schema-versions table does not record, and
// records it. Several processes may call it at once: a lock held for
// the whole run (pg_advisory_lock on PostgreSQL, GET_LOCK on MySQL, an
// immediate transaction on SQLite) makes all but one wait and then find
// nothing to do. A database whose recorded version is newer than this code
// knows is left alone and the error wraps ErrSchemaTooNew.
//
// On PostgreSQL and SQLite each migration is one transaction. MySQL commits
// DDL statement by statement, so there every statement is written to be
// run again (IF NOT EXISTS) after an interrupted migration.
func (a *Adapter) Migrate(ctx context.Context) error {
	err := a.migrate(ctx)
	if err == nil || errors.Is(err, ErrSchemaTooNew) {
		return err
	}
	return a.fail(ctx, "Migrate", err)
}

func (a *Adapter) migrate(ctx context.Context) (err error) {
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	if a.d == MySQL && a.collate == "" {
		var version string
		if err := conn.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
			return err
		}
		a.collate = "utf8mb4_0900_bin" // MySQL 8: binary, no padding
		if strings.Contains(strings.ToLower(version), "mariadb") {
			a.collate = "utf8mb4_nopad_bin"
		}
	}
	ms, err := a.migrations()
	if err != nil {
		return err
	}

	unlock, err := a.lock(ctx, conn)
	if err != nil {
		return err
	}
	defer func() {
		if uerr := unlock(err); err == nil {
			err = uerr
		}
	}()

	versionsDDL := map[Dialect]string{
		Postgres: `CREATE TABLE IF NOT EXISTS {versions} (version INTEGER NOT NULL PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`,
		MySQL:    `CREATE TABLE IF NOT EXISTS {versions} (version INTEGER NOT NULL PRIMARY KEY, applied_at DATETIME(3) NOT NULL) ENGINE=InnoDB`,
		SQLite:   `CREATE TABLE IF NOT EXISTS {versions} (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)`,
	}[a.d]
	if _, err := conn.ExecContext(ctx, a.d.prepare(versionsDDL, a.tables)); err != nil {
		return err
	}
	applied, current, err := a.appliedVersions(ctx, conn)
	if err != nil {
		return err
	}
	latest := 0
	if len(ms) > 0 {
		latest = ms[len(ms)-1].version
	}
	if current > latest {
		return fmt.Errorf("adapter/sql: %w: the database %s is at schema version %d and this authgo knows versions up to %d; upgrade authgo, or point it at another database",
			ErrSchemaTooNew, a.d.quote(a.names.SchemaVersions), current, latest)
	}
	record := a.d.prepare(`INSERT INTO {versions} (version, applied_at) VALUES (?, ?)`, a.tables)
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if err := a.apply(ctx, conn, m, record); err != nil {
			return fmt.Errorf("migration %d: %w", m.version, err)
		}
	}
	return nil
}

// appliedVersions returns the versions recorded in the schema-versions
// table and the highest of them. Migrate applies every embedded migration
// that is not recorded, not only those above the highest: migration numbers
// are handed out to features ahead of time, so a database may have met a
// later number before an earlier one existed (each migration only adds, so
// the order of two of them does not matter).
func (a *Adapter) appliedVersions(ctx context.Context, conn *dbsql.Conn) (map[int]bool, int, error) {
	rows, err := conn.QueryContext(ctx, a.d.prepare(`SELECT version FROM {versions}`, a.tables))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	applied, highest := map[int]bool{}, 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, 0, err
		}
		applied[v], highest = true, max(highest, v)
	}
	return applied, highest, rows.Err()
}

func (a *Adapter) apply(ctx context.Context, conn *dbsql.Conn, m migration, record string) error {
	now := a.d.timeArg(time.Now())
	if a.d == MySQL {
		for _, s := range m.stmts {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		_, err := conn.ExecContext(ctx, record, m.version, now)
		return err
	}
	if a.d == SQLite {
		// Already inside the immediate transaction that lock began.
		for _, s := range m.stmts {
			if _, err := conn.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		_, err := conn.ExecContext(ctx, record, m.version, now)
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, s := range m.stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			tx.Rollback()
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, record, m.version, now); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

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
