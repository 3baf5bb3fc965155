package authgo

import (
	"context"
	"errors"

	"github.com/authgo/authgo/password"
)

// errUnverified refuses a password sign-in until the address is verified
// (account.PasswordOptions.RequireEmailVerification).
var errUnverified = &Error{Type: CredentialsSignin, Code: "email_unverified"}

// passwordAuthorize is the Authorize of a password provider, run inside the
// credentials sign-in's attempt (rate limits reserved before): the stored
// hash of the address's user, verified in constant time; an unknown
// address or a user without a password spends the time of a check
// (DummyVerify). A bcrypt hash, or an argon2id one with weaker parameters,
// is replaced after a successful check (compare and swap: a reset that
// happened meanwhile wins).
func (a *Auth) passwordAuthorize(ctx context.Context, rq *request, p PasswordProvider, creds Credentials) (*User, error) {
	st := a.accounts
	refused := &Error{Type: CredentialsSignin, Code: "credentials"}
	addr, aerr := st.o.NormalizeIdentifier(creds["email"])
	pw := password.Normalize(creds["password"])
	if aerr != nil || pw == "" || len(pw) > password.MaxLength {
		return nil, refused
	}
	u, err := a.cfg.Adapter.GetUserByEmail(ctx, addr)
	if err != nil {
		return nil, adapterFailure(err)
	}
	hash := ""
	if u != nil {
		if hash, err = st.store.GetPasswordHash(ctx, u.ID); err != nil {
			return nil, adapterFailure(err)
		}
	}
	if hash == "" {
		if _, err := st.o.Hasher.DummyVerify(pw); busy(err) {
			return nil, &Error{Type: Unavailable, Err: err}
		}
		return nil, refused
	}
	ok, err := st.o.Hasher.Verify(pw, hash)
	switch {
	case busy(err):
		return nil, &Error{Type: Unavailable, Err: err}
	case errors.Is(err, password.ErrPasswordTooLong):
		return nil, refused // a bcrypt hash and more than 72 bytes
	case err != nil:
		a.log.ErrorContext(ctx, "authgo: stored password hash unreadable", "user_id", u.ID, "err", err.Error())
		return nil, refused
	case !ok:
		return nil, refused
	}
	if st.o.Hasher.NeedsRehash(hash) {
		a.rehash(ctx, u.ID, hash, pw)
	}
	if st.o.RequireEmailVerification && u.EmailVerified == nil {
		if _, err := a.mailVerification(ctx, rq, u); err != nil {
			a.log.WarnContext(ctx, "authgo: the verification mail of an unverified sign-in could not be sent", "user_id", u.ID)
		}
		return nil, errUnverified
	}
	return u, nil
}

// rehash stores a fresh argon2id hash of pw in place of old.
func (a *Auth) rehash(ctx context.Context, userID, old, pw string) {
	h, err := a.accounts.o.Hasher.Hash(pw)
	if err == nil {
		_, err = a.accounts.store.SetPasswordHash(context.WithoutCancel(ctx), userID, old, h)
	}
	if err != nil {
		a.log.WarnContext(ctx, "authgo: password rehash not stored", "user_id", userID, "err", err.Error())
		return
	}
	a.log.InfoContext(ctx, "authgo: password rehashed with argon2id", "user_id", userID)
}
