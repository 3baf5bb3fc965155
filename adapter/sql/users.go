package sql

import (
	"context"
	dbsql "database/sql"
	"github.com/authgo/authgo/internal/uuid"

	"github.com/authgo/authgo/adapter"
)

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

func (a *Adapter) createUser(ctx context.Context, db execer, u adapter.User) (*adapter.User, error) {
	if u.ID == "" {
		u.ID = uuid.New()
	}
	if badKey(u.ID, u.Email) {
		return nil, errBadKey
	}
	verified := a.verifiedArg(&u)
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
	verified := a.verifiedArg(&u)
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

// verifiedArg is the emailVerified column's argument for u (nil when it
// is unset), and puts u's time in UTC, as the row holds it.
func (a *Adapter) verifiedArg(u *adapter.User) any {
	if u.EmailVerified == nil {
		return nil
	}
	t := u.EmailVerified.UTC()
	u.EmailVerified = &t
	return a.d.timeArg(t)
}
