package sql

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/authgo/authgo/adapter"
)

// Tables names the tables. An empty field keeps the default, shown in the
// field's comment; Options.TablePrefix is put before every name, default or
// not. Names may hold ASCII letters, digits and underscores.
type Tables struct {
	Users              string // users
	Accounts           string // accounts
	Sessions           string // sessions
	VerificationTokens string // verification_token
	Authenticators     string // authenticators
	Revocations        string // authgo_revocations
	RevokedSessions    string // authgo_revoked_sessions
	Passwords          string // authgo_passwords
	SecondFactors      string // authgo_second_factors
	SchemaVersions     string // authgo_schema_versions
	UserData           string // authgo_user_data: role, on a Schema not authgo's own
	SessionData        string // authgo_session_data: session metadata, likewise
}

// Options configures an Adapter. The zero value uses the default table
// names and migrates the schema when the adapter is made.
type Options struct {
	// TablePrefix goes before every table name, e.g. "auth_" for
	// auth_users, auth_accounts, …
	TablePrefix string
	// Tables overrides single table names.
	Tables Tables
	// SkipMigrations leaves the schema alone when the adapter is made; call
	// Adapter.Migrate yourself, or manage the schema another way. The
	// adapter still checks, when it is made, that every table it needs is
	// there with columns of the expected types, and says what to run when
	// one is not.
	SkipMigrations bool
	// Schema is the tables the adapter reads and writes. The zero value is
	// authgo's own schema, which the migrations create; SchemaPgAdapter,
	// SchemaPrisma and SchemaDrizzle join an Auth.js app's database as its
	// tools created it.
	Schema Schema
}

// Adapter is the SQL adapter. It implements adapter.Adapter and every
// optional interface of package adapter. It is safe for concurrent use.
type Adapter struct {
	db      *dbsql.DB
	drv     Driver
	d       Dialect
	q       queries
	pq      passwordQueries
	fq      factorQueries
	names   Tables // final names, prefix included
	tables  replacer
	owned   bool // Close closes db
	collate string
	schema  Schema
	prefix  string
	side    sideQueries // statements of a Schema not authgo's own
}

var (
	_ adapter.Adapter             = (*Adapter)(nil)
	_ adapter.UserAccountCreator  = (*Adapter)(nil)
	_ adapter.SessionLister       = (*Adapter)(nil)
	_ adapter.UserSessionsDeleter = (*Adapter)(nil)
	_ adapter.ExpiredDeleter      = (*Adapter)(nil)
	_ adapter.RevocationStore     = (*Adapter)(nil)
)

