package authgo

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/authgo/authgo/internal/emailaddr"

	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/password"
)

// handleForgotPassword is POST <base>/account/forgot-password: a reset
// link for the address's account; for an unknown address the same answer
// after about the time a send takes.
func (a *Auth) handleForgotPassword(w http.ResponseWriter, rq *request) {
	err := a.requestReset(rq, rq.form.get("email"))
	a.accountAnswer(w, rq, withQuery(rq.actionURL(a, "account/forgot-password"), "sent", "1"), resetSentSentence, err)
}

const resetSentSentence = "If an account uses this address, we sent it a link to choose a new password. Check your email."

func (a *Auth) requestReset(rq *request, typed string) error {
	ctx := rq.r.Context()
	st := a.accounts
	m, err := a.beginMailRequest(rq, typed)
	if err != nil {
		return err
	}
	addr, u, att, start := m.addr, m.user, m.att, m.start
	if u == nil {
		a.log.InfoContext(ctx, "authgo: password reset for an address without an account; no mail sent, the client is answered as for any address", "identifier_hash", a.signIns.identifierHash(addr))
		st.resets.waitLike(ctx, start)
		return nil
	}
	cur, err := st.store.GetPasswordHash(ctx, u.ID)
	if err != nil {
		att.refund(ctx)
		return adapterFailure(err)
	}
	id, tok := purposeReset+":"+u.ID, randomToken()
	stored := purposeToken(purposeReset, resetBound(u, cur), tok, a.tokenSecret())
	if err := a.storeToken(ctx, id, stored, a.now().Add(st.o.ResetMaxAge)); err != nil {
		att.refund(ctx)
		return err
	}
	link := withQuery(rq.actionURL(a, "account/reset-password"), "callbackUrl", a.callbackURL(rq), "token", tok, "id", u.ID)
	if err := a.sendAccountMail(ctx, rq, u.Email, email.PasswordReset(hostOf(rq.origin), link, st.o.ResetMaxAge)); err != nil {
		a.unstore(ctx, id, []string{stored})
		att.refund(ctx)
		return err
	}
	st.resets.record(time.Since(start))
	return nil
}

// resetBound is what a reset token is bound to: the user, the address it
// was mailed to and the password hash it replaces ("" for none), so that
// every reset link dies once the password changes (by a reset, a change,
// or a claim of the address) or the address does.
func resetBound(u *User, hash string) string { return u.ID + "\x00" + u.Email + "\x00" + hash }

// handleResetPassword is POST <base>/account/reset-password: token, id and
// the new password. The token is used first (a made-up one costs no hash)
// and put back when the password is refused (a weak one does not burn
// the link); then the hash is set,
// every session of the user ends, the owner is told by mail, and this
// browser is signed in.
func (a *Auth) handleResetPassword(w http.ResponseWriter, rq *request) {
	next, err := a.resetPassword(w, rq, rq.form.get("token"), rq.form.get("id"), rq.form.get("password"))
	a.accountAnswer(w, rq, next, "Your password was changed. Every other session was signed out.", err)
}

func (a *Auth) resetPassword(w http.ResponseWriter, rq *request, tok, uid, pw string) (string, error) {
	ctx := rq.r.Context()
	st := a.accounts
	if !validLinkToken(tok) || uid == "" || len(uid) > 255 {
		return "", errBadLink
	}
	att, err := a.beginTokenUse(rq)
	if err != nil {
		return "", err
	}
	u, err := a.cfg.Adapter.GetUser(ctx, uid)
	if err != nil {
		att.refund(ctx)
		return "", adapterFailure(err)
	}
	if u == nil {
		u = &User{ID: uid} // gone: no link of it matches
	}
	cur, err := st.store.GetPasswordHash(ctx, uid)
	if err != nil {
		att.refund(ctx)
		return "", adapterFailure(err)
	}
	// The token first: a made-up one costs no breach check and no hash.
	id, stored := purposeReset+":"+uid, purposeToken(purposeReset, resetBound(u, cur), tok, a.tokenSecret())
	row, err := a.useToken(ctx, id, stored)
	if err != nil || row == nil {
		if err != nil {
			att.refund(ctx) // the store failed: no token was checked
		}
		return "", errors.Join(err, errBadLink)
	}
	att.refund(ctx)
	hash, err := a.newPassword(ctx, password.Normalize(pw), "password")
	if err != nil {
		// A refused password does not burn the link: it goes back as it was.
		if serr := a.storeToken(context.WithoutCancel(ctx), id, stored, row.Expires); serr != nil {
			a.log.ErrorContext(ctx, "authgo: a reset link could not be put back after a refused password", "user_id", uid, "err", serr.Error())
		}
		return "", err
	}
	if err := a.claimUnverified(ctx, u); err != nil {
		return "", err
	}
	if _, err := st.store.SetPasswordHash(ctx, uid, "", hash); err != nil {
		return "", adapterFailure(err)
	}
	if u.EmailVerified == nil { // the link came through the mailbox
		now := a.now().UTC()
		c := *u
		c.EmailVerified = &now
		if v, err := a.cfg.Adapter.UpdateUser(ctx, c); err == nil && v != nil {
			u = v
		}
	}
	a.log.InfoContext(ctx, "authgo: password reset", "user_id", u.ID)
	return a.afterCredentialChange(ctx, w, rq, u, "Your password was changed", "The password of your account was just reset. Every session was signed out.")
}

