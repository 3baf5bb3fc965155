package sql

import (
	"context"
	"fmt"
	"strconv"
)

// Schema describes the tables that hold users, accounts, sessions,
// verification tokens and authenticators: authgo's own (the zero value), or
// the tables an Auth.js app's tools created, so that a Go service joins
// that app's database as it is. The presets are SchemaPgAdapter,
// SchemaPrisma and SchemaDrizzle; a Schema of your own maps other table
// names, and Columns other column names.
//
// On a schema that is not authgo's own, authgo never changes the host
// tables' columns: a user's role and a session's metadata (created, last
// seen, user agent, IP) live in authgo's own tables (Tables.UserData and
// Tables.SessionData, keyed by user id and session token), as do the
// revocation epochs and every later authgo feature. The one exception is
// Unconstrained.
type Schema struct {
	// Name names the schema in messages: "authgo" (the zero value),
	// "pg-adapter", "prisma", "drizzle", or one of your own.
	Name string
	// Tables names the host's tables; an empty field keeps authgo's default
	// name. Options.Tables overrides these field by field.
	Tables Tables
	// IntegerIDs says that users.id is an integer the database generates
	// (SERIAL, AUTO_INCREMENT) and that "userId" columns are integers. User
	// ids are then decimal strings in Go; CreateUser cannot take an id.
	// Default false: text ids, a UUID that authgo generates when none is
	// given.
	IntegerIDs bool
	// UpdatedAt says that the users, accounts and sessions tables have an
	// "updatedAt" column without a database default (Prisma's @updatedAt),
	// which authgo then sets on every insert and update.
	UpdatedAt bool
	// Authenticators says that the host has a table for passkeys
	// (Tables.Authenticators). Without one, authgo creates its own.
	Authenticators bool
	// Unconstrained says that the host tables have neither unique keys on
	// users.email, sessions."sessionToken" and accounts (provider,
	// "providerAccountId"), nor foreign keys to users (@auth/pg-adapter's
	// documented SQL). authgo's migrations then add those unique indexes
	// (an index is no column; it makes the Node app's lookups indexed
	// too), and authgo checks that a user exists in the statement that
	// links an account or creates a session.
	Unconstrained bool
	// Columns maps Auth.js column names (the keys: "userId",
	// "sessionToken", "providerAccountId", "emailVerified", …) to the
	// host's, for tables whose columns were renamed (a snake_case Drizzle
	// schema: "userId" → "user_id"). A key maps that column in every host
	// table that has it; authgo's own tables keep their names. Default
	// nil: Auth.js's names. A mapped column the tables lack fails New
	// with ErrSchemaMismatch, naming the column.
	Columns map[string]string
}

// The named presets. Each is the schema as its tool creates it; copy one
// and change Tables to follow renamed tables.
var (
	// SchemaAuthgo is authgo's own schema, which its migrations create
	// (the zero Schema): @auth/pg-adapter's tables and columns with text
	// ids, plus authgo's columns.
	SchemaAuthgo = Schema{Name: "authgo"}
	// SchemaPgAdapter is @auth/pg-adapter's documented SQL (PostgreSQL):
	// tables users, accounts, sessions and verification_token, SERIAL
	// ids, no unique keys besides the primary keys, no foreign keys, no
	// authenticators table.
	SchemaPgAdapter = Schema{Name: "pg-adapter", IntegerIDs: true, Unconstrained: true,
		Tables: Tables{Users: "users", Accounts: "accounts", Sessions: "sessions", VerificationTokens: "verification_token"}}
	// SchemaPrisma is the Auth.js Prisma reference schema as prisma migrate
	// creates it (PostgreSQL, MySQL): tables User, Account,
	// Session, VerificationToken and Authenticator, cuid text ids (authgo
	// writes UUIDs), a required unique email, and createdAt / updatedAt on
	// User, Account and Session.
	SchemaPrisma = Schema{Name: "prisma", UpdatedAt: true, Authenticators: true,
		Tables: Tables{Users: "User", Accounts: "Account", Sessions: "Session", VerificationTokens: "VerificationToken", Authenticators: "Authenticator"}}
	// SchemaDrizzle is @auth/drizzle-adapter's default schema as drizzle-kit
	// creates it (PostgreSQL, MySQL, SQLite): tables user, account,
	// session, verificationToken and authenticator, text (UUID) ids.
	SchemaDrizzle = Schema{Name: "drizzle", Authenticators: true,
		Tables: Tables{Users: "user", Accounts: "account", Sessions: "session", VerificationTokens: "verificationToken", Authenticators: "authenticator"}}
)

