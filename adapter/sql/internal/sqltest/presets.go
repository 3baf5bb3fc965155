package sqltest

import (
	"embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/adaptertest"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/internal/testenv"
)

//go:embed testdata
var testdata embed.FS

// Preset is an Auth.js app's schema on one dialect, created the way its
// tool creates it, and what the suite may expect of its tables.
type Preset struct {
	Name    string
	Schema  authsql.Schema
	Options adaptertest.Options
	// SQL returns the statements that create the host's tables.
	SQL func(t testing.TB, d authsql.Dialect) []string
}

// Presets returns the presets the dialect has: @auth/pg-adapter's
// documented SQL (PostgreSQL), the SQL prisma migrate produces for the
// Auth.js Prisma reference schema (PostgreSQL, MySQL) and the SQL
// drizzle-kit produces for @auth/drizzle-adapter's default tables (every
// dialect; needs AUTHGO_NODE_DIR).
func Presets(d authsql.Dialect) []Preset {
	var out []Preset
	if d == authsql.Postgres {
		out = append(out, Preset{Name: "PgAdapter", Schema: authsql.SchemaPgAdapter,
			Options: adaptertest.Options{IntegerIDs: true, MaxText: 255},
			SQL:     file("testdata/pg-adapter.sql")})
	}
	if d != authsql.SQLite {
		o := adaptertest.Options{EmailRequired: true, Counter32: true}
		name := "testdata/prisma/postgresql.sql"
		if d == authsql.MySQL {
			o.MaxText, name = 191, "testdata/prisma/mysql.sql"
		}
		out = append(out, Preset{Name: "Prisma", Schema: authsql.SchemaPrisma, Options: o, SQL: file(name)})
	}
	o := adaptertest.Options{Counter32: d != authsql.SQLite} // integer is 32-bit but on SQLite
	if d == authsql.MySQL {
		o.MaxText = 255 // drizzle's MySQL tables are VARCHAR(255)
	}
	out = append(out, Preset{Name: "Drizzle", Schema: authsql.SchemaDrizzle, Options: o, SQL: DrizzleSQL})
	out = append(out, Preset{Name: "DrizzleSnakeCase", Schema: SchemaSnake, Options: o, SQL: SnakeSQL})
	return out
}

// SnakeColumns maps the camelCase columns of drizzle's default tables to
// the snake_case names of an app whose Drizzle schema names its columns
// that way, and one lower-case column to another name.
var SnakeColumns = map[string]string{
	"userId": "user_id", "providerAccountId": "provider_account_id", "sessionToken": "session_token",
	"emailVerified": "email_verified", "credentialID": "credential_id", "credentialPublicKey": "credential_public_key",
	"credentialDeviceType": "credential_device_type", "credentialBackedUp": "credential_backed_up",
	"image": "avatar_url",
}

// SchemaSnake is SchemaDrizzle with SnakeColumns.
var SchemaSnake = func() authsql.Schema {
	s := authsql.SchemaDrizzle
	s.Name, s.Columns = "drizzle-snake", SnakeColumns
	return s
}()

// SnakeSQL is DrizzleSQL with the columns renamed as SnakeColumns says
// (drizzle-kit quotes every column, with " or `).
func SnakeSQL(t testing.TB, d authsql.Dialect) []string {
	stmts := DrizzleSQL(t, d)
	for i, st := range stmts {
		for from, to := range SnakeColumns {
			for _, q := range []string{`"`, "`"} {
				st = strings.ReplaceAll(st, q+from+q, q+to+q)
			}
		}
		stmts[i] = st
	}
	return stmts
}

// file returns the statements of an embedded SQL file.
func file(name string) func(testing.TB, authsql.Dialect) []string {
	return func(t testing.TB, _ authsql.Dialect) []string {
		b, err := testdata.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return split(string(b))
	}
}

