// Package signin carries the account of a sign-in in progress from the
// root package, which makes it, to providers.SetAccountTokens, which a
// credentials provider's Authorize calls to fill in the tokens of the app's
// own backend.
package signin

import (
	"context"

	"github.com/authgo/authgo/adapter"
)

type accountKey struct{}

// WithAccount returns ctx carrying a, the account of the sign-in that ctx
// is the context of.
func WithAccount(ctx context.Context, a *adapter.Account) context.Context {
	return context.WithValue(ctx, accountKey{}, a)
}

// Account returns the account WithAccount put in ctx, or nil when ctx is
// not the context of a sign-in.
func Account(ctx context.Context) *adapter.Account {
	a, _ := ctx.Value(accountKey{}).(*adapter.Account)
	return a
}
