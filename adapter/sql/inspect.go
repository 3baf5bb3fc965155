package sql

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// ErrSchemaMismatch is wrapped in the error of New (and the Open functions)
// when a table the adapter needs is missing or has a column missing or of
// an unexpected type. The message says which, and what to run or set.
var ErrSchemaMismatch = errors.New("the database's tables do not match the schema")

// kind is a column's type as far as the adapter cares.
type kind string

const (
	kText kind = "text"
	kInt  kind = "integer"
	kTime kind = "timestamp"
	kBool kind = "boolean"
)

// column is a column the adapter reads or writes and the kinds it accepts.
type column struct {
	name  string
	kinds []kind
	from  string // the Auth.js name that Schema.Columns mapped to name, if any
}

// tableSpec is a table the adapter needs: its placeholder and columns.
type tableSpec struct {
	placeholder string
	cols        []column
}

// spec returns the host tables the schema needs, with their columns.
func (s Schema) spec(d Dialect) []tableSpec {
	text, integer := []kind{kText}, []kind{kInt}
	idk := text
	if s.IntegerIDs {
		idk = integer
	}
	times := []kind{kTime}
	bools := []kind{kBool}
	if d == SQLite {
		// SQLite stores authgo's and drizzle's times as Unix
		// milliseconds in INTEGER columns, booleans as 0/1.
		times, bools = []kind{kTime, kInt}, []kind{kBool, kInt}
	}
	if d == MySQL {
		bools = []kind{kBool, kInt}
	}
	c := func(name string, k []kind) column {
		if to := s.column(name); to != name {
			return column{to, k, name}
		}
		return column{name, k, ""}
	}
	users := []column{c("id", idk), c("name", text), c("email", text), c("emailVerified", times), c("image", text)}
	accounts := []column{c("userId", idk), c("type", text), c("provider", text), c("providerAccountId", text),
		c("refresh_token", text), c("access_token", text), c("expires_at", integer), c("token_type", text),
		c("scope", text), c("id_token", text), c("session_state", text)}
	sessions := []column{c("sessionToken", text), c("userId", idk), c("expires", times)}
	tokens := []column{c("identifier", text), c("token", text), c("expires", times)}
	authUserID := text // authgo's own authenticators table keys users by text
	if s.Authenticators {
		authUserID = idk
	}
	ac := c
	if !s.Authenticators {
		// authgo's own authenticators table: Columns maps none of its.
		ac = func(name string, k []kind) column { return column{name, k, ""} }
	}
	auths := []column{ac("credentialID", text), ac("userId", authUserID), ac("providerAccountId", text),
		ac("credentialPublicKey", text), ac("counter", integer), ac("credentialDeviceType", text),
		ac("credentialBackedUp", bools), ac("transports", text)}
	if s.own() {
		users = append(users, c("role", text))
		accounts = append(accounts, c("id", text))
		sessions = append(sessions, c("id", text), c("createdAt", times), c("lastSeenAt", times), c("userAgent", text), c("ip", text))
	}
	if s.UpdatedAt {
		users = append(users, c("updatedAt", times))
		accounts = append(accounts, c("updatedAt", times))
		sessions = append(sessions, c("updatedAt", times))
	}
	return []tableSpec{
		{"{users}", users}, {"{accounts}", accounts}, {"{sessions}", sessions},
		{"{verification_token}", tokens}, {"{authenticators}", auths},
	}
}

// classify maps a column's declared type to a kind ("" for others).
func classify(d Dialect, declared string) kind {
	t := strings.ToLower(strings.TrimSpace(declared))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	switch {
	case d == MySQL && t == "tinyint", t == "boolean", t == "bool":
		return kBool
	case strings.Contains(t, "int"), t == "serial", t == "bigserial":
		return kInt
	case strings.HasPrefix(t, "timestamp"), t == "datetime", t == "date":
		return kTime
	case strings.Contains(t, "char"), strings.Contains(t, "text"), t == "uuid", t == "clob", t == "string":
		return kText
	}
	return ""
}

