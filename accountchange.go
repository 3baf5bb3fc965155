package authgo

import (
	"context"
	"net/http"
	"time"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/password"
)

// errReauth refuses a step that needs the current password from a user
// who has none and signed in too long ago.
var errReauth = &account.Error{Status: http.StatusForbidden, Code: "reauth_required", Message: "For your security, sign in again, then retry within a few minutes."}

// reauthenticate checks the current password of u (through the sign-in
// rate limits: a wrong one counts as a failed sign-in), or, for a user
// without a password, that the session began less than ReauthMaxAge ago.
// It returns the stored hash ("" for none).
func (a *Auth) reauthenticate(rq *request, u *User, since time.Time, current string) (hash string, err error) {
	ctx := rq.r.Context()
	st := a.accounts
	if hash, err = st.store.GetPasswordHash(ctx, u.ID); err != nil {
		return "", adapterFailure(err)
	}
	if hash == "" {
		if a.now().Sub(since) > st.o.ReauthMaxAge {
			return "", errReauth
		}
		return "", nil
	}
	att, err := a.beginAttempt(rq.r, "signin", st.id, u.Email)
	if err != nil {
		return "", err
	}
	defer func() {
		att.done = err == nil
		att.end(ctx, err)
	}()
	ok, verr := st.o.Hasher.Verify(password.Normalize(current), hash)
	switch {
	case busy(verr):
		return "", &Error{Type: Unavailable, Err: verr}
	case verr != nil || !ok:
		return "", &account.Error{Status: http.StatusForbidden, Code: "wrong_password", Message: "The current password is not right.", Fields: map[string]string{"currentPassword": "The current password is not right."}}
	}
	att.passed(ctx)
	return hash, nil
}

// handleChangePassword is POST <base>/account/change-password
// (currentPassword, password): every other session ends, this browser
// gets a new one, the owner is told by mail.
func (a *Auth) handleChangePassword(w http.ResponseWriter, rq *request) {
	u, since, ok := a.signedInUser(w, rq)
	if !ok {
		return
	}
	next, err := a.changePassword(w, rq, u, since, rq.form.get("currentPassword"), rq.form.get("password"))
	a.accountAnswer(w, rq, next, "Your password was changed. Every other session was signed out.", err)
}

func (a *Auth) changePassword(w http.ResponseWriter, rq *request, u *User, since time.Time, current, pw string) (string, error) {
	ctx := rq.r.Context()
	old, err := a.reauthenticate(rq, u, since, current)
	if err != nil {
		return "", err
	}
	hash, err := a.newPassword(ctx, password.Normalize(pw), "password")
	if err != nil {
		return "", err
	}
	swapped, err := a.accounts.store.SetPasswordHash(ctx, u.ID, old, hash)
	if err != nil {
		return "", adapterFailure(err)
	}
	if !swapped { // changed by another request since it was read
		return "", &account.Error{Status: http.StatusConflict, Code: "conflict", Message: "The password was changed meanwhile. Reload and try again."}
	}
	a.log.InfoContext(ctx, "authgo: password changed", "user_id", u.ID)
	return a.afterCredentialChange(ctx, w, rq, u, "Your password was changed", "The password of your account was just changed. Every other session was signed out.")
}

// handleChangeEmail is POST <base>/account/change-email (currentPassword,
// email): a confirmation link to the new address and a notice to the old
// one. Nothing changes until the link is used.
func (a *Auth) handleChangeEmail(w http.ResponseWriter, rq *request) {
	u, since, ok := a.signedInUser(w, rq)
	if !ok {
		return
	}
	err := a.changeEmail(rq, u, since, rq.form.get("currentPassword"), rq.form.get("email"))
	a.accountAnswer(w, rq, withQuery(rq.actionURL(a, "account/change-email"), "sent", "1"), "We sent a link to the new address. Your email changes when you open it.", err)
}

func (a *Auth) changeEmail(rq *request, u *User, since time.Time, current, typed string) error {
	ctx := rq.r.Context()
	st := a.accounts
	addr, err := a.typedAddress(typed)
	if err != nil {
		return err
	}
	if addr == u.Email {
		return badInput("same_email", "This is already your address.", map[string]string{"email": "This is already your address."})
	}
	if _, err := a.reauthenticate(rq, u, since, current); err != nil {
		return err
	}
	att, err := a.reserveAttempt(rq.r, "account-mail", st.id, addr, sendLimits(st.o.SendLimits))
	if err != nil {
		return err
	}
	host := hostOf(rq.origin)
	start := time.Now()
	taken, err := a.cfg.Adapter.GetUserByEmail(ctx, addr)
	if err != nil {
		att.refund(ctx)
		return adapterFailure(err)
	}
	if taken != nil {
		// The owner of the address is told instead of sent a link; the
		// answer, the notice to the old address and the time are as for a
		// free address, so that this never tells which addresses are taken.
		if err := a.sendAccountMail(ctx, rq, addr, email.Notice(host, "Someone tried to use your address", "Someone (maybe you) tried to move another account on "+host+" to this address. Nothing changed.")); err != nil {
			att.refund(ctx)
			return err
		}
	} else if err := a.mailEmailChange(ctx, rq, u, addr); err != nil {
		att.refund(ctx)
		return err
	}
	if err := a.sendAccountMail(ctx, rq, u.Email, email.Notice(host, "Your email is about to change", "Someone signed in to your account asked to change its email to "+addr+". It changes when the link sent there is opened.")); err != nil {
		a.log.WarnContext(ctx, "authgo: the notice to the old address could not be sent", "user_id", u.ID)
	}
	if taken != nil {
		st.changes.waitLike(ctx, start)
	} else {
		st.changes.record(time.Since(start))
	}
	return nil
}

