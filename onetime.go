package authgo

import (
	"context"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/ratelimit"
)

// One mechanism for every single-use token authgo mails — sign-in links
// and codes, email verification, password reset, change of address: a
// random token (or code) goes into the mail; only a hash of it is stored,
// through the adapter's VerificationTokenStore, with an identifier and an
// expiry; using it deletes the row (UseVerificationToken: one winner among
// concurrent users) and checks identifier, hash and expiry in constant
// time. Codes allow email.CodeTries wrong guesses per mail.

// storeToken stores the hash of a token for identifier until expires.
func (a *Auth) storeToken(ctx context.Context, identifier, stored string, expires time.Time) error {
	if err := a.cfg.Adapter.CreateVerificationToken(ctx, adapter.VerificationToken{Identifier: identifier, Token: stored, Expires: expires}); err != nil {
		return adapterFailure(err)
	}
	return nil
}

// useToken consumes the stored token of identifier: the row when it was
// there, unexpired and matching; nil when not (used, expired, never made,
// or for another identifier).
func (a *Auth) useToken(ctx context.Context, identifier, stored string) (*adapter.VerificationToken, error) {
	row, err := a.cfg.Adapter.UseVerificationToken(ctx, identifier, stored)
	if err != nil {
		return nil, adapterFailure(err)
	}
	if !a.validRow(row, identifier, stored) {
		return nil, nil
	}
	return row, nil
}

// purposeToken is what is stored for an account token: the hash of the
// purpose, the value the token is bound to (a new address) and the token,
// with the secret. The purpose keeps a reset token from working as a
// verification or sign-in link, and the reverse.
func purposeToken(purpose, bound, token, secret string) string {
	return storedVerificationToken(purpose+"\x00"+bound+"\x00"+token, secret)
}

// codeTry reserves one try of the code mailed with nonce, which lasts
// maxAge. Per email.CodeTries tries, one comes back only after maxAge: by
// then the code has expired, so a burned code stays burned. ok is false
// when the tries are used up (or the limiter failed).
func (a *Auth) codeTry(ctx context.Context, nonce string, maxAge time.Duration) (key ratelimit.Key, remaining int, ok bool) {
	key = ratelimit.Key{Name: "authgo:email-code:" + nonce, Limit: ratelimit.Limit{Events: email.CodeTries, Per: email.CodeTries * maxAge}}
	res, err := a.email.tries.Reserve(ctx, key)
	if err != nil {
		a.log.ErrorContext(ctx, "authgo: rate limiter failed; code refused", "err", err)
		return key, 0, false
	}
	return key, res.Remaining, res.Allowed
}

// codeTryBack gives a try back when no guess was checked (the store
// failed).
func (a *Auth) codeTryBack(ctx context.Context, key ratelimit.Key) {
	_ = a.email.tries.Refund(context.WithoutCancel(ctx), key)
}