// columns returns the columns of a table with their kinds, and whether the
// table exists.
func (a *Adapter) columns(ctx context.Context, table string) (map[string]kind, bool, error) {
	var q string
	switch a.d {
	case Postgres:
		q = `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`
	case MySQL:
		q = `SELECT column_name, column_type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?`
	default:
		q = `SELECT name, type FROM pragma_table_info(?)`
	}
	rows, err := a.db.QueryContext(ctx, q, table)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	cols := map[string]kind{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, false, err
		}
		cols[name] = classify(a.d, typ)
	}
	return cols, len(cols) > 0, rows.Err()
}

// tableName returns the table name a placeholder stands for.
func (a *Adapter) tableName(placeholder string) string {
	return strings.Trim(a.tables.Replace(placeholder), "`\"")
}

// mismatch is one thing wrong with a table.
type mismatch struct {
	table, column string
	from          string // Auth.js's name of a column Schema.Columns mapped
	missingTable  bool
	got           kind
	want          []kind
}

func (m mismatch) String() string {
	switch {
	case m.missingTable:
		return fmt.Sprintf("the table %s is missing", m.table)
	case m.want == nil && m.from != "":
		return fmt.Sprintf("the table %s has no column %s (Schema.Columns maps %s to it)", m.table, m.column, m.from)
	case m.want == nil:
		return fmt.Sprintf("the table %s has no column %s", m.table, m.column)
	}
	got := string(m.got)
	if got == "" {
		got = "of another type"
	}
	return fmt.Sprintf("the column %s.%s is %s where %s is expected", m.table, m.column, got, m.want[0])
}

// compare checks the host tables of s that exist (and, with all, that they
// do exist) and returns what does not fit.
func (a *Adapter) compare(ctx context.Context, s Schema, names func(string) string, all bool) ([]mismatch, error) {
	var out []mismatch
	for _, t := range s.spec(a.d) {
		table := names(t.placeholder)
		cols, ok, err := a.columns(ctx, table)
		if err != nil {
			return nil, err
		}
		if !ok {
			if all {
				out = append(out, mismatch{table: table, missingTable: true})
			}
			continue
		}
		for _, c := range t.cols {
			got, has := cols[c.name]
			if !has {
				out = append(out, mismatch{table: table, column: c.name, from: c.from})
				continue
			}
			fits := false
			for _, k := range c.kinds {
				fits = fits || got == k
			}
			if !fits {
				out = append(out, mismatch{table: table, column: c.name, got: got, want: c.kinds})
			}
		}
	}
	return out, nil
}

// createdTables matches the tables and columns that a migration creates.
var (
	createdTable = regexp.MustCompile(`(?i)CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\{[a-z_]+\})`)
	addedColumn  = regexp.MustCompile(`(?i)ALTER\s+TABLE\s+(\{[a-z_]+\})\s+ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"?([A-Za-z_][A-Za-z0-9_]*)"?`)
)

// migrated returns the tables and added columns the adapter's migrations
// create for its schema, as placeholders.
func (a *Adapter) migrated() (tables []string, columns [][2]string, err error) {
	ms, err := a.migrationTexts()
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for _, st := range ms {
		if m := createdTable.FindStringSubmatch(st); m != nil && !seen[m[1]] {
			seen[m[1]] = true
			tables = append(tables, m[1])
		}
		if m := addedColumn.FindStringSubmatch(st); m != nil {
			columns = append(columns, [2]string{m[1], m[2]})
		}
	}
	return tables, columns, nil
}

// precheck runs before the migrations: the host tables of a schema other
// than authgo's own must be there, and no table that exists may have
// columns of other types than the schema's (authgo's migrations would
// otherwise fail half way, or be skipped, on tables another tool made).
func (a *Adapter) precheck(ctx context.Context) error {
	var bad []mismatch
	var err error
	if a.schema.own() {
		bad, err = a.compare(ctx, a.schema, a.tableName, false)
		// Before the first migration authgo's own columns may be
		// missing from no table: its tables are created whole.
	} else {
		bad, err = a.compareHost(ctx, a.schema, a.tableName)
	}
	if err != nil {
		return a.fail(ctx, "Open", err)
	}
	if len(bad) > 0 {
		return a.mismatchError(ctx, bad, true)
	}
	if a.schema.own() {
		return a.foreignTables(ctx)
	}
	return nil
}