// mailEmailChange stores a change-of-email token of u for addr and mails
// its link to addr; on failure nothing stays stored.
func (a *Auth) mailEmailChange(ctx context.Context, rq *request, u *User, addr string) error {
	st := a.accounts
	id, tok := purposeChangeEmail+":"+u.ID, randomToken()
	stored := purposeToken(purposeChangeEmail, addr, tok, a.tokenSecret())
	if err := a.storeToken(ctx, id, stored, a.now().Add(st.o.VerifyMaxAge)); err != nil {
		return err
	}
	link := withQuery(rq.actionURL(a, "account/confirm-email"), "token", tok, "id", u.ID, "email", addr)
	if err := a.sendAccountMail(ctx, rq, addr, email.ConfirmNewEmail(hostOf(rq.origin), link, st.o.VerifyMaxAge)); err != nil {
		a.unstore(ctx, id, []string{stored})
		return err
	}
	return nil
}

// handleConfirmEmail is POST <base>/account/confirm-email (token, id,
// email): the address changes (verified), every session ends, this
// browser is signed in, the old address is told.
func (a *Auth) handleConfirmEmail(w http.ResponseWriter, rq *request) {
	next, err := a.confirmEmail(w, rq, rq.form.get("token"), rq.form.get("id"), rq.form.get("email"))
	a.accountAnswer(w, rq, next, "Your email was changed.", err)
}

func (a *Auth) confirmEmail(w http.ResponseWriter, rq *request, tok, uid, addr string) (string, error) {
	ctx := rq.r.Context()
	if addr == "" {
		return "", errBadLink
	}
	att, err := a.beginTokenUse(rq)
	if err != nil {
		return "", err
	}
	u, err := a.tokenUser(ctx, purposeChangeEmail, uid, addr, tok)
	if err != nil {
		return "", err
	}
	att.refund(ctx)
	old := u.Email
	now := a.now().UTC()
	c := *u
	c.Email, c.EmailVerified = addr, &now
	updated, err := a.cfg.Adapter.UpdateUser(ctx, c)
	if err != nil {
		return "", badInput("email_taken", "Another account uses this address now; the email was not changed.", nil)
	}
	if updated == nil {
		return "", badInput("no_account", "This account no longer exists.", nil)
	}
	emit(ctx, a.log, "updateUser", a.cfg.Events.UpdateUser, updated)
	_ = a.sendAccountMail(ctx, rq, old, email.Notice(hostOf(rq.origin), "Your email was changed", "The email of your account is now "+addr+"."))
	return a.afterCredentialChange(ctx, w, rq, updated, "Your email was changed", "This is now the email of your account. Every other session was signed out.")
}

// handleDeleteAccount is POST <base>/account/delete (currentPassword):
// the user goes with everything the adapter keeps of it, every session
// ends, the owner is told by mail.
func (a *Auth) handleDeleteAccount(w http.ResponseWriter, rq *request) {
	u, since, ok := a.signedInUser(w, rq)
	if !ok {
		return
	}
	err := a.deleteAccount(w, rq, u, since, rq.form.get("currentPassword"))
	a.accountAnswer(w, rq, rq.origin+"/", "Your account was deleted.", err)
}

func (a *Auth) deleteAccount(w http.ResponseWriter, rq *request, u *User, since time.Time, current string) error {
	ctx := rq.r.Context()
	if _, err := a.reauthenticate(rq, u, since, current); err != nil {
		return err
	}
	if _, err := a.RevokeUserSessions(ctx, u.ID); err != nil {
		return adapterFailure(err)
	}
	if err := a.cfg.Adapter.DeleteUser(ctx, u.ID); err != nil {
		return adapterFailure(err)
	}
	a.sessionCache.forgetUser(u.ID)
	a.clearSessionCookies(rq)(w)
	a.log.InfoContext(ctx, "authgo: account deleted", "user_id", u.ID)
	if err := a.sendAccountMail(context.WithoutCancel(ctx), rq, u.Email, email.Notice(hostOf(rq.origin), "Your account was deleted", "Your account and its data were deleted.")); err != nil {
		a.log.WarnContext(ctx, "authgo: the notice of a deleted account could not be sent", "user_id", u.ID)
	}
	return nil
}
