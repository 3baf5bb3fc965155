package sql

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"io"
	"strings"
)

// Migrator inspects and migrates a database's schema without being an
// adapter: it works on a database whose tables are missing or do not fit,
// where New would refuse. `authgo migrate status|plan|up` is built on it.
type Migrator struct {
	a     *Adapter
	owned bool // Close closes the database
}

// NewMigrator returns a Migrator for db, which drv describes, with the
// table names and Schema of opts (SkipMigrations is ignored). It reads
// nothing but, on MySQL, the server's version.
func NewMigrator(ctx context.Context, db *dbsql.DB, drv Driver, opts Options) (*Migrator, error) {
	a, err := newAdapter(ctx, db, drv, opts)
	if err != nil {
		return nil, err
	}
	return &Migrator{a: a}, nil
}

// OpenMigrator makes a Migrator that owns db: it checks that the database
// answers and closes db when it does not. Close closes db. The driver
// modules' OpenMigrator functions are the usual way in.
func OpenMigrator(ctx context.Context, db *dbsql.DB, drv Driver, opts Options) (*Migrator, error) {
	m, err := owning(ctx, db, drv, func() (*Migrator, error) { return NewMigrator(ctx, db, drv, opts) })
	if err != nil {
		return nil, err
	}
	m.owned = true
	return m, nil
}

// Close closes the database when the Migrator owns it (OpenMigrator), and
// does nothing otherwise.
func (m *Migrator) Close() error {
	if m.owned {
		return m.a.db.Close()
	}
	return nil
}

// Migrator returns the Migrator of the adapter's database, tables and
// Schema.
func (a *Adapter) Migrator() *Migrator { return &Migrator{a: a} }

// Status is the state of a database's schema, as `authgo migrate status`
// prints it.
type Status struct {
	// Dialect is the database's dialect.
	Dialect Dialect
	// Schema is the name of the configured Schema ("authgo" by default).
	Schema string
	// Detected is the name of the preset whose tables the database holds,
	// or "" when none fits (an empty database, say).
	Detected string
	// Current is the newest schema version recorded in the database, 0
	// when none is.
	Current int
	// Known lists the versions this authgo knows, in order.
	Known []int
	// Pending lists the known versions not recorded yet: what Up would
	// apply.
	Pending []int
	// Problems lists what does not fit once the pending migrations ran
	// (missing tables and columns, columns of another type), one sentence
	// each; empty when the adapter would open.
	Problems []string
	// Error is the sentence New would fail with, "" when it would open
	// (with migrations on).
	Error string
}

// Status reports the schema's state: the preset detected, the versions
// recorded and pending, and what is missing or does not fit.
func (m *Migrator) Status(ctx context.Context) (Status, error) {
	a := m.a
	st := Status{Dialect: a.d, Schema: a.schema.name()}
	detected, err := a.Detect(ctx)
	if err != nil {
		return st, a.fail(ctx, "Status", err)
	}
	st.Detected = detected.Name
	applied, current, err := a.appliedVersions(ctx, a.db)
	if err != nil {
		return st, a.fail(ctx, "Status", err)
	}
	st.Current = current
	files, err := a.migrationFiles()
	if err != nil {
		return st, err
	}
	for _, f := range files {
		st.Known = append(st.Known, f.version)
		if !applied[f.version] {
			st.Pending = append(st.Pending, f.version)
		}
	}
	if err := a.precheck(ctx); err != nil {
		st.Error = err.Error()
		return st, nil
	}
	if err := a.tooNew(st.Current); err != nil {
		st.Error = err.Error()
		return st, nil
	}
	if len(st.Pending) == 0 {
		if err := a.check(ctx); err != nil {
			st.Error = err.Error()
		}
	}
	return st, nil
}

// Step is one migration that Up would apply: its version and statements,
// in the dialect's SQL with the table names filled in.
type Step struct {
	Version    int
	Statements []string
}

// Plan returns the migrations Up would apply now, for a DBA to review
// (`authgo migrate plan` prints them). It changes nothing.
func (m *Migrator) Plan(ctx context.Context) ([]Step, error) {
	a := m.a
	applied, current, err := a.appliedVersions(ctx, a.db)
	if err != nil {
		return nil, a.fail(ctx, "Plan", err)
	}
	if err := a.tooNew(current); err != nil {
		return nil, err
	}
	ms, err := a.migrations()
	if err != nil {
		return nil, err
	}
	var out []Step
	for _, x := range ms {
		if !applied[x.version] {
			out = append(out, Step{Version: x.version, Statements: x.stmts})
		}
	}
	return out, nil
}

// WritePlan writes the plan as an SQL script: each step's statements and
// the row Up records for it, under a comment naming the version.
func (m *Migrator) WritePlan(w io.Writer, steps []Step) error {
	a := m.a
	var b strings.Builder
	fmt.Fprintf(&b, "-- authgo migrations for the %s schema on %s; Up takes a lock (%s) and runs each version in order.\n",
		a.schema.name(), a.d, a.lockName())
	fmt.Fprintf(&b, "%s;\n", a.d.prepare(a.versionsDDL(), a.tables))
	for _, s := range steps {
		fmt.Fprintf(&b, "\n-- version %d\n", s.Version)
		for _, st := range s.Statements {
			fmt.Fprintf(&b, "%s;\n", st)
		}
		fmt.Fprintf(&b, "INSERT INTO %s (version, applied_at) VALUES (%d, %s);\n", a.d.quote(a.names.SchemaVersions), s.Version, a.nowSQL())
	}
	if len(steps) == 0 {
		b.WriteString("-- nothing to do: the schema is up to date\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Up checks the tables that exist against the schema, applies the pending
// migrations under the migration lock (see Adapter.Migrate), and checks
// that every table the adapter needs is there.
func (m *Migrator) Up(ctx context.Context) error { return m.a.up(ctx, false) }

// nowSQL is the SQL of the current time as the versions table stores it.
func (a *Adapter) nowSQL() string {
	switch a.d {
	case Postgres:
		return "now()"
	case MySQL:
		return "UTC_TIMESTAMP(3)"
	}
	return "CAST(unixepoch('subsec') * 1000 AS INTEGER)"
}

// lockName says which lock Up takes, for the plan's header.
func (a *Adapter) lockName() string {
	switch a.d {
	case Postgres:
		return "pg_advisory_lock"
	case MySQL:
		return "GET_LOCK"
	}
	return "BEGIN IMMEDIATE"
}