// Presets lists the named presets, authgo's own first.
func Presets() []Schema { return []Schema{SchemaAuthgo, SchemaPgAdapter, SchemaPrisma, SchemaDrizzle} }

// own reports whether s is authgo's own schema.
func (s Schema) own() bool { return s.Name == "" || s.Name == "authgo" }

// name is s.Name, "authgo" for the zero value.
func (s Schema) name() string {
	if s.Name == "" {
		return "authgo"
	}
	return s.Name
}

// hostTables returns the placeholders of the tables the host owns: the
// migrations create none of them on a schema other than authgo's own.
func (s Schema) hostTables() []string {
	if s.own() {
		return nil
	}
	t := []string{"{users}", "{accounts}", "{sessions}", "{verification_token}"}
	if s.Authenticators {
		t = append(t, "{authenticators}")
	}
	return t
}

// merge returns the table names of s with the fields that o sets put over
// them.
func (s Schema) merge(o Tables) Tables {
	t := s.Tables
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&t.Users, o.Users}, {&t.Accounts, o.Accounts}, {&t.Sessions, o.Sessions},
		{&t.VerificationTokens, o.VerificationTokens}, {&t.Authenticators, o.Authenticators},
		{&t.Revocations, o.Revocations}, {&t.RevokedSessions, o.RevokedSessions},
		{&t.SchemaVersions, o.SchemaVersions}, {&t.UserData, o.UserData}, {&t.SessionData, o.SessionData},
	} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	return t
}

// validate checks what the Go side can check of s against the dialect.
func (s Schema) validate(d Dialect) error {
	if err := s.validateColumns(); err != nil {
		return err
	}
	if s.own() && (s.IntegerIDs || s.UpdatedAt || s.Unconstrained || s.Authenticators) {
		return fmt.Errorf("adapter/sql: Schema %q is authgo's own and takes no options; give your mapping another Name", s.name())
	}
	if s.Unconstrained && d != Postgres {
		return fmt.Errorf("adapter/sql: Schema %q: Unconstrained host tables are supported on PostgreSQL only (as @auth/pg-adapter's SQL); add unique keys and foreign keys to the tables instead", s.name())
	}
	return nil
}

// userIDOK reports whether id can be a user id of the schema: anything for
// text ids, a decimal number for integer ids. A lookup of any other id
// finds nothing.
func (a *Adapter) userIDOK(id string) bool {
	if badKey(id) {
		return false
	}
	if !a.schema.IntegerIDs {
		return true
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && strconv.FormatInt(n, 10) == id
}

func presetIdent(s Schema) string {
	switch s.Name {
	case "pg-adapter":
		return "PgAdapter"
	case "prisma":
		return "Prisma"
	case "drizzle":
		return "Drizzle"
	}
	return "Authgo"
}

// Detect returns the preset whose tables the database holds (with the
// adapter's TablePrefix and dialect), or the zero Schema with an empty
// Name when none fits: authgo's own schema once migrated, @auth/pg-adapter's,
// Prisma's or Drizzle's. `authgo migrate status` reports it.
func (a *Adapter) Detect(ctx context.Context) (Schema, error) {
	for _, p := range Presets() {
		if p.validate(a.d) != nil {
			continue
		}
		merged := p.merge(Tables{})
		names := func(placeholder string) string {
			n := map[string]string{
				"{users}": merged.Users, "{accounts}": merged.Accounts, "{sessions}": merged.Sessions,
				"{verification_token}": merged.VerificationTokens, "{authenticators}": merged.Authenticators,
			}[placeholder]
			if n == "" {
				n = map[string]string{"{users}": "users", "{accounts}": "accounts", "{sessions}": "sessions",
					"{verification_token}": "verification_token", "{authenticators}": "authenticators"}[placeholder]
			}
			return a.prefix + n
		}
		bad, err := a.compareHost(ctx, p, names)
		if err != nil {
			return Schema{}, err
		}
		if len(bad) == 0 {
			if p.own() {
				p.Name = "authgo"
			}
			return p, nil
		}
	}
	return Schema{}, nil
}

// compareHost is compare over the tables the host owns (all five for
// authgo's own schema), which must exist.
func (a *Adapter) compareHost(ctx context.Context, s Schema, names func(string) string) ([]mismatch, error) {
	if s.own() {
		return a.compare(ctx, s, names, true)
	}
	host := map[string]bool{}
	for _, h := range s.hostTables() {
		host[h] = true
	}
	all, err := a.compare(ctx, s, names, true)
	if err != nil {
		return nil, err
	}
	var out []mismatch
	for _, m := range all {
		for h := range host {
			if names(h) == m.table {
				out = append(out, m)
			}
		}
	}
	return out, nil
}