// split cuts an SQL script into statements at semicolons that end a
// line, dropping comment lines and drizzle's breakpoint markers.
func split(script string) []string {
	var out []string
	var b strings.Builder
	for _, l := range strings.Split(script, "\n") {
		l = strings.TrimSuffix(l, "--> statement-breakpoint")
		if strings.HasPrefix(strings.TrimSpace(l), "--") {
			continue
		}
		b.WriteString(l + "\n")
		if strings.HasSuffix(strings.TrimSpace(l), ";") {
			if s := strings.TrimSuffix(strings.TrimSpace(b.String()), ";"); s != "" {
				out = append(out, s)
			}
			b.Reset()
		}
	}
	if s := strings.TrimSpace(b.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// DrizzleSQL runs the real drizzle-kit (pinned in
// internal/testenv/package.json) on @auth/drizzle-adapter's default tables
// (its defineTables()) and returns the SQL it exports for the dialect.
// drizzle-kit schema-qualifies PostgreSQL foreign keys with "public"; the
// tests' tables live in a schema of their own, so the qualifier goes.
func DrizzleSQL(t testing.TB, d authsql.Dialect) []string {
	dir := testenv.NodeDir(t)
	lib := map[authsql.Dialect]string{authsql.Postgres: "pg", authsql.MySQL: "mysql", authsql.SQLite: "sqlite"}[d]
	dialect := map[authsql.Dialect]string{authsql.Postgres: "postgresql", authsql.MySQL: "mysql", authsql.SQLite: "sqlite"}[d]
	schema := filepath.Join(t.TempDir(), "schema.mjs")
	src := `import { defineTables } from ` + jsString(filepath.Join(dir, "node_modules/@auth/drizzle-adapter/lib/"+lib+".js")) + `
const t = defineTables()
export const users = t.usersTable, accounts = t.accountsTable, sessions = t.sessionsTable,
  verificationTokens = t.verificationTokensTable, authenticators = t.authenticatorsTable
`
	if err := os.WriteFile(schema, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(dir, "node_modules/drizzle-kit/bin.cjs"), "export", "--dialect", dialect, "--schema", schema)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("drizzle-kit export: %v\n%s", err, stderr)
	}
	script := string(out)
	if i := strings.Index(script, "CREATE TABLE"); i > 0 {
		script = script[i:] // drizzle-kit prints "Reading schema files" first on some dialects
	}
	script = strings.ReplaceAll(script, `"public".`, "")
	stmts := split(script)
	if len(stmts) < 5 {
		t.Fatalf("drizzle-kit exported %d statements:\n%s", len(stmts), script)
	}
	return stmts
}

func jsString(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

// RunPresets runs the conformance suite on every preset of the database's
// dialect: each subtest gets a fresh database, creates the host's tables
// from the tool's SQL, and opens the adapter on them with the preset's
// Schema (authgo's migrations add only its own tables).
func RunPresets(t *testing.T, newDB func(testing.TB) Database) {
	d := newDB(t).Dialect
	for _, p := range Presets(d) {
		t.Run(p.Name, func(t *testing.T) {
			adaptertest.RunWith(t, p.Options, func(t *testing.T) adapter.Adapter {
				return OpenPreset(t, newDB, p)
			})
		})
	}
}

// OpenPreset makes a fresh database with the preset's host tables and
// opens an adapter on it with the preset's Schema.
func OpenPreset(t testing.TB, newDB func(testing.TB) Database, p Preset) *authsql.Adapter {
	t.Helper()
	db := newDB(t)
	Create(t, db, p.SQL(t, db.Dialect))
	return db.MustOpen(t, authsql.Options{Schema: p.Schema})
}

// Create runs the statements on the database, as the host's tool would.
func Create(t testing.TB, db Database, stmts []string) {
	t.Helper()
	raw := db.Raw(t)
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("creating the host's tables: %v\n%s", err, s)
		}
	}
}