var (
	_ adapter.SessionRevocationStore = (*Adapter)(nil)
	_ adapter.PasswordStore          = (*Adapter)(nil)
)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,47}$`)

// New returns an adapter over db, which must have been opened with the
// driver that drv describes (postgres.Driver{}, mysql.Driver{} or
// sqlite.Driver{} of the driver modules), and migrates the schema unless
// opts.SkipMigrations is set. Close does not close db.
//
// For SQLite, open db with foreign keys on, a busy timeout and, ideally,
// WAL and _txlock=immediate, as sqlite.Open does. For MySQL, parseTime=true
// and loc=UTC are recommended, as mysql.Open sets; times are read correctly
// without them.
func New(ctx context.Context, db *dbsql.DB, drv Driver, opts Options) (*Adapter, error) {
	a, err := newAdapter(ctx, db, drv, opts)
	if err != nil {
		return nil, err
	}
	if err := a.up(ctx, opts.SkipMigrations); err != nil {
		return nil, err
	}
	return a, nil
}

// up checks the tables that exist, migrates unless skip, and checks that
// every table the adapter needs is there.
func (a *Adapter) up(ctx context.Context, skip bool) error {
	if err := a.precheck(ctx); err != nil {
		return err
	}
	if !skip {
		if err := a.Migrate(ctx); err != nil {
			return err
		}
	}
	return a.check(ctx)
}

// newAdapter makes the adapter without touching the schema (MySQL's
// version is read for the collation).
func newAdapter(ctx context.Context, db *dbsql.DB, drv Driver, opts Options) (*Adapter, error) {
	if !usable(drv) {
		return nil, errNoDriver
	}
	d := drv.Dialect()
	if err := opts.Schema.validate(d); err != nil {
		return nil, err
	}
	opts.Tables = opts.Schema.merge(opts.Tables)
	def := func(name, fallback string) (string, error) {
		if name == "" {
			name = fallback
		}
		name = opts.TablePrefix + name
		if !identifier.MatchString(name) {
			return "", fmt.Errorf("adapter/sql: table name %q must be 1 to 48 ASCII letters, digits or underscores, not starting with a digit", name)
		}
		return name, nil
	}
	var n Tables
	var err error
	for _, x := range []struct {
		dst            *string
		name, fallback string
	}{
		{&n.Users, opts.Tables.Users, "users"},
		{&n.Accounts, opts.Tables.Accounts, "accounts"},
		{&n.Sessions, opts.Tables.Sessions, "sessions"},
		{&n.VerificationTokens, opts.Tables.VerificationTokens, "verification_token"},
		{&n.Authenticators, opts.Tables.Authenticators, "authenticators"},
		{&n.Revocations, opts.Tables.Revocations, "authgo_revocations"},
		{&n.RevokedSessions, opts.Tables.RevokedSessions, "authgo_revoked_sessions"},
		{&n.Passwords, opts.Tables.Passwords, "authgo_passwords"},
		{&n.SecondFactors, opts.Tables.SecondFactors, "authgo_second_factors"},
		{&n.SchemaVersions, opts.Tables.SchemaVersions, "authgo_schema_versions"},
		{&n.UserData, opts.Tables.UserData, "authgo_user_data"},
		{&n.SessionData, opts.Tables.SessionData, "authgo_session_data"},
	} {
		if *x.dst, err = def(x.name, x.fallback); err != nil {
			return nil, err
		}
	}
	a := &Adapter{db: db, drv: drv, d: d, names: n, schema: opts.Schema, prefix: opts.TablePrefix}
	q := d.quote
	tables := strings.NewReplacer(
		"{users}", q(n.Users),
		"{accounts}", q(n.Accounts),
		"{sessions}", q(n.Sessions),
		"{verification_token}", q(n.VerificationTokens),
		"{authenticators}", q(n.Authenticators),
		"{revocations}", q(n.Revocations),
		"{revoked_sessions}", q(n.RevokedSessions),
		"{revoked_sessions_expires}", q(n.RevokedSessions+"_expires_idx"),
		"{passwords}", q(n.Passwords),
		"{second_factors}", q(n.SecondFactors),
		"{versions}", q(n.SchemaVersions),
		"{accounts_userId}", q(n.Accounts+"_userId_idx"),
		"{accounts_provider}", q(n.Accounts+"_provider_key"),
		"{sessions_userId}", q(n.Sessions+"_userId_idx"),
		"{sessions_expires}", q(n.Sessions+"_expires_idx"),
		"{sessions_sessionToken}", q(n.Sessions+"_sessionToken_key"),
		"{verification_token_expires}", q(n.VerificationTokens+"_expires_idx"),
		"{authenticators_credentialID}", q(n.Authenticators+"_credentialID_key"),
		"{user_data}", q(n.UserData),
		"{session_data}", q(n.SessionData),
		"{session_data_userId}", q(n.SessionData+"_userId_idx"),
		"{users_email_unique}", q(n.Users+"_email_authgo_key"),
		"{sessions_token_unique}", q(n.Sessions+"_sessionToken_authgo_key"),
		"{accounts_provider_unique}", q(n.Accounts+"_provider_authgo_key"),
	)
	a.tables = newNames(tables, opts.Schema, d)
	if d == MySQL {
		if err := a.detectCollation(ctx); err != nil {
			return nil, a.fail(ctx, "Open", err)
		}
	}
	a.q = buildQueries(d, a.tables)
	a.pq = buildPasswordQueries(d, a.tables)
	a.fq = buildFactorQueries(d, a.tables)
	a.buildSide()
	return a, nil
}

// Open opens the database dataSourceName with the database/sql driver
// registered as driverName, which drv describes, and makes an adapter on it
// as OpenDB does. The driver modules' Open functions are the usual way in;
// Open serves a driver name of your own, such as one that pgx's
// stdlib.RegisterConnConfig returns.
func Open(ctx context.Context, driverName, dataSourceName string, drv Driver, opts Options) (*Adapter, error) {
	db, err := dbsql.Open(driverName, dataSourceName)
	if err != nil {
		return nil, fmt.Errorf("adapter/sql: open %s: %w", driverName, err)
	}
	return OpenDB(ctx, db, drv, opts)
}

// OpenDB makes an adapter that owns db: it checks that the database
// answers, migrates it unless opts.SkipMigrations is set, and closes db when
// either fails. Close closes db. Use New for a database that the rest of
// the program keeps using after the adapter.
func OpenDB(ctx context.Context, db *dbsql.DB, drv Driver, opts Options) (*Adapter, error) {
	a, err := owning(ctx, db, drv, func() (*Adapter, error) { return New(ctx, db, drv, opts) })
	if err != nil {
		return nil, err
	}
	a.owned = true
	return a, nil
}

// owning checks drv and that db answers, then makes what uses db with
// make; it closes db when any of that fails.
func owning[T any](ctx context.Context, db *dbsql.DB, drv Driver, make func() (T, error)) (T, error) {
	var zero T
	if !usable(drv) {
		db.Close()
		return zero, errNoDriver
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return zero, fail(ctx, drv, "Open", err)
	}
	x, err := make()
	if err != nil {
		db.Close()
		return zero, err
	}
	return x, nil
}

// DB returns the database the adapter uses.
func (a *Adapter) DB() *dbsql.DB { return a.db }

// Dialect returns the adapter's dialect.
func (a *Adapter) Dialect() Dialect { return a.d }

// TableNames returns the table names in use, prefix included.
func (a *Adapter) TableNames() Tables { return a.names }

// Close closes the database when the adapter owns it (Open, OpenDB and the
// driver modules' Open functions), and does nothing when it was given one
// (New).
func (a *Adapter) Close() error {
	if a.owned {
		return a.db.Close()
	}
	return nil
}
