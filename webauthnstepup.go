package authgo

import (
	"context"

	"github.com/authgo/authgo/amr"
)

// passkeyNeedsFactor reports whether the signed-in user u must prove the
// second factor before registering a passkey: a passkey signs in with two
// factors (amr mfa), so a user who has a second factor adds one only from
// a session that proved it. Otherwise a session that proved one factor —
// begun before the factor was turned on, or held by a thief — would trade
// itself for a credential that passes the second factor and every
// RequireFactor guard.
func (a *Auth) passkeyNeedsFactor(ctx context.Context, rq *request, u *User) (bool, error) {
	if a.twoFactor == nil {
		return false, nil
	}
	rec, err := a.twoFactor.store.GetSecondFactor(ctx, u.ID)
	if err != nil {
		return false, &Error{Type: AdapterError, Err: err}
	}
	if rec == nil || rec.TOTPSecret == "" {
		return false, nil
	}
	s, err := a.PeekSession(rq.r)
	if err != nil {
		return false, err
	}
	return s == nil || !hasMethod(s, amr.MultiFactor), nil
}
