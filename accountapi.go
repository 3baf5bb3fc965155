package authgo

import (
	"net/http"
	"time"

	"github.com/authgo/authgo/account"
)

// The Go functions of password accounts, for apps that draw their own
// forms (as SignIn is for sign-in). Each does what its endpoint under
// <base>/account/ does (see PasswordProvider) and returns nil, an
// *account.Error for the user's input (show its Message and Fields), or an
// *Error: ErrRateLimited (its RetryAfter says how long), ErrUnavailable
// (the mail server or the store did not answer; nothing was changed). The
// CSRF token of the auth endpoints is not required (the form is the
// app's: protect it with VerifyCSRF), but r must pass the cross-origin
// check. Without a password provider they return a Configuration error.

// accountRequest prepares r for a Go function: the cross-origin check and
// the values the step reads.
func (a *Auth) accountRequest(r *http.Request, step string, values map[string]string) (*request, error) {
	if a.accounts == nil {
		return nil, errorf(Configuration, "no password provider: add providers.Password to Config.Providers")
	}
	if err := a.cop.Check(r); err != nil {
		return nil, &Error{Type: MissingCSRF, Err: err}
	}
	rq := a.newRequest(r)
	rq.action, rq.provider = "account", step
	rq.form = &body{values: values}
	return rq, nil
}

// SignUp creates a password account for in and mails the link and code
// that verify its address, or — when the address has an account — mails
// its owner that someone tried; both answer nil alike (send the user to a
// "check your email" page). It sets the verification binding cookie on w
// (the code works in this browser). No session is started.
func (a *Auth) SignUp(w http.ResponseWriter, r *http.Request, in account.SignUpInput) error {
	rq, err := a.accountRequest(r, "signup", map[string]string{})
	if err != nil {
		return err
	}
	return a.signUp(w, rq, in)
}

// VerifyEmail uses the token and email of a verification link (or, with
// token "" and code set, the code in the browser that signed up), marks
// the address verified and signs the user in on w. It returns where to
// send the user (redirectTo when it passes the redirect check).
func (a *Auth) VerifyEmail(w http.ResponseWriter, r *http.Request, token, emailAddr, code, redirectTo string) (string, error) {
	rq, err := a.accountRequest(r, "verify-email", map[string]string{"token": token, "email": emailAddr, "code": code, "callbackUrl": redirectTo})
	if err != nil {
		return "", err
	}
	addr, err := a.useVerification(w, rq)
	if err != nil {
		return "", err
	}
	return a.verified(r.Context(), w, rq, addr)
}

// ResendVerification mails a new verification link and code when the
// address has an unverified account; nil alike for any address.
func (a *Auth) ResendVerification(w http.ResponseWriter, r *http.Request, emailAddr string) error {
	rq, err := a.accountRequest(r, "resend-verification", map[string]string{})
	if err != nil {
		return err
	}
	return a.resendVerification(w, rq, emailAddr)
}

// RequestPasswordReset mails a reset link (valid
// account.PasswordOptions.ResetMaxAge, at most an hour, once) when the
// address has an account; nil alike, after about the same time, for any
// address.
func (a *Auth) RequestPasswordReset(r *http.Request, emailAddr string) error {
	rq, err := a.accountRequest(r, "forgot-password", map[string]string{})
	if err != nil {
		return err
	}
	return a.requestReset(rq, emailAddr)
}

// ResetPassword sets the password of the reset link's user (token and id
// are the link's parameters): every session of the user ends, the owner
// is told by mail and this browser is signed in on w. It returns where to
// send the user.
func (a *Auth) ResetPassword(w http.ResponseWriter, r *http.Request, token, userID, newPassword, redirectTo string) (string, error) {
	rq, err := a.accountRequest(r, "reset-password", map[string]string{"callbackUrl": redirectTo})
	if err != nil {
		return "", err
	}
	return a.resetPassword(w, rq, token, userID, newPassword)
}

// ChangePassword changes the password of r's signed-in user, who proves
// the current one (a user without a password, from OAuth or email
// sign-in, sets a first one within account.PasswordOptions.ReauthMaxAge of
// signing in). Every other session ends; w gets a new session.
func (a *Auth) ChangePassword(w http.ResponseWriter, r *http.Request, current, newPassword string) error {
	rq, u, since, err := a.accountUserRequest(r, "change-password")
	if err != nil {
		return err
	}
	_, err = a.changePassword(w, rq, u, since, current, newPassword)
	return err
}

// ChangeEmail mails a confirmation link to newEmail and a notice to the
// current address of r's signed-in user, who proves the current password
// (or a recent sign-in). The address changes when the link is used
// (POST <base>/account/confirm-email).
func (a *Auth) ChangeEmail(r *http.Request, current, newEmail string) error {
	rq, u, since, err := a.accountUserRequest(r, "change-email")
	if err != nil {
		return err
	}
	return a.changeEmail(rq, u, since, current, newEmail)
}

// DeleteAccount deletes r's signed-in user, who proves the current
// password (or a recent sign-in), with everything the adapter keeps of
// it; every session ends and the cookie on w is cleared.
func (a *Auth) DeleteAccount(w http.ResponseWriter, r *http.Request, current string) error {
	rq, u, since, err := a.accountUserRequest(r, "delete")
	if err != nil {
		return err
	}
	return a.deleteAccount(w, rq, u, since, current)
}

// errNoSession is the Go functions' error without a signed-in user.
var errNoSession = &account.Error{Status: http.StatusUnauthorized, Code: "session_required", Message: "Sign in first."}

func (a *Auth) accountUserRequest(r *http.Request, step string) (*request, *User, time.Time, error) {
	rq, err := a.accountRequest(r, step, map[string]string{})
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	u, since, err := a.accountUser(r.Context(), rq)
	if err == nil && u == nil {
		err = errNoSession
	}
	return rq, u, since, err
}
