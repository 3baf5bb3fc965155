package authgo

import (
	"context"
	"net/http"

	"github.com/authgo/authgo/amr"
)

// passkeyNeedsFactor reports whether the signed-in user u must prove the
// second factor before registering a passkey: a passkey signs in with two
// factors (amr mfa), so a user who has a second factor adds one only from
// a session that proved it. Otherwise a session that proved one factor —
// begun before the factor was turned on, or held by a thief — would trade
// itself for a credential that passes the second factor and every
// RequireFactor guard.
// s is the session of the request (PeekSession).
func (a *Auth) passkeyNeedsFactor(ctx context.Context, s *Session, u *User) (bool, error) {
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
	return s == nil || !hasMethod(s, amr.MultiFactor), nil
}

// mayAddPasskey reports whether the signed-in user u may register a
// passkey now: with the second factor proved when u has one
// (passkeyNeedsFactor), and signed in within reauthMaxAge, so a copied
// session cookie cannot add a passkey of its own. Otherwise it has
// answered w: 403 FactorRequired (step up first, then register), 403
// ReauthRequired, or the store's failure.
func (a *Auth) mayAddPasskey(ctx context.Context, w http.ResponseWriter, rq *request, u *User) bool {
	s, err := a.PeekSession(rq.r)
	need := false
	if err == nil {
		need, err = a.passkeyNeedsFactor(ctx, s, u)
	}
	switch {
	case err != nil:
		a.fail(w, rq, err)
	case need:
		writeJSON(w, http.StatusForbidden, map[string]any{"error": "FactorRequired", "methods": []string{amr.MultiFactor}})
	case !a.recentSignIn(s, u.ID):
		a.reauthJSON(w)
	default:
		return true
	}
	return false
}