// SchemaChecks opens adapters on tables that do not fit and checks the
// sentence New fails with: an Auth.js app's tables under authgo's own
// schema (the preset is named), a column of another type, a table missing
// with migrations off, and a preset whose tables are not there.
func SchemaChecks(t *testing.T, newDB func(testing.TB) Database) {
	d := newDB(t).Dialect
	must := func(t *testing.T, err error, parts ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("opened; want an error saying %q", parts)
		}
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("the error %q does not say %q", err, p)
			}
		}
	}
	presets := Presets(d)
	host := presets[0]
	t.Run("PresetTablesUnderAuthgoSchema", func(t *testing.T) {
		db := newDB(t)
		Create(t, db, host.SQL(t, d))
		_, err := db.Open(t, authsql.Options{})
		must(t, err, "Options.Schema", "sql.Schema"+host.Name)
		// Nothing was created: authgo's migrations did not start.
		var n int
		if err := db.Raw(t).QueryRow(`SELECT COUNT(*) FROM ` + quote(d, "authgo_revocations")).Scan(&n); err == nil {
			t.Error("authgo's tables were created on tables of another schema")
		}
	})
	t.Run("MissingHostTables", func(t *testing.T) {
		_, err := newDB(t).Open(t, authsql.Options{Schema: host.Schema})
		must(t, err, "is missing", "create the "+host.Schema.Name+" tables")
	})
	t.Run("ColumnOfAnotherType", func(t *testing.T) {
		db := newDB(t)
		stmts := host.SQL(t, d)
		Create(t, db, stmts)
		users := host.Schema.Tables.Users
		raw := db.Raw(t)
		alter := map[authsql.Dialect]string{
			authsql.Postgres: `ALTER TABLE ` + quote(d, users) + ` ALTER COLUMN "emailVerified" TYPE TEXT`,
			authsql.MySQL:    "ALTER TABLE " + quote(d, users) + " MODIFY `emailVerified` VARCHAR(40)",
			authsql.SQLite:   "ALTER TABLE " + quote(d, users) + " RENAME COLUMN `emailVerified` TO `verified`",
		}[d]
		if _, err := raw.Exec(alter); err != nil {
			t.Fatal(err)
		}
		_, err := db.Open(t, authsql.Options{Schema: host.Schema})
		if d == authsql.SQLite {
			must(t, err, users+" has no column emailVerified")
		} else {
			must(t, err, users+".emailVerified is text where timestamp is expected")
		}
	})
	t.Run("MissingTableWithoutMigrations", func(t *testing.T) {
		db := newDB(t)
		Create(t, db, host.SQL(t, d))
		_, err := db.Open(t, authsql.Options{Schema: host.Schema, SkipMigrations: true})
		must(t, err, "authgo_revocations is missing", "authgo migrate up")
		// Migrated, it opens; with migrations off too.
		db.MustOpen(t, authsql.Options{Schema: host.Schema})
		db.MustOpen(t, authsql.Options{Schema: host.Schema, SkipMigrations: true})
	})
	t.Run("ConcurrentMigrationsOnPreset", func(t *testing.T) {
		// Several instances start at once on an Auth.js app's tables:
		// one migrates, the others wait for its lock and find it done.
		db := newDB(t)
		Create(t, db, host.SQL(t, d))
		concurrentMigrations(t, db, authsql.Options{Schema: host.Schema})
	})
	t.Run("MappedColumnMissing", func(t *testing.T) {
		// Schema.Columns names snake_case columns; the tables have
		// drizzle's camelCase ones. One sentence, nothing created.
		db := newDB(t)
		Create(t, db, DrizzleSQL(t, d))
		_, err := db.Open(t, authsql.Options{Schema: SchemaSnake})
		must(t, err, "account has no column user_id (Schema.Columns maps userId to it)", "drizzle-snake schema")
		t.Log(err)
		if strings.Count(err.Error(), "; ") != 1 {
			t.Errorf("the error is not one sentence: %q", err)
		}
		var n int
		if err := db.Raw(t).QueryRow(`SELECT COUNT(*) FROM ` + quote(d, "authgo_revocations")).Scan(&n); err == nil {
			t.Error("authgo's tables were created on tables that do not fit the mapping")
		}
	})
	t.Run("NoPreset", func(t *testing.T) {
		db := newDB(t)
		if _, err := db.Raw(t).Exec(`CREATE TABLE users (id TEXT, name TEXT)`); err != nil {
			t.Fatal(err)
		}
		_, err := db.Open(t, authsql.Options{})
		must(t, err, "match no preset", "Schema of your own")
	})
}

func quote(d authsql.Dialect, name string) string {
	if d == authsql.MySQL {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}
