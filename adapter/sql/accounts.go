package sql

import (
	"context"
	dbsql "database/sql"
	"github.com/authgo/authgo/internal/uuid"

	"github.com/authgo/authgo/adapter"
)

// accountRow scans the columns of accountCols.
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

func (a *Adapter) linkAccount(ctx context.Context, db queryer, x adapter.Account) error {
	if badKey(x.UserID, x.Provider, x.ProviderAccountID) {
		return errBadKey
	}
	if !a.schema.own() {
		return a.sideLinkAccount(ctx, db, x)
	}
	_, err := db.ExecContext(ctx, a.q.linkAccount, uuid.New(), x.UserID, x.Type, x.Provider, x.ProviderAccountID,
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
