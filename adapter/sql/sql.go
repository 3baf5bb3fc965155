package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

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

// errBadKey is the cause when a key to be stored is not valid UTF-8 or
// holds a NUL byte, which PostgreSQL cannot store in text.
var errBadKey = errors.New("a key holds a NUL byte or invalid UTF-8")

// badKey reports whether any key is not storable text. A lookup with such a
// key finds nothing, because no write accepts one; this way a forged cookie
// is "not found" on every dialect instead of an error on PostgreSQL.
func badKey(keys ...string) bool {
	for _, k := range keys {
		if !utf8.ValidString(k) || strings.IndexByte(k, 0) >= 0 {
			return true
		}
	}
	return false
}

// str and num turn empty values into NULL, as Auth.js leaves optional
// fields out.
func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func num(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// userRow scans the columns of userCols.
type userRow struct {
	id                       string
	name, email, image, role dbsql.NullString
	verified                 timeCol
}

func (r *userRow) dest() []any {
	return []any{&r.id, &r.name, &r.email, &r.verified, &r.image, &r.role}
}

func (r *userRow) user() *adapter.User {
	u := &adapter.User{ID: r.id, Name: r.name.String, Email: r.email.String, Image: r.image.String, Role: r.role.String}
	if !r.verified.t.IsZero() {
		t := r.verified.t
		u.EmailVerified = &t
	}
	return u
}

type sessionRow struct {
	s                  adapter.Session
	ua, ip             dbsql.NullString
	exp, created, seen timeCol
}

func (r *sessionRow) dest() []any {
	return []any{&r.s.SessionToken, &r.s.UserID, &r.exp, &r.created, &r.seen, &r.ua, &r.ip}
}

func (r *sessionRow) session() *adapter.Session {
	s := r.s
	s.Expires, s.CreatedAt, s.LastSeenAt = r.exp.t, r.created.t, r.seen.t
	s.UserAgent, s.IP = r.ua.String, r.ip.String
	return &s
}

type accountRow struct {
	a                                                 adapter.Account
	refresh, access, tokenType, scope, idToken, state dbsql.NullString
	expiresAt                                         dbsql.NullInt64
}

func (r *accountRow) dest() []any {
	return []any{&r.a.UserID, &r.a.Type, &r.a.Provider, &r.a.ProviderAccountID, &r.refresh, &r.access, &r.expiresAt, &r.tokenType, &r.scope, &r.idToken, &r.state}
}

func (r *accountRow) account() *adapter.Account {
	a := r.a
	a.RefreshToken, a.AccessToken, a.ExpiresAt = r.refresh.String, r.access.String, r.expiresAt.Int64
	a.TokenType, a.Scope, a.IDToken, a.SessionState = r.tokenType.String, r.scope.String, r.idToken.String, r.state.String
	return &a
}

type authRow struct {
	a                                adapter.Authenticator
	transports, handle, aaguid, name dbsql.NullString
	created, used                    timeCol
}

func (r *authRow) dest() []any {
	return []any{&r.a.CredentialID, &r.a.UserID, &r.a.ProviderAccountID, &r.a.CredentialPublicKey, &r.a.Counter, &r.a.CredentialDeviceType, &r.a.CredentialBackedUp,
		&r.transports, &r.handle, &r.aaguid, &r.name, &r.created, &r.used}
}

func (r *authRow) authenticator() *adapter.Authenticator {
	a := r.a
	a.Transports, a.UserHandle, a.AAGUID, a.Name = r.transports.String, r.handle.String, r.aaguid.String, r.name.String
	a.CreatedAt, a.LastUsedAt = r.created.t, r.used.t
	return &a
}

// one runs a query for at most one row and scans it into dest; found is
// false for no row.
func (a *Adapter) one(ctx context.Context, q string, args []any, dest ...any) (found bool, err error) {
	err = a.db.QueryRowContext(ctx, q, args...).Scan(dest...)
	if errors.Is(err, dbsql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// CreateUser stores u; an empty ID is replaced by a new UUID.
func (a *Adapter) CreateUser(ctx context.Context, u adapter.User) (*adapter.User, error) {
	if !a.schema.own() {
		var got *adapter.User
		err := a.inTx(ctx, func(tx *dbsql.Tx) (err error) {
			got, err = a.createUserIn(ctx, tx, u)
			return err
		})
		if err != nil {
			return nil, a.fail(ctx, "CreateUser", err)
		}
		return got, nil
	}
	got, err := a.createUser(ctx, a.db, u)
	return got, a.fail(ctx, "CreateUser", err)
}

type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (dbsql.Result, error)
}

func (a *Adapter) createUser(ctx context.Context, db execer, u adapter.User) (*adapter.User, error) {
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	if badKey(u.ID, u.Email) {
		return nil, errBadKey
	}
	var verified any
	if u.EmailVerified != nil {
		verified = a.d.timeArg(*u.EmailVerified)
		t := u.EmailVerified.UTC()
		u.EmailVerified = &t
	}
	_, err := db.ExecContext(ctx, a.q.createUser, u.ID, str(u.Name), str(u.Email), verified, str(u.Image), str(u.Role))
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func (a *Adapter) getUser(ctx context.Context, method, q string, args ...any) (*adapter.User, error) {
	var r userRow
	found, err := a.one(ctx, q, args, r.dest()...)
	if err != nil || !found {
		return nil, a.fail(ctx, method, err)
	}
	return r.user(), nil
}

// GetUser returns the user with the id, or nil.
func (a *Adapter) GetUser(ctx context.Context, id string) (*adapter.User, error) {
	if !a.userIDOK(id) {
		return nil, nil
	}
	return a.getUser(ctx, "GetUser", a.q.getUser, id)
}

// GetUserByEmail returns the user with exactly this email, or nil.
func (a *Adapter) GetUserByEmail(ctx context.Context, email string) (*adapter.User, error) {
	if badKey(email) {
		return nil, nil
	}
	if email == "" {
		return nil, nil
	}
	u, err := a.getUser(ctx, "GetUserByEmail", a.q.getUserByEmail, email)
	if u != nil && !a.exact(email, u.Email) {
		return nil, nil
	}
	return u, err
}

// GetUserByAccount returns the user linked to the account, or nil: one
// query joining accounts and users.
func (a *Adapter) GetUserByAccount(ctx context.Context, provider, providerAccountID string) (*adapter.User, error) {
	if badKey(provider, providerAccountID) {
		return nil, nil
	}
	return a.getUser(ctx, "GetUserByAccount", a.q.getUserByAccount, provider, providerAccountID)
}

// UpdateUser replaces the stored fields of u.ID and returns the stored
// user, or nil when there is none.
func (a *Adapter) UpdateUser(ctx context.Context, u adapter.User) (*adapter.User, error) {
	if !a.userIDOK(u.ID) {
		return nil, nil
	}
	if badKey(u.Email) {
		return nil, a.fail(ctx, "UpdateUser", errBadKey)
	}
	if !a.schema.own() {
		found, err := a.sideUpdateUser(ctx, u)
		if err != nil || !found {
			return nil, a.fail(ctx, "UpdateUser", err)
		}
		return a.getUser(ctx, "UpdateUser", a.q.getUser, u.ID)
	}
	var verified any
	if u.EmailVerified != nil {
		verified = a.d.timeArg(*u.EmailVerified)
	}
	args := []any{str(u.Name), str(u.Email), verified, str(u.Image), str(u.Role), u.ID}
	if a.d.returning() {
		return a.getUser(ctx, "UpdateUser", a.q.updateUser, args...)
	}
	if _, err := a.db.ExecContext(ctx, a.q.updateUser, args...); err != nil {
		return nil, a.fail(ctx, "UpdateUser", err)
	}
	return a.getUser(ctx, "UpdateUser", a.q.getUser, u.ID)
}

// DeleteUser deletes the user, its sessions, accounts and authenticators in
// one transaction. It does not rely on ON DELETE CASCADE, so it also cleans
// up a schema made by @auth/pg-adapter's SQL, which has no foreign keys.
func (a *Adapter) DeleteUser(ctx context.Context, id string) error {
	if !a.userIDOK(id) {
		return nil
	}
	stmts := []string{a.q.deleteUserSessions, a.q.deleteUserAccounts, a.q.deleteUserAuthenticators, a.fq.delete, a.q.deleteUser}
	if !a.schema.own() {
		// authgo's own tables have no foreign keys to the host's users.
		stmts = append(stmts, a.side.deleteUserRows...)
	}
	err := a.inTx(ctx, func(tx *dbsql.Tx) error {
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		return nil
	})
	return a.fail(ctx, "DeleteUser", err)
}

func (a *Adapter) inTx(ctx context.Context, f func(*dbsql.Tx) error) error {
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func (a *Adapter) linkAccount(ctx context.Context, db queryer, x adapter.Account) error {
	if badKey(x.UserID, x.Provider, x.ProviderAccountID) {
		return errBadKey
	}
	if !a.schema.own() {
		return a.sideLinkAccount(ctx, db, x)
	}
	_, err := db.ExecContext(ctx, a.q.linkAccount, uuid.NewString(), x.UserID, x.Type, x.Provider, x.ProviderAccountID,
		str(x.RefreshToken), str(x.AccessToken), num(x.ExpiresAt), str(x.TokenType), str(x.Scope), str(x.IDToken), str(x.SessionState))
	return err
}

// LinkAccount stores the account of an existing user.
func (a *Adapter) LinkAccount(ctx context.Context, x adapter.Account) error {
	if a.schema.Unconstrained {
		return a.fail(ctx, "LinkAccount", a.inTx(ctx, func(tx *dbsql.Tx) error { return a.linkAccount(ctx, tx, x) }))
	}
	return a.fail(ctx, "LinkAccount", a.linkAccount(ctx, a.db, x))
}

// UpdateAccount replaces the tokens of the account in one statement.
func (a *Adapter) UpdateAccount(ctx context.Context, x adapter.Account) error {
	if badKey(x.Provider, x.ProviderAccountID) {
		return nil
	}
	q, args := a.q.updateAccount, []any{str(x.RefreshToken), str(x.AccessToken), num(x.ExpiresAt),
		str(x.TokenType), str(x.Scope), str(x.IDToken), str(x.SessionState)}
	if !a.schema.own() {
		q, args = a.side.updateAccount, a.updatedAt(args...)
	}
	_, err := a.db.ExecContext(ctx, q, append(args, x.Provider, x.ProviderAccountID)...)
	return a.fail(ctx, "UpdateAccount", err)
}

// UnlinkAccount deletes the account.
func (a *Adapter) UnlinkAccount(ctx context.Context, provider, providerAccountID string) error {
	if badKey(provider, providerAccountID) {
		return nil
	}
	_, err := a.db.ExecContext(ctx, a.q.unlinkAccount, provider, providerAccountID)
	return a.fail(ctx, "UnlinkAccount", err)
}

// GetAccount returns the account, or nil.
func (a *Adapter) GetAccount(ctx context.Context, provider, providerAccountID string) (*adapter.Account, error) {
	if badKey(provider, providerAccountID) {
		return nil, nil
	}
	var r accountRow
	found, err := a.one(ctx, a.q.getAccount, []any{provider, providerAccountID}, r.dest()...)
	if found && (!a.exact(provider, r.a.Provider) || !a.exact(providerAccountID, r.a.ProviderAccountID)) {
		return nil, nil
	}
	if err != nil || !found {
		return nil, a.fail(ctx, "GetAccount", err)
	}
	return r.account(), nil
}

// CreateUserAndLinkAccount creates u and links x to it in one transaction:
// when either fails, neither is stored.
func (a *Adapter) CreateUserAndLinkAccount(ctx context.Context, u adapter.User, x adapter.Account) (*adapter.User, error) {
	var got *adapter.User
	err := a.inTx(ctx, func(tx *dbsql.Tx) error {
		var err error
		if got, err = a.createUserIn(ctx, tx, u); err != nil {
			return err
		}
		x.UserID = got.ID
		return a.linkAccount(ctx, tx, x)
	})
	if err != nil {
		return nil, a.fail(ctx, "CreateUserAndLinkAccount", err)
	}
	return got, nil
}

// CreateSession stores the session of an existing user. A zero CreatedAt
// is now and a zero LastSeenAt is CreatedAt.
func (a *Adapter) CreateSession(ctx context.Context, s adapter.Session) (*adapter.Session, error) {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	s.Expires, s.CreatedAt, s.LastSeenAt = s.Expires.UTC(), s.CreatedAt.UTC(), s.LastSeenAt.UTC()
	if badKey(s.SessionToken, s.UserID) {
		return nil, a.fail(ctx, "CreateSession", errBadKey)
	}
	if !a.schema.own() {
		if err := a.sideCreateSession(ctx, s); err != nil {
			return nil, a.fail(ctx, "CreateSession", err)
		}
		return &s, nil
	}
	_, err := a.db.ExecContext(ctx, a.q.createSession, uuid.NewString(), s.SessionToken, s.UserID,
		a.d.timeArg(s.Expires), a.d.timeArg(s.CreatedAt), a.d.timeArg(s.LastSeenAt), str(s.UserAgent), str(s.IP))
	if err != nil {
		return nil, a.fail(ctx, "CreateSession", err)
	}
	return &s, nil
}

func (a *Adapter) getSession(ctx context.Context, method, q string, args ...any) (*adapter.Session, error) {
	var r sessionRow
	found, err := a.one(ctx, q, args, r.dest()...)
	if err != nil || !found {
		return nil, a.fail(ctx, method, err)
	}
	return r.session(), nil
}

// GetSession returns the session, expired or not, or nil.
func (a *Adapter) GetSession(ctx context.Context, sessionToken string) (*adapter.Session, error) {
	if badKey(sessionToken) {
		return nil, nil
	}
	s, err := a.getSession(ctx, "GetSession", a.q.getSession, sessionToken)
	if s != nil && !a.exact(sessionToken, s.SessionToken) {
		return nil, nil
	}
	return s, err
}

// GetSessionAndUser returns the session and its user in one query (a
// join), or nils.
func (a *Adapter) GetSessionAndUser(ctx context.Context, sessionToken string) (*adapter.Session, *adapter.User, error) {
	if badKey(sessionToken) {
		return nil, nil, nil
	}
	var s sessionRow
	var u userRow
	found, err := a.one(ctx, a.q.getSessionAndUser, []any{sessionToken}, append(s.dest(), u.dest()...)...)
	if found && !a.exact(sessionToken, s.s.SessionToken) {
		return nil, nil, nil
	}
	if err != nil || !found {
		return nil, nil, a.fail(ctx, "GetSessionAndUser", err)
	}
	return s.session(), u.user(), nil
}

// UpdateSession sets Expires and, when not zero, LastSeenAt of the session
// s.SessionToken, and returns it, or nil when it is absent.
func (a *Adapter) UpdateSession(ctx context.Context, s adapter.Session) (*adapter.Session, error) {
	if badKey(s.SessionToken) {
		return nil, nil
	}
	if !a.schema.own() {
		if got, err := a.GetSession(ctx, s.SessionToken); err != nil || got == nil {
			return nil, err
		}
		if err := a.sideUpdateSession(ctx, s); err != nil {
			return nil, a.fail(ctx, "UpdateSession", err)
		}
		return a.getSession(ctx, "UpdateSession", a.q.getSession, s.SessionToken)
	}
	args := []any{a.d.timeArg(s.Expires), a.d.timeArg(s.LastSeenAt), s.SessionToken}
	if a.d.returning() {
		return a.getSession(ctx, "UpdateSession", a.q.updateSession, args...)
	}
	if _, err := a.db.ExecContext(ctx, a.q.updateSession, args...); err != nil {
		return nil, a.fail(ctx, "UpdateSession", err)
	}
	return a.getSession(ctx, "UpdateSession", a.q.getSession, s.SessionToken)
}

// DeleteSession deletes the session and returns it, or nil.
func (a *Adapter) DeleteSession(ctx context.Context, sessionToken string) (*adapter.Session, error) {
	if badKey(sessionToken) {
		return nil, nil
	}
	if !a.schema.own() {
		s, err := a.GetSession(ctx, sessionToken)
		if err != nil || s == nil {
			return nil, err
		}
		if won, err := a.sideDeleteSession(ctx, sessionToken); !won {
			return nil, a.fail(ctx, "DeleteSession", err)
		}
		return s, nil
	}
	if a.d.returning() {
		return a.getSession(ctx, "DeleteSession", a.q.deleteSession, sessionToken)
	}
	s, err := a.getSession(ctx, "DeleteSession", a.q.getSession, sessionToken)
	if err != nil || s == nil {
		return nil, err
	}
	if won, err := a.deleted(ctx, a.q.deleteSession, sessionToken); !won {
		return nil, a.fail(ctx, "DeleteSession", err)
	}
	return s, nil
}

// deleted runs a DELETE and reports whether it removed a row: of several
// concurrent callers that read the same row, only one removes it.
func (a *Adapter) deleted(ctx context.Context, q string, args ...any) (bool, error) {
	res, err := a.db.ExecContext(ctx, q, args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ListUserSessions returns the user's unexpired sessions, newest first.
func (a *Adapter) ListUserSessions(ctx context.Context, userID string) ([]adapter.Session, error) {
	if !a.userIDOK(userID) {
		return []adapter.Session{}, nil
	}
	rows, err := a.db.QueryContext(ctx, a.q.listUserSessions, userID, a.d.timeArg(time.Now()))
	if err != nil {
		return nil, a.fail(ctx, "ListUserSessions", err)
	}
	defer rows.Close()
	out := []adapter.Session{}
	for rows.Next() {
		var r sessionRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, a.fail(ctx, "ListUserSessions", err)
		}
		out = append(out, *r.session())
	}
	return out, a.fail(ctx, "ListUserSessions", rows.Err())
}

// DeleteUserSessions deletes all sessions of the user and reports how many.
func (a *Adapter) DeleteUserSessions(ctx context.Context, userID string) (int64, error) {
	if !a.userIDOK(userID) {
		return 0, nil
	}
	if !a.schema.own() {
		if _, err := a.db.ExecContext(ctx, a.side.deleteUserSessionData, userID); err != nil {
			return 0, a.fail(ctx, "DeleteUserSessions", err)
		}
	}
	res, err := a.db.ExecContext(ctx, a.q.deleteUserSessions, userID)
	if err != nil {
		return 0, a.fail(ctx, "DeleteUserSessions", err)
	}
	n, err := res.RowsAffected()
	return n, a.fail(ctx, "DeleteUserSessions", err)
}

// DeleteExpired deletes sessions, verification tokens and revoked session
// records that expired at or before now, and reports how many rows went.
func (a *Adapter) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	var total int64
	for _, q := range []string{a.q.deleteExpiredSessions, a.q.deleteExpiredTokens, a.q.deleteExpiredRevoked} {
		res, err := a.db.ExecContext(ctx, q, a.d.timeArg(now))
		if err != nil {
			return total, a.fail(ctx, "DeleteExpired", err)
		}
		n, err := res.RowsAffected()
		total += n
		if err != nil {
			return total, a.fail(ctx, "DeleteExpired", err)
		}
	}
	if !a.schema.own() {
		// The metadata of sessions that are gone, whoever deleted them.
		if _, err := a.db.ExecContext(ctx, a.side.sweepSessionData); err != nil {
			return total, a.fail(ctx, "DeleteExpired", err)
		}
	}
	return total, nil
}

// CreateVerificationToken stores vt.
func (a *Adapter) CreateVerificationToken(ctx context.Context, vt adapter.VerificationToken) error {
	if badKey(vt.Identifier, vt.Token) {
		return a.fail(ctx, "CreateVerificationToken", errBadKey)
	}
	_, err := a.db.ExecContext(ctx, a.q.createToken, vt.Identifier, a.d.timeArg(vt.Expires), vt.Token)
	return a.fail(ctx, "CreateVerificationToken", err)
}

// UseVerificationToken deletes the token and returns it, or nil. Exactly
// one of several concurrent callers receives it: with RETURNING the DELETE
// itself decides; on MySQL the caller whose DELETE removed the row wins.
func (a *Adapter) UseVerificationToken(ctx context.Context, identifier, token string) (*adapter.VerificationToken, error) {
	const method = "UseVerificationToken"
	if badKey(identifier, token) {
		return nil, nil
	}
	vt := adapter.VerificationToken{}
	var exp timeCol
	q := a.q.useToken
	if !a.d.returning() {
		q = a.q.getToken
	}
	found, err := a.one(ctx, q, []any{identifier, token}, &vt.Identifier, &vt.Token, &exp)
	if err != nil || !found || !a.exact(identifier, vt.Identifier) || !a.exact(token, vt.Token) {
		return nil, a.fail(ctx, method, err)
	}
	if !a.d.returning() {
		if won, err := a.deleted(ctx, a.q.useToken, identifier, token); !won {
			return nil, a.fail(ctx, method, err)
		}
	}
	vt.Expires = exp.t
	return &vt, nil
}

func (a *Adapter) getAuthenticator(ctx context.Context, method, q string, args ...any) (*adapter.Authenticator, error) {
	var r authRow
	found, err := a.one(ctx, q, args, r.dest()...)
	if err != nil || !found {
		return nil, a.fail(ctx, method, err)
	}
	return r.authenticator(), nil
}

// GetAuthenticator returns the authenticator, or nil.
func (a *Adapter) GetAuthenticator(ctx context.Context, credentialID string) (*adapter.Authenticator, error) {
	if badKey(credentialID) {
		return nil, nil
	}
	x, err := a.getAuthenticator(ctx, "GetAuthenticator", a.q.getAuthenticator, credentialID)
	if x != nil && !a.exact(credentialID, x.CredentialID) {
		return nil, nil
	}
	return x, err
}

// CreateAuthenticator stores the authenticator of an existing user.
func (a *Adapter) CreateAuthenticator(ctx context.Context, x adapter.Authenticator) (*adapter.Authenticator, error) {
	if badKey(x.CredentialID, x.UserID) {
		return nil, a.fail(ctx, "CreateAuthenticator", errBadKey)
	}
	err := a.inTx(ctx, func(tx *dbsql.Tx) error {
		if err := a.requireUser(ctx, tx, x.UserID, a.schema.Authenticators && a.hostFK() || a.ownFK()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, a.q.createAuthenticator, x.CredentialID, x.UserID, x.ProviderAccountID, x.CredentialPublicKey,
			x.Counter, x.CredentialDeviceType, x.CredentialBackedUp, str(x.Transports),
			str(x.UserHandle), str(x.AAGUID), str(x.Name), a.d.timeArg(x.CreatedAt), a.d.timeArg(x.LastUsedAt))
		return err
	})
	if err != nil {
		return nil, a.fail(ctx, "CreateAuthenticator", err)
	}
	x.CreatedAt, x.LastUsedAt = storedTime(x.CreatedAt), storedTime(x.LastUsedAt)
	return &x, nil
}

// storedTime is t as a time column gives it back: UTC, cut to the
// millisecond.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Millisecond)
}

// UpdateAuthenticatorUse records a sign-in with the credential: counter,
// backed-up state, last use.
func (a *Adapter) UpdateAuthenticatorUse(ctx context.Context, credentialID string, counter int64, backedUp bool, at time.Time) (*adapter.Authenticator, error) {
	if badKey(credentialID) {
		return nil, nil
	}
	return a.updateAuthenticator(ctx, "UpdateAuthenticatorUse", a.q.updateAuthenticatorUse, credentialID, counter, backedUp, a.d.timeArg(at), credentialID)
}

// RenameAuthenticator sets the name of the user's credential.
func (a *Adapter) RenameAuthenticator(ctx context.Context, userID, credentialID, name string) (*adapter.Authenticator, error) {
	if badKey(userID, credentialID) {
		return nil, nil
	}
	if badKey(name) {
		return nil, a.fail(ctx, "RenameAuthenticator", errBadKey)
	}
	got, err := a.updateAuthenticator(ctx, "RenameAuthenticator", a.q.renameAuthenticator, credentialID, str(name), userID, credentialID)
	if got != nil && got.UserID != userID {
		return nil, err // MySQL reads the row back by credential id alone
	}
	return got, err
}

// updateAuthenticator runs the UPDATE q (RETURNING the row where the
// dialect can, else followed by a read of credentialID).
func (a *Adapter) updateAuthenticator(ctx context.Context, method, q, credentialID string, args ...any) (*adapter.Authenticator, error) {
	if a.d.returning() {
		return a.getAuthenticator(ctx, method, q, args...)
	}
	if _, err := a.db.ExecContext(ctx, q, args...); err != nil {
		return nil, a.fail(ctx, method, err)
	}
	return a.getAuthenticator(ctx, method, a.q.getAuthenticator, credentialID)
}

// DeleteAuthenticator deletes the user's credential.
func (a *Adapter) DeleteAuthenticator(ctx context.Context, userID, credentialID string) (bool, error) {
	if badKey(userID, credentialID) {
		return false, nil
	}
	res, err := a.db.ExecContext(ctx, a.q.deleteAuthenticator, userID, credentialID)
	if err != nil {
		return false, a.fail(ctx, "DeleteAuthenticator", err)
	}
	n, err := res.RowsAffected()
	return n > 0, a.fail(ctx, "DeleteAuthenticator", err)
}

// ListAuthenticatorsByUserID returns the user's authenticators ordered by
// credential id.
func (a *Adapter) ListAuthenticatorsByUserID(ctx context.Context, userID string) ([]adapter.Authenticator, error) {
	if !a.userIDOK(userID) {
		return []adapter.Authenticator{}, nil
	}
	rows, err := a.db.QueryContext(ctx, a.q.listAuthenticators, userID)
	if err != nil {
		return nil, a.fail(ctx, "ListAuthenticatorsByUserID", err)
	}
	defer rows.Close()
	out := []adapter.Authenticator{}
	for rows.Next() {
		var r authRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, a.fail(ctx, "ListAuthenticatorsByUserID", err)
		}
		out = append(out, *r.authenticator())
	}
	return out, a.fail(ctx, "ListAuthenticatorsByUserID", rows.Err())
}

// UpdateAuthenticatorCounter sets the counter and returns the
// authenticator, or nil.
func (a *Adapter) UpdateAuthenticatorCounter(ctx context.Context, credentialID string, counter int64) (*adapter.Authenticator, error) {
	if badKey(credentialID) {
		return nil, nil
	}
	if a.foldsKeys() {
		if got, err := a.GetAuthenticator(ctx, credentialID); err != nil || got == nil {
			return nil, err
		}
	}
	return a.updateAuthenticator(ctx, "UpdateAuthenticatorCounter", a.q.updateCounter, credentialID, counter, credentialID)
}

// RevokeUserTokens moves the user's revocation epoch forward to before (it
// never moves back), in one upsert.
func (a *Adapter) RevokeUserTokens(ctx context.Context, userID string, before time.Time) error {
	if badKey(userID) {
		return a.fail(ctx, "RevokeUserTokens", errBadKey)
	}
	_, err := a.db.ExecContext(ctx, a.q.revoke, userID, a.d.timeArg(before))
	return a.fail(ctx, "RevokeUserTokens", err)
}

// TokensRevokedBefore returns the user's revocation epoch, zero if none.
func (a *Adapter) TokensRevokedBefore(ctx context.Context, userID string) (time.Time, error) {
	if badKey(userID) {
		return time.Time{}, nil
	}
	var t timeCol
	_, err := a.one(ctx, a.q.revokedBefore, []any{userID}, &t)
	return t.t, a.fail(ctx, "TokensRevokedBefore", err)
}

// RevokeSession records that the JWT session sessionID has ended, until
// expires, in one upsert that keeps the later expiry.
func (a *Adapter) RevokeSession(ctx context.Context, sessionID string, expires time.Time) error {
	if badKey(sessionID) {
		return a.fail(ctx, "RevokeSession", errBadKey)
	}
	_, err := a.db.ExecContext(ctx, a.q.revokeSession, sessionID, a.d.timeArg(expires))
	return a.fail(ctx, "RevokeSession", err)
}

// SessionRevoked reports whether sessionID has a revocation row (swept by
// DeleteExpired after its expiry).
func (a *Adapter) SessionRevoked(ctx context.Context, sessionID string) (bool, error) {
	if badKey(sessionID) {
		return false, nil
	}
	var one int
	found, err := a.one(ctx, a.q.sessionRevoked, []any{sessionID}, &one)
	return found, a.fail(ctx, "SessionRevoked", err)
}
