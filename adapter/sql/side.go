package sql

import (
	"context"
	dbsql "database/sql"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/authgo/authgo/internal/uuid"

	"github.com/authgo/authgo/adapter"
)

// sideQueries are the statements that differ on a Schema other than
// authgo's own, where a user's role and a session's metadata live in
// authgo's tables beside the host's (Tables.UserData, Tables.SessionData).
type sideQueries struct {
	createUser, userExists, lockUser             string
	deleteRole, insertRole                       string
	createSession, createSessionData             string
	updateSession, updateSessionData             string
	deleteSessionData, deleteUserSessionData     string
	sweepSessionData, linkAccount, updateAccount string
	// deleteUserRows delete a user's rows from authgo's own tables, which
	// have no foreign keys to the host's users: the role, the session
	// metadata, and every table a migration declared with one (noted
	// as the migrations are read).
	deleteUserRows []string
}

// errGivenID is the cause when CreateUser is given an id on a schema whose
// database makes the ids.
var errGivenID = errors.New("this schema's user ids are integers the database generates; create the user without an id")

// textOf is the SQL of col as text comparable with authgo's own key
// columns: integer ids cast to text, and on MySQL the collation of
// authgo's tables (a host table's case-insensitive collation cannot be
// compared with it otherwise).
func (a *Adapter) textOf(col string) string {
	if a.schema.IntegerIDs {
		if a.d == MySQL {
			col = "CAST(" + col + " AS CHAR)"
		} else {
			col = "CAST(" + col + " AS TEXT)"
		}
	}
	if a.d == MySQL {
		col += " COLLATE " + a.collate
	}
	return col
}

