package authgo

import (
	"net/http"
	"time"

	"github.com/authgo/authgo/account"
)

// Adding a sign-in method — a passkey, an authenticator app — or deleting
// a passkey changes how the account can be entered. A session cookie
// alone must not be enough for that: whoever copied one could add their
// own passkey and keep the account for good, or lock its owner out with a
// second factor the owner does not hold. So these changes need a sign-in
// within reauthMaxAge, as changing the password or email does (OWASP ASVS
// 6.2.x: re-authentication before changing authentication factors).

// reauthMaxAge is how recent a sign-in must be for a change of the
// account's sign-in methods: PasswordOptions.ReauthMaxAge with password
// accounts, else account.DefaultReauthMaxAge.
func (a *Auth) reauthMaxAge() time.Duration {
	if a.accounts != nil {
		return a.accounts.o.ReauthMaxAge
	}
	return account.DefaultReauthMaxAge
}

// signedInWithin reports whether s began (Session.AuthTime) less than
// maxAge ago: the one freshness check of RequireFreshAuth, the second
// factor's changes and the changes of sign-in methods.
func (a *Auth) signedInWithin(s *Session, maxAge time.Duration) bool {
	return s != nil && !s.AuthTime.IsZero() && a.now().Sub(s.AuthTime) < maxAge
}

// recentSignIn reports whether s is userID's session and began less than
// reauthMaxAge ago.
func (a *Auth) recentSignIn(s *Session, userID string) bool {
	return s != nil && s.User != nil && s.User.ID == userID && a.signedInWithin(s, a.reauthMaxAge())
}

// signedInRecently is recentSignIn for the session of r. Only a failing
// store is an error.
func (a *Auth) signedInRecently(r *http.Request, userID string) (bool, error) {
	s, err := a.PeekSession(r)
	return err == nil && a.recentSignIn(s, userID), err
}

// errReauthRequired refuses a change of the sign-in methods to a session
// that began too long ago: the user signs in again, then retries.
func errReauthRequired() error { return &Error{Type: AccessDenied, Code: "reauth_required"} }

// reauthJSON is the JSON answer of errReauthRequired for the passkey
// endpoints.
func (a *Auth) reauthJSON(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, map[string]string{"error": "ReauthRequired",
		"message": "For your security, sign in again, then retry within " + a.reauthMaxAge().String() + "."})
}