// afterCredentialChange ends every session of u (database rows deleted,
// JWTs refused through the revocation store), tells the owner by mail and
// signs this browser in with a new session.
func (a *Auth) afterCredentialChange(ctx context.Context, w http.ResponseWriter, rq *request, u *User, subject, text string) (string, error) {
	if _, err := a.RevokeUserSessions(ctx, u.ID); err != nil {
		return "", adapterFailure(err)
	}
	// The new session begins after the revocation (startAfterEpoch).
	if err := a.sendAccountMail(ctx, rq, u.Email, email.Notice(hostOf(rq.origin), subject, text)); err != nil {
		// The change is made; only the notice failed (logged).
		a.log.WarnContext(ctx, "authgo: the notice of an account change could not be sent", "user_id", u.ID)
	}
	return a.accountSignIn(ctx, w, rq, u, false)
}

// mailRequest is a request that mails the owner of a typed address, if
// any: the address, its user (nil for none), the attempt reserved under
// the mail limits, and when the work began (for the sendTimer).
type mailRequest struct {
	addr  string
	user  *User
	att   *attempt
	start time.Time
}

// beginMailRequest checks the typed address, reserves a mail under the
// send limits (before any work) and looks the address's user up.
func (a *Auth) beginMailRequest(rq *request, typed string) (mailRequest, error) {
	ctx := rq.r.Context()
	st := a.accounts
	addr, err := a.typedAddress(typed)
	if err != nil {
		return mailRequest{}, err
	}
	att, err := a.reserveAttempt(rq.r, "account-mail", st.id, addr, sendLimits(st.o.SendLimits))
	if err != nil {
		return mailRequest{}, err
	}
	m := mailRequest{addr: addr, att: att, start: time.Now()}
	if m.user, err = a.cfg.Adapter.GetUserByEmail(ctx, addr); err != nil {
		att.refund(ctx)
		return mailRequest{}, adapterFailure(err)
	}
	return m, nil
}

// typedAddress is the stored form of a typed address, or the refusal.
func (a *Auth) typedAddress(typed string) (string, error) {
	addr, err := a.accounts.o.NormalizeIdentifier(typed)
	if err != nil || len(addr) > emailaddr.MaxBytes {
		return "", badInput("invalid_email", "Enter one email address.", map[string]string{"email": "Enter one email address, like ada@example.com."})
	}
	return addr, nil
}

// beginTokenUse reserves the use of a link's token (verify, reset,
// confirm email) under the client's limit of account mail, before any
// work: a wrong token counts against the client; the caller gives a right
// one back (att.refund).
func (a *Auth) beginTokenUse(rq *request) (*attempt, error) {
	st := a.accounts
	return a.reserveAttempt(rq.r, "account-token", st.id, "", sendLimits(st.o.SendLimits))
}

// tokenUser uses the account token tok of purpose for user uid (bound to
// bound, e.g. a new address) and returns the user: errBadLink for a
// token that is malformed, used, expired or another user's; no_account
// when the user is gone.
func (a *Auth) tokenUser(ctx context.Context, purpose, uid, bound, tok string) (*User, error) {
	if !validLinkToken(tok) || uid == "" || len(uid) > 255 || len(bound) > emailaddr.MaxBytes {
		return nil, errBadLink
	}
	row, err := a.useToken(ctx, purpose+":"+uid, purposeToken(purpose, bound, tok, a.tokenSecret()))
	if err != nil || row == nil {
		return nil, errors.Join(err, errBadLink)
	}
	u, err := a.cfg.Adapter.GetUser(ctx, uid)
	if err != nil {
		return nil, adapterFailure(err)
	}
	if u == nil {
		return nil, badInput("no_account", "This account no longer exists.", nil)
	}
	return u, nil
}
