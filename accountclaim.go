package authgo

import (
	"context"

	"github.com/authgo/authgo/account"
)

// claimUnverified is called when the owner of u's address proves the
// mailbox by another way than the account's own verification link (an
// email sign-in, a password reset link) while u.EmailVerified is still
// unset. Whoever set a password or registered a passkey before never
// proved the address: it may be an attacker who signed up with it and
// waits for the owner to start using the account (pre-account takeover).
// Those credentials go (the password by compare and swap: only the one
// read here) and every session of the user ends, so only the owner's
// proof signs in from now on; the owner adds a password or passkey of
// their own afterwards.
func (a *Auth) claimUnverified(ctx context.Context, u *User) error {
	if u.EmailVerified != nil {
		return nil
	}
	removed := 0
	if st := a.accounts; st != nil {
		hash, err := st.store.GetPasswordHash(ctx, u.ID)
		if err != nil {
			return adapterFailure(err)
		}
		if hash != "" {
			if _, err := st.store.SetPasswordHash(ctx, u.ID, hash, ""); err != nil {
				return adapterFailure(err)
			}
			removed++
		}
	}
	keys, err := a.cfg.Adapter.ListAuthenticatorsByUserID(ctx, u.ID)
	if err != nil {
		return adapterFailure(err)
	}
	for _, k := range keys {
		if err := a.DeletePasskey(ctx, u.ID, k.CredentialID, true); err != nil && err != account.ErrPasskeyNotFound {
			return err
		}
		removed++
	}
	if removed == 0 {
		return nil
	}
	if _, err := a.RevokeUserSessions(ctx, u.ID); err != nil {
		return adapterFailure(err)
	}
	a.log.WarnContext(ctx, "authgo: an unverified account's address was proven; the password and passkeys set before the proof were removed and its sessions ended", "user_id", u.ID, "credentials", removed)
	return nil
}
