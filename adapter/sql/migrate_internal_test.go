package sql

import (
	"fmt"
	"strings"
	"testing"
)

// TestUserRefs checks that the foreign keys to users are found in both
// forms the migrations use, so that DeleteUser on a schema not authgo's own
// (where they are left out) deletes the rows itself.
func TestUserRefs(t *testing.T) {
	for st, want := range map[string]string{
		"CREATE TABLE IF NOT EXISTS {passwords} (\n  \"userId\" TEXT NOT NULL PRIMARY KEY REFERENCES {users} (id) ON DELETE CASCADE,\n  hash TEXT NOT NULL\n)":                                      "[[{passwords} userId]]",
		"CREATE TABLE IF NOT EXISTS {passwords} (\n  \"userId\" VARCHAR(255) NOT NULL PRIMARY KEY,\n  hash TEXT NOT NULL,\n  FOREIGN KEY (\"userId\") REFERENCES {users} (id) ON DELETE CASCADE\n)": "[[{passwords} userId]]",
		"CREATE TABLE IF NOT EXISTS {revocations} (\n  \"userId\" TEXT NOT NULL PRIMARY KEY\n)":                                                                                                     "[]",
	} {
		if got := fmt.Sprint(userRefs(st)); got != want {
			t.Errorf("userRefs(%q) = %s, want %s", st, got, want)
		}
		if got := refUsers.ReplaceAllString(st, ""); got == st && want != "[]" {
			t.Errorf("the foreign key of %q was not removed", st)
		}
	}
}

// FuzzStatements: reading a migration file for a schema never panics, and
// on a schema not authgo's own no statement it keeps names a host table
// (other than to add a column) or keeps a foreign key to users.
func FuzzStatements(f *testing.F) {
	for _, d := range []string{"postgres", "mysql", "sqlite"} {
		for _, name := range []string{"0001_init.sql", "0005_shared_schemas.sql"} {
			if b, err := migrationFS.ReadFile("migrations/" + d + "/" + name); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Add("-- authgo: only unconstrained\nCREATE UNIQUE INDEX x ON {users} (email);\n-- authgo: all\nALTER TABLE {authenticators} ADD COLUMN x TEXT;")
	f.Fuzz(func(t *testing.T, file string) {
		for _, s := range []Schema{SchemaAuthgo, SchemaPrisma, SchemaPgAdapter} {
			a := &Adapter{schema: s, d: Postgres, tables: strings.NewReplacer()}
			for _, st := range a.statements(file) {
				if s.own() || strings.Contains(file, "-- authgo:") {
					continue
				}
				if refUsers.MatchString(st) {
					t.Fatalf("%s: a foreign key to users was kept: %q", s.Name, st)
				}
				if a.namesHostTable(st) && !addsColumn.MatchString(st) {
					t.Fatalf("%s: a statement on a host table was kept: %q", s.Name, st)
				}
			}
		}
	})
}

// FuzzClassify: every declared type maps to a kind or to none, without a
// panic, and the common spellings map as the checks expect.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"TEXT", "character varying", "varchar(255)", "integer", "BIGINT", "timestamp with time zone", "DATETIME(3)", "tinyint(1)", "boolean", "", "(", "int("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typ string) {
		for _, d := range []Dialect{SQLite, Postgres, MySQL} {
			switch k := classify(d, typ); k {
			case "", kText, kInt, kTime, kBool:
			default:
				t.Fatalf("classify(%v, %q) = %q", d, typ, k)
			}
		}
	})
}
