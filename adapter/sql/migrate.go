package sql

import (
	"context"
	dbsql "database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// ErrSchemaTooNew is wrapped in the error of Migrate (and so of New and the
// Open functions) when the database was migrated by a newer authgo than
// this one.
var ErrSchemaTooNew = errors.New("the database schema is newer than this version of authgo")

type migration struct {
	version int
	stmts   []string
}

// migrationFile is one embedded migration with the statements that apply
// to the adapter's schema, table names still {placeholders}.
type migrationFile struct {
	version int
	stmts   []string
}

// migrationFiles returns the dialect's migrations in order.
func (a *Adapter) migrationFiles() ([]migrationFile, error) {
	dir := path.Join("migrations", a.d.String())
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []migrationFile
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return nil, fmt.Errorf("adapter/sql: migration file %s is not named NNNN_name.sql", name)
		}
		b, err := migrationFS.ReadFile(path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, migrationFile{version: v, stmts: a.statements(string(b))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrations returns the dialect's migrations in order, their statements
// ready to run.
func (a *Adapter) migrations() ([]migration, error) {
	files, err := a.migrationFiles()
	if err != nil {
		return nil, err
	}
	out := make([]migration, len(files))
	for i, f := range files {
		out[i].version = f.version
		for _, st := range f.stmts {
			out[i].stmts = append(out[i].stmts, a.d.prepare(st, a.tables))
		}
	}
	return out, nil
}

// migrationTexts returns every statement of every migration for the
// adapter's schema, table names still {placeholders}.
func (a *Adapter) migrationTexts() ([]string, error) {
	files, err := a.migrationFiles()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		out = append(out, f.stmts...)
	}
	return out, nil
}

// detectCollation sets the binary, no-pad collation of authgo's MySQL
// tables: utf8mb4_nopad_bin on MariaDB, utf8mb4_0900_bin on MySQL 8.
func (a *Adapter) detectCollation(ctx context.Context) error {
	var version string
	if err := a.db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&version); err != nil {
		return err
	}
	a.collate = "utf8mb4_0900_bin"
	if strings.Contains(strings.ToLower(version), "mariadb") {
		a.collate = "utf8mb4_nopad_bin"
	}
	return nil
}

// refUsers is a foreign key to the users table in a migration.
var refUsers = regexp.MustCompile(`(?i)(,\s*(CONSTRAINT\s+\S+\s+)?FOREIGN\s+KEY\s*\([^)]*\))?\s+REFERENCES\s+\{users\}\s*\(\s*id\s*\)(\s+ON\s+DELETE\s+CASCADE)?`)

// statements splits a migration file into the statements that apply to the
// adapter's schema, {collate} filled in and table names still {placeholders}.
//
// A line "-- authgo: only own" makes the statements after it apply to
// authgo's own schema only; "only shared" to any other schema; "only
// unconstrained" to a schema with Schema.Unconstrained (and these may
// name host tables: they add the missing unique indexes); "-- authgo: all"
// ends the condition. On a schema other than authgo's own, a foreign key to
// the users table is left out (the host's id may have another type or
// collation; DeleteUser deletes the rows itself), and a statement that
// still names a host table is left out — the host's tool owns those tables
// — unless it adds a column (migrations add only nullable ones, which the
// host's adapter never reads).
func (a *Adapter) statements(file string) []string {
	var out []string
	var b strings.Builder
	applies, hostOK := true, false
	flush := func() {
		st := strings.TrimSuffix(strings.TrimSpace(b.String()), ";")
		b.Reset()
		if st == "" {
			return
		}
		if st = a.adapt(st, hostOK); st != "" {
			out = append(out, st)
		}
	}
	for _, l := range strings.Split(file, "\n") {
		t := strings.TrimSpace(l)
		if cond, ok := strings.CutPrefix(t, "-- authgo:"); ok {
			flush()
			hostOK = false
			switch strings.TrimSpace(cond) {
			case "only own":
				applies = a.schema.own()
			case "only shared":
				applies = !a.schema.own()
			case "only unconstrained":
				applies, hostOK = a.schema.Unconstrained, true
			default:
				applies = true
			}
			continue
		}
		if strings.HasPrefix(t, "--") || !applies {
			continue
		}
		b.WriteString(l + "\n")
		if strings.HasSuffix(t, ";") {
			flush()
		}
	}
	flush()
	return out
}

// adapt returns a migration statement as it applies to the adapter's
// schema (see statements), or "" when it does not apply.
func (a *Adapter) adapt(st string, hostOK bool) string {
	st = strings.ReplaceAll(st, "{collate}", a.collate)
	if a.schema.own() {
		return st
	}
	refs := userRefs(st)
	st = refUsers.ReplaceAllString(st, "")
	if !hostOK && a.namesHostTable(st) && !addsColumn.MatchString(st) {
		return ""
	}
	a.noteUserRefs(refs)
	return st
}

// addsColumn matches a statement that adds a column to a table.
var addsColumn = regexp.MustCompile(`(?is)^\s*ALTER\s+TABLE\s+\{[a-z_]+\}\s+ADD\s+`)

// namesHostTable reports whether a statement names a table of the host.
func (a *Adapter) namesHostTable(st string) bool {
	for _, h := range a.schema.hostTables() {
		if strings.Contains(st, h) {
			return true
		}
	}
	return false
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

	if _, err := conn.ExecContext(ctx, a.d.prepare(a.versionsDDL(), a.tables)); err != nil {
		return err
	}
	applied, current, err := a.appliedVersions(ctx, conn)
	if err != nil {
		return err
	}
	if err := a.tooNew(current); err != nil {
		return err
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
func (a *Adapter) appliedVersions(ctx context.Context, db rowsQueryer) (map[int]bool, int, error) {
	if _, ok, err := a.columns(ctx, a.names.SchemaVersions); err != nil || !ok {
		return map[int]bool{}, 0, err
	}
	rows, err := db.QueryContext(ctx, a.d.prepare(`SELECT version FROM {versions}`, a.tables))
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

// rowsQueryer is what a *sql.DB and a *sql.Conn have in common for a
// query of several rows.
type rowsQueryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*dbsql.Rows, error)
}

// versionsDDL creates the table that records the versions applied.
func (a *Adapter) versionsDDL() string {
	return map[Dialect]string{
		Postgres: `CREATE TABLE IF NOT EXISTS {versions} (version INTEGER NOT NULL PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)`,
		MySQL:    `CREATE TABLE IF NOT EXISTS {versions} (version INTEGER NOT NULL PRIMARY KEY, applied_at DATETIME(3) NOT NULL) ENGINE=InnoDB`,
		SQLite:   `CREATE TABLE IF NOT EXISTS {versions} (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)`,
	}[a.d]
}

// tooNew returns the error for a database at version current when this
// code knows fewer versions, or nil.
func (a *Adapter) tooNew(current int) error {
	latest := a.SchemaVersion()
	if current <= latest {
		return nil
	}
	return fmt.Errorf("adapter/sql: %w: the database %s is at schema version %d and this authgo knows versions up to %d; upgrade authgo, or point it at another database",
		ErrSchemaTooNew, a.d.quote(a.names.SchemaVersions), current, latest)
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
