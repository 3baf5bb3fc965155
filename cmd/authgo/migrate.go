package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/cmd/authgo/internal/cli"
	"github.com/authgo/authgo/cmd/authgo/internal/serve"
)

const migrateUsage = `Usage:
  authgo migrate status [flags]   what exists, what is missing, the preset detected, versions applied and pending
  authgo migrate plan [flags]     print the SQL that "up" would run, for review; changes nothing
  authgo migrate up [flags]       apply the pending migrations (under a lock: safe from several instances)

Exit status: 0 when done (status: when the schema is up to date and the
tables fit it), 1 when the database cannot be reached, its tables do not
fit the schema or (status) migrations are pending, 2 for a usage mistake.

Flags:
`

// runMigrate is `authgo migrate status|plan|up`.
func runMigrate(args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 || cli.IsHelp(args[0]) {
		w, code := stderr, 2
		if len(args) > 0 {
			w, code = stdout, 0
		}
		fmt.Fprint(w, migrateUsage+migrateFlagsText)
		return code
	}
	action := args[0]
	if action != "status" && action != "plan" && action != "up" {
		fmt.Fprintf(stderr, "authgo migrate: unknown action %q\n\n%s%s", action, migrateUsage, migrateFlagsText)
		return 2
	}
	fs := flag.NewFlagSet("authgo migrate "+action, flag.ContinueOnError)
	database := fs.String("database", getenv("AUTHGO_DATABASE_URL"), "")
	schema := fs.String("schema", "authgo", "")
	prefix := fs.String("prefix", "", "")
	timeout := fs.Duration("timeout", 2*time.Minute, "")
	usage := func(w io.Writer) { fmt.Fprint(w, migrateUsage+migrateFlagsText) }
	if code, ok := cli.Parse(fs, args[1:], usage, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "authgo migrate %s: unexpected argument %q\n", action, fs.Arg(0))
		return 2
	}
	preset, ok := presetNamed(*schema)
	if !ok {
		fmt.Fprintf(stderr, "authgo migrate: unknown schema %q: use authgo, pg-adapter, prisma or drizzle\n", *schema)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	m, err := serve.OpenMigrator(ctx, *database, authsql.Options{Schema: preset, TablePrefix: *prefix})
	if err != nil {
		fmt.Fprintf(stderr, "authgo migrate: %v\n", err)
		return 1
	}
	defer m.Close()
	return migrateAction(ctx, m, action, *database, stdout, stderr)
}

// migrateAction runs one action on the opened Migrator and prints its
// outcome.
func migrateAction(ctx context.Context, m *authsql.Migrator, action, database string, stdout, stderr io.Writer) int {
	switch action {
	case "plan":
		steps, err := m.Plan(ctx)
		if err == nil {
			err = m.WritePlan(stdout, steps)
		}
		if err != nil {
			fmt.Fprintf(stderr, "authgo migrate plan: %v\n", err)
			return 1
		}
		return 0
	case "up":
		before, err := m.Status(ctx)
		if err == nil {
			err = m.Up(ctx)
		}
		if err != nil {
			fmt.Fprintf(stderr, "authgo migrate up: %v\n", err)
			return 1
		}
		if len(before.Pending) == 0 {
			fmt.Fprintln(stdout, "nothing to do: the schema is up to date")
		} else {
			fmt.Fprintf(stdout, "applied %s\n", versions(before.Pending))
		}
	}
	st, err := m.Status(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "authgo migrate %s: %v\n", action, err)
		return 1
	}
	if action == "status" {
		printStatus(stdout, database, st)
	}
	if action == "status" && len(st.Pending) > 0 {
		return 1
	}
	if st.Error != "" {
		if action == "up" {
			fmt.Fprintln(stderr, "authgo migrate up: "+st.Error)
		}
		return 1
	}
	return 0
}

const migrateFlagsText = `  --database URL   a SQLite file path, a postgres:// or a mysql:// URL (default: AUTHGO_DATABASE_URL)
  --schema NAME    the tables authgo uses: authgo (its own, the default), pg-adapter, prisma or
                   drizzle (an Auth.js app's tables as its tool created them)
  --prefix P       the TablePrefix of authgo's tables (default none)
  --timeout D      give up after D (default 2m)
`

// presetNamed returns the preset a --schema value names.
func presetNamed(name string) (authsql.Schema, bool) {
	for _, p := range authsql.Presets() {
		if p.Name == name {
			return p, true
		}
	}
	return authsql.Schema{}, false
}

// printStatus writes what status reports, one field a line.
func printStatus(w io.Writer, database string, st authsql.Status) {
	detected := st.Detected
	if detected == "" {
		detected = "none (no preset's tables are all there)"
	}
	pending := versions(st.Pending)
	if pending == "" {
		pending = "none"
	}
	fmt.Fprintf(w, "database    %s %s\n", st.Dialect, serve.Redact(database))
	fmt.Fprintf(w, "schema      %s\n", st.Schema)
	fmt.Fprintf(w, "detected    %s\n", detected)
	fmt.Fprintf(w, "version     %d (this authgo knows %s)\n", st.Current, versions(st.Known))
	fmt.Fprintf(w, "pending     %s\n", pending)
	switch {
	case st.Error == "" && len(st.Pending) > 0:
		fmt.Fprintln(w, `tables      those there fit; the pending migrations create the rest: run "authgo migrate up"`)
		return
	case st.Error == "":
		fmt.Fprintln(w, "tables      as the schema needs them")
		return
	}
	fmt.Fprintf(w, "tables      %s\n", strings.TrimPrefix(st.Error, "adapter/sql: "))
}

func versions(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, " ")
}