// foreignTables refuses to create authgo's own schema in a database that
// holds an Auth.js preset's tables and no authgo schema yet: that is a
// database shared with a Node app, opened without Options.Schema.
func (a *Adapter) foreignTables(ctx context.Context) error {
	if _, ok, err := a.columns(ctx, a.names.SchemaVersions); err != nil || ok {
		return a.fail(ctx, "Open", err)
	}
	p, err := a.Detect(ctx)
	if err != nil {
		return a.fail(ctx, "Open", err)
	}
	if p.Name == "" || p.own() {
		return nil
	}
	return fmt.Errorf("adapter/sql: %w: the database holds the tables of the %s schema and no authgo schema yet; set Options.Schema to sql.Schema%s to share them with the Node app (or set a TablePrefix to keep authgo's tables apart)",
		ErrSchemaMismatch, p.name(), presetIdent(p))
}

// check runs when an adapter is made: every table the adapter needs must
// be there with columns of the expected types, and the schema version
// must not be newer than this code knows. Its error is one sentence that
// says what is wrong and what to run or set.
func (a *Adapter) check(ctx context.Context) error {
	names := a.tableName
	bad, err := a.compare(ctx, a.schema, names, true)
	if err != nil {
		return a.fail(ctx, "Open", err)
	}
	tables, cols, err := a.migrated()
	if err != nil {
		return err
	}
	for _, t := range tables {
		if _, ok, err := a.columns(ctx, names(t)); err != nil {
			return a.fail(ctx, "Open", err)
		} else if !ok && !containsTable(bad, names(t)) {
			bad = append(bad, mismatch{table: names(t), missingTable: true})
		}
	}
	for _, c := range cols {
		have, ok, err := a.columns(ctx, names(c[0]))
		if err != nil {
			return a.fail(ctx, "Open", err)
		}
		if _, has := have[c[1]]; ok && !has {
			bad = append(bad, mismatch{table: names(c[0]), column: c[1]})
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return a.mismatchError(ctx, bad, false)
}

func containsTable(ms []mismatch, table string) bool {
	for _, m := range ms {
		if m.table == table && m.missingTable {
			return true
		}
	}
	return false
}

// mismatchError builds the sentence for what does not fit, naming the
// preset the tables do match, if any.
//
// Before the migrations (pre), a table that exists but does not fit is
// not something a migration would fix.
func (a *Adapter) mismatchError(ctx context.Context, bad []mismatch, pre bool) error {
	// Missing tables first: they are the likeliest cause of the rest.
	sort.SliceStable(bad, func(i, j int) bool {
		if bad[i].missingTable != bad[j].missingTable {
			return bad[i].missingTable
		}
		return bad[i].String() < bad[j].String()
	})
	parts := make([]string, 0, len(bad))
	for _, m := range bad {
		parts = append(parts, m.String())
	}
	if len(parts) > 4 {
		parts = append(parts[:4], fmt.Sprintf("%d more", len(parts)-4))
	}
	var hint string
	hostMissing := false
	for _, m := range bad {
		hostMissing = hostMissing || (m.missingTable && a.isHostTable(m.table))
	}
	detected, derr := a.Detect(ctx)
	switch {
	case derr == nil && detected.Name != "" && detected.name() != a.schema.name():
		hint = fmt.Sprintf("the tables follow the %s schema: set Options.Schema to sql.Schema%s", detected.name(), presetIdent(detected))
	case hostMissing && !a.schema.own():
		hint = fmt.Sprintf("create the %s tables with the app's own tool first (the %s schema), or choose the Schema your tables follow", a.schema.name(), a.schema.name())
	case onlyMissing(bad) && !pre:
		hint = `run "authgo migrate up" (or Adapter.Migrate), or leave Options.SkipMigrations unset`
	default:
		hint = "the tables match no preset (authgo, pg-adapter, prisma, drizzle): map them with a Schema of your own (Tables, IntegerIDs, UpdatedAt) or fix the columns"
	}
	return fmt.Errorf("adapter/sql: %w for the %s schema: %s; %s", ErrSchemaMismatch, a.schema.name(), strings.Join(parts, ", "), hint)
}

func onlyMissing(bad []mismatch) bool {
	for _, m := range bad {
		if m.want != nil {
			return false
		}
	}
	return true
}

// isHostTable reports whether a table name is one the host's tool owns.
func (a *Adapter) isHostTable(table string) bool {
	for _, h := range a.schema.hostTables() {
		if a.tableName(h) == table {
			return true
		}
	}
	return false
}
