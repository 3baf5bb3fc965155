package authgo

import (
	"context"
	"net/http"
)

// secondFactorGate decides, at the end of a first factor, whether the user
// must still prove a second one. It returns the URL of the challenge (and
// has set the pending cookie on w) when so, "" when the session may be
// issued now.
func (a *Auth) secondFactorGate(ctx context.Context, w http.ResponseWriter, rq *request, in signedIn) (string, error) {
	return "", nil
}

// showAuthMethods reports whether the session JSON carries "amr" and
// "auth_time": when the second factor is configured. Otherwise the JSON is
// exactly Auth.js's.
func (a *Auth) showAuthMethods() bool { return false }
