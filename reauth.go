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

// signedInRecently reports whether the session of r is userID's and began
// less than reauthMaxAge ago. Only a failing store is an error.
func (a *Auth) signedInRecently(r *http.Request, userID string) (bool, error) {
	s, err := a.PeekSession(r)
	if err != nil || s == nil || s.User == nil {
		return false, err
	}
	return s.User.ID == userID && !s.AuthTime.IsZero() && a.now().Sub(s.AuthTime) < a.reauthMaxAge(), nil
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
