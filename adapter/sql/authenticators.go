package sql

import (
	"context"
	dbsql "database/sql"
	"time"

	"github.com/authgo/authgo/adapter"
)

// authRow scans the columns of authCols.
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
