package sql

import (
	"context"

	"github.com/authgo/authgo/adapter"
)

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