// buildSide replaces the queries that differ on a schema other than
// authgo's own and builds the statements only such a schema needs.
func (a *Adapter) buildSide() {
	if a.schema.own() {
		return
	}
	p := func(q string) string { return a.d.prepare(q, a.tables) }
	upd, updArg := "", ""
	if a.schema.UpdatedAt {
		upd, updArg = `, "updatedAt"`, ", ?"
	}
	const userSel = `u.id, u.name, u.email, u."emailVerified", u.image, r.role`
	roleJoin := ` LEFT JOIN {user_data} r ON r."userId" = ` + a.textOf("u.id")
	const sessSel = `s."sessionToken", s."userId", s.expires, x."createdAt", x."lastSeenAt", x."userAgent", x.ip`
	sessJoin := ` LEFT JOIN {session_data} x ON x."sessionToken" = ` + a.textOf0(`s."sessionToken"`)

	q := &a.q
	q.getUser = p(`SELECT ` + userSel + ` FROM {users} u` + roleJoin + ` WHERE u.id = ?`)
	q.getUserByEmail = p(`SELECT ` + userSel + ` FROM {users} u` + roleJoin + ` WHERE u.email = ?`)
	q.getUserByAccount = p(`SELECT ` + userSel + ` FROM {accounts} a JOIN {users} u ON u.id = a."userId"` + roleJoin + ` WHERE a.provider = ? AND a."providerAccountId" = ?`)
	q.getSession = p(`SELECT ` + sessSel + ` FROM {sessions} s` + sessJoin + ` WHERE s."sessionToken" = ?`)
	q.getSessionAndUser = p(`SELECT ` + sessSel + `, ` + userSel + ` FROM {sessions} s JOIN {users} u ON u.id = s."userId"` + sessJoin + roleJoin + ` WHERE s."sessionToken" = ?`)
	q.listUserSessions = p(`SELECT ` + sessSel + ` FROM {sessions} s` + sessJoin + ` WHERE s."userId" = ? AND s.expires > ? ORDER BY x."createdAt" IS NULL, x."createdAt" DESC`)
	q.deleteSession = p(`DELETE FROM {sessions} WHERE "sessionToken" = ?`)
	q.updateUser = p(`UPDATE {users} SET name = ?, email = ?, "emailVerified" = ?, image = ?` + set(upd) + ` WHERE id = ?`)

	s := &a.side
	cols, args := `name, email, "emailVerified", image`+upd, `?, ?, ?, ?`+updArg
	switch {
	case !a.schema.IntegerIDs:
		s.createUser = p(`INSERT INTO {users} (id, ` + cols + `) VALUES (?, ` + args + `)`)
	case a.d.returning():
		s.createUser = p(`INSERT INTO {users} (` + cols + `) VALUES (` + args + `) RETURNING id`)
	default:
		s.createUser = p(`INSERT INTO {users} (` + cols + `) VALUES (` + args + `)`)
	}
	s.userExists = p(`SELECT 1 FROM {users} WHERE id = ?`)
	s.lockUser = p(`SELECT 1 FROM {users} WHERE id = ?` + map[Dialect]string{Postgres: ` FOR KEY SHARE`, MySQL: ` LOCK IN SHARE MODE`}[a.d])
	s.deleteRole = p(`DELETE FROM {user_data} WHERE "userId" = ?`)
	s.insertRole = p(`INSERT INTO {user_data} ("userId", role) VALUES (?, ?)`)
	s.createSession = p(`INSERT INTO {sessions} ("sessionToken", "userId", expires` + upd + `) VALUES (?, ?, ?` + updArg + `)`)
	s.createSessionData = p(`INSERT INTO {session_data} ("sessionToken", "userId", "createdAt", "lastSeenAt", "userAgent", ip) VALUES (?, ?, ?, ?, ?, ?)`)
	s.updateSession = p(`UPDATE {sessions} SET expires = ?` + set(upd) + ` WHERE "sessionToken" = ?`)
	s.updateSessionData = p(`UPDATE {session_data} SET "lastSeenAt" = COALESCE(?, "lastSeenAt") WHERE "sessionToken" = ?`)
	s.deleteSessionData = p(`DELETE FROM {session_data} WHERE "sessionToken" = ?`)
	s.deleteUserSessionData = p(`DELETE FROM {session_data} WHERE "userId" = ?`)
	s.deleteUserRows = []string{s.deleteUserSessionData, s.deleteRole}
	a.migrationFiles() // notes the tables with foreign keys to users; an error shows at Migrate
	s.sweepSessionData = p(`DELETE FROM {session_data} WHERE NOT EXISTS (SELECT 1 FROM {sessions} s WHERE ` + a.textOf0(`s."sessionToken"`) + ` = {session_data}."sessionToken")`)
	s.linkAccount = p(`INSERT INTO {accounts} (` + accountCols + upd + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?` + updArg + `)`)
	s.updateAccount = p(`UPDATE {accounts} SET refresh_token = ?, access_token = ?, expires_at = ?, token_type = ?, scope = ?, id_token = ?, session_state = ?` + set(upd) + ` WHERE provider = ? AND "providerAccountId" = ?`)
}

// set turns `, "updatedAt"` into `, "updatedAt" = ?`.
func set(upd string) string {
	if upd == "" {
		return ""
	}
	return upd + ` = ?`
}

// textOf0 is textOf for a column that is text on every schema (a session
// token): only MySQL's collation is made authgo's.
func (a *Adapter) textOf0(col string) string {
	if a.d == MySQL {
		return col + " COLLATE " + a.collate
	}
	return col
}

// updatedAt returns the extra argument of a statement that sets
// "updatedAt", or none.
func (a *Adapter) updatedAt(args ...any) []any {
	if a.schema.UpdatedAt {
		return append(args, a.d.timeArg(time.Now()))
	}
	return args
}

// queryer is what a *sql.DB and a *sql.Tx have in common.
type queryer interface {
	execer
	QueryRowContext(ctx context.Context, q string, args ...any) *dbsql.Row
}

// sideCreateUser stores u on a schema other than authgo's own: the user
// row (with a generated id read back for integer ids) and its role.
func (a *Adapter) sideCreateUser(ctx context.Context, tx queryer, u adapter.User) (*adapter.User, error) {
	if badKey(u.ID, u.Email) {
		return nil, errBadKey
	}
	verified := a.verifiedArg(&u)
	args := a.updatedAt(str(u.Name), str(u.Email), verified, str(u.Image))
	switch {
	case !a.schema.IntegerIDs:
		if u.ID == "" {
			u.ID = uuid.New()
		}
		if _, err := tx.ExecContext(ctx, a.side.createUser, append([]any{u.ID}, args...)...); err != nil {
			return nil, err
		}
	case u.ID != "":
		return nil, errGivenID
	case a.d.returning():
		if err := tx.QueryRowContext(ctx, a.side.createUser, args...).Scan(&u.ID); err != nil {
			return nil, err
		}
	default:
		res, err := tx.ExecContext(ctx, a.side.createUser, args...)
		if err != nil {
			return nil, err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		u.ID = strconv.FormatInt(id, 10)
	}
	return &u, a.setRole(ctx, tx, u.ID, u.Role)
}

// setRole replaces the user's role row; an empty role leaves none.
func (a *Adapter) setRole(ctx context.Context, tx execer, userID, role string) error {
	if _, err := tx.ExecContext(ctx, a.side.deleteRole, userID); err != nil {
		return err
	}
	if role == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, a.side.insertRole, userID, role)
	return err
}

// sideUpdateUser replaces the user's fields and role in one transaction
// and reports whether the user exists.
func (a *Adapter) sideUpdateUser(ctx context.Context, u adapter.User) (bool, error) {
	found := false
	err := a.inTx(ctx, func(tx *dbsql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, a.side.userExists, u.ID).Scan(&one); err != nil {
			if errors.Is(err, dbsql.ErrNoRows) {
				return nil
			}
			return err
		}
		found = true
		verified := a.verifiedArg(&u)
		args := append(a.updatedAt(str(u.Name), str(u.Email), verified, str(u.Image)), u.ID)
		if _, err := tx.ExecContext(ctx, a.q.updateUser, args...); err != nil {
			return err
		}
		return a.setRole(ctx, tx, u.ID, u.Role)
	})
	return found, err
}

// requireUser fails with errNoUser unless the user exists, and keeps it
// from being deleted until tx ends: what a foreign key to the users table
// does, for a table that has none (hasFK false): an Unconstrained host
// table, or authgo's own table on a schema not its own, whose foreign key
// the migrations leave out.
func (a *Adapter) requireUser(ctx context.Context, tx queryer, userID string, hasFK bool) error {
	if !a.userIDOK(userID) {
		return errNoUser
	}
	if hasFK {
		return nil
	}
	var one int
	err := tx.QueryRowContext(ctx, a.side.lockUser, userID).Scan(&one)
	if errors.Is(err, dbsql.ErrNoRows) {
		return errNoUser
	}
	return err
}

// hostFK reports whether the host's tables have foreign keys to users.
func (a *Adapter) hostFK() bool { return !a.schema.Unconstrained }

// ownFK reports whether authgo's own tables have their foreign keys to
// users: only on authgo's own schema.
func (a *Adapter) ownFK() bool { return a.schema.own() }

// createUserIn creates u inside tx on any schema.
func (a *Adapter) createUserIn(ctx context.Context, tx *dbsql.Tx, u adapter.User) (*adapter.User, error) {
	if a.schema.own() {
		return a.createUser(ctx, tx, u)
	}
	return a.sideCreateUser(ctx, tx, u)
}

// sideLinkAccount stores an account on a schema other than authgo's own.
func (a *Adapter) sideLinkAccount(ctx context.Context, tx queryer, x adapter.Account) error {
	if err := a.requireUser(ctx, tx, x.UserID, a.hostFK()); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, a.side.linkAccount, a.updatedAt(x.UserID, x.Type, x.Provider, x.ProviderAccountID,
		str(x.RefreshToken), str(x.AccessToken), num(x.ExpiresAt), str(x.TokenType), str(x.Scope), str(x.IDToken), str(x.SessionState))...)
	return err
}

// sideCreateSession stores the session row and its metadata in one
// transaction.
func (a *Adapter) sideCreateSession(ctx context.Context, s adapter.Session) error {
	return a.inTx(ctx, func(tx *dbsql.Tx) error {
		if err := a.requireUser(ctx, tx, s.UserID, a.hostFK()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, a.side.createSession, a.updatedAt(s.SessionToken, s.UserID, a.d.timeArg(s.Expires))...); err != nil {
			return err
		}
		// A row left by a session the Node app deleted goes first.
		if _, err := tx.ExecContext(ctx, a.side.deleteSessionData, s.SessionToken); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, a.side.createSessionData, s.SessionToken, s.UserID,
			a.d.timeArg(s.CreatedAt), a.d.timeArg(s.LastSeenAt), str(s.UserAgent), str(s.IP))
		return err
	})
}

// sideUpdateSession sets the expiry (and updatedAt) of the session and
// the last-seen time of its metadata.
func (a *Adapter) sideUpdateSession(ctx context.Context, s adapter.Session) error {
	return a.inTx(ctx, func(tx *dbsql.Tx) error {
		if _, err := tx.ExecContext(ctx, a.side.updateSession, append(a.updatedAt(a.d.timeArg(s.Expires)), s.SessionToken)...); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, a.side.updateSessionData, a.d.timeArg(s.LastSeenAt), s.SessionToken)
		return err
	})
}

// sideDeleteSession deletes the session and its metadata and reports
// whether this call removed the session row.
func (a *Adapter) sideDeleteSession(ctx context.Context, token string) (bool, error) {
	won := false
	err := a.inTx(ctx, func(tx *dbsql.Tx) error {
		res, err := tx.ExecContext(ctx, a.q.deleteSession, token)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		won = n == 1
		_, err = tx.ExecContext(ctx, a.side.deleteSessionData, token)
		return err
	})
	return won, err
}

// exact reports whether a key read back is the key asked for. authgo's
// own MySQL tables compare keys in a binary collation; a host's tables
// compare them in theirs, often case-insensitive and blind to trailing
// spaces, so on such a schema a row found by another spelling of its key
// is treated as not found.
func (a *Adapter) exact(asked, got string) bool {
	return !a.foldsKeys() || asked == got
}

// foldsKeys reports whether the host's tables may find a key by another
// spelling (MySQL tables that authgo did not create).
func (a *Adapter) foldsKeys() bool { return !a.schema.own() && a.d == MySQL }

// fkColumn and refColumn match the column that a foreign key to users is
// declared on: `FOREIGN KEY ("userId") REFERENCES {users}`, or
// `"userId" TEXT … REFERENCES {users}`.
var (
	fkColumn  = regexp.MustCompile(`(?i)FOREIGN\s+KEY\s*\(\s*"?(\w+)"?\s*\)\s*REFERENCES\s+\{users\}`)
	refColumn = regexp.MustCompile(`(?i)(?:^|[(,\n])\s*"?(\w+)"?\s+[A-Z][^,\n]*?\s+REFERENCES\s+\{users\}`)
)

// userRefs returns the table and the columns of a statement's foreign keys
// to users.
func userRefs(st string) [][2]string {
	t := createdTable.FindStringSubmatch(st)
	if t == nil {
		return nil
	}
	var out [][2]string
	ms := fkColumn.FindAllStringSubmatch(st, -1)
	if ms == nil {
		ms = refColumn.FindAllStringSubmatch(st, -1)
	}
	for _, m := range ms {
		out = append(out, [2]string{t[1], m[1]})
	}
	return out
}

// noteUserRefs remembers the statements DeleteUser must run on a schema
// not authgo's own, where authgo's tables have no foreign keys to users.
func (a *Adapter) noteUserRefs(refs [][2]string) {
	for _, r := range refs {
		q := a.d.prepare(`DELETE FROM `+r[0]+` WHERE "`+r[1]+`" = ?`, a.tables)
		if !slices.Contains(a.side.deleteUserRows, q) {
			a.side.deleteUserRows = append(a.side.deleteUserRows, q)
		}
	}
}
