package authgo

import (
	"net/http"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/internal/pages"
)

// The endpoints of enrolment, backup codes and turning the factor off,
// over the Go functions of mfaenrol.go.

// enrolUser is who enrols at two-factor/enroll: the user of a pending
// sign-in that policy sends to enrolment (st), else the signed-in user;
// owner names the browser (enrolOwner). When there is neither, or the
// store fails, it has answered w and ok is false.
func (a *Auth) enrolUser(w http.ResponseWriter, rq *request) (st *pendingState, u *User, owner string, ok bool) {
	st, _, err := a.readPending(rq.r.Context(), rq)
	if err != nil {
		a.fail(w, rq, err)
		return nil, nil, "", false
	}
	if st != nil {
		return st, st.User, a.enrolOwner(rq, st, nil), true
	}
	s, err := a.Session(w, rq.r)
	switch {
	case err != nil:
		a.fail(w, rq, err)
		return nil, nil, "", false
	case s == nil || s.User == nil:
		a.pendingMissing(w, rq)
		return nil, nil, "", false
	}
	return nil, sessionUser(s), a.enrolOwner(rq, nil, s), true
}

// handleEnrolPage is GET two-factor/enroll: the secret being set up (the
// pending one while it is live, to the browser it was shown to, else a
// new one), as a page with the QR code or as JSON (account.TOTPEnrolment); and
// POST two-factor/enroll with newSecret=true (fresh): a new secret
// replaces the pending one, answered as JSON, or by a redirect to the
// page, which shows it.
func (a *Auth) handleEnrolPage(w http.ResponseWriter, rq *request, fresh bool) {
	st, u, owner, ok := a.enrolUser(w, rq)
	if !ok {
		return
	}
	if st == nil {
		if ok, err := a.signedInRecently(rq.r, u.ID); err != nil || !ok {
			a.enrolNeedsSignIn(w, rq, err)
			return
		}
		a.rememberCallbackURL(w, rq)
	}
	e, err := a.enrolTOTP(rq.r.Context(), u, owner, fresh)
	switch {
	case err != nil:
		a.refuse(w, rq, err)
	case wantsJSON(rq.r):
		writeJSON(w, http.StatusOK, e)
	case fresh:
		redirect(w, rq.r, rq.actionURL(a, "two-factor/enroll"))
	default:
		a.renderEnrol(w, rq, http.StatusOK, e, st != nil, "")
	}
}

// enrolNeedsSignIn answers an enrolment opened by a session that began
// more than reauthMaxAge ago (or err, when the store failed): JSON clients
// get 403 reauth_required, a browser goes to the sign-in page and comes
// back to the enrolment after it.
func (a *Auth) enrolNeedsSignIn(w http.ResponseWriter, rq *request, err error) {
	switch {
	case err != nil:
		a.fail(w, rq, err)
	case wantsJSON(rq.r):
		a.refuse(w, rq, errReauthRequired())
	default:
		back := rq.actionURL(a, "two-factor/enroll")
		redirect(w, rq.r, withQuery(a.pageURL(rq, a.cfg.Pages.SignIn, "signin"), "callbackUrl", back))
	}
}

func (a *Auth) renderEnrol(w http.ResponseWriter, rq *request, status int, e *account.TOTPEnrolment, required bool, msg string) {
	d := pages.TwoFactorEnrol{Theme: a.theme(), Action: rq.actionURL(a, "two-factor/enroll"), CSRFToken: a.csrfToken(w, rq),
		Required: required, Error: msg}
	if e != nil {
		d.QRCode, d.Secret, d.URI = e.QRCode, e.Secret, e.URI
	}
	if err := pages.RenderTwoFactorEnrol(w, status, d); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render enrolment page", "err", err)
	}
}

// handleEnrolConfirm is POST two-factor/enroll: the first code turns the
// factor on; the backup codes are shown once. A pending sign-in (policy
// sent the user here) then gets its session.
func (a *Auth) handleEnrolConfirm(w http.ResponseWriter, rq *request) {
	ctx := rq.r.Context()
	st, u, owner, ok := a.enrolUser(w, rq)
	if !ok {
		return
	}
	var at int64
	if st != nil {
		at = st.At
	} else if recent, err := a.signedInRecently(rq.r, u.ID); err != nil || !recent {
		// A signed-in user adds the factor: a recent sign-in only.
		a.enrolNeedsSignIn(w, rq, err)
		return
	}
	codes, err := a.confirmTOTP(rq, u, rq.form.get("code"), at)
	if err != nil {
		switch e := asError(err, CallbackRouteError); {
		case wantsJSON(rq.r):
		case e.Type == CredentialsSignin:
			// The same secret again: the user scanned it already.
			a.renderEnrolAgain(w, rq, u, owner, st != nil, "That code is not right. Try again.")
			return
		case e.Code == "no_enrolment":
			a.renderEnrolAgain(w, rq, u, owner, st != nil, "That key is no longer valid. Scan this new one.")
			return
		}
		a.refuse(w, rq, err)
		return
	}
	to := a.callbackURL(rq)
	if st != nil {
		to, err = a.completeSignIn(ctx, w, rq, st, amr.OTP, false)
	} else if s, _ := a.Session(nil, rq.r); s != nil {
		// The first code proved the factor: the session records it.
		err = a.addSessionMethods(ctx, w, rq, s, amr.OTP, amr.MultiFactor)
	}
	if err != nil {
		a.fail(w, rq, err)
		return
	}
	if wantsJSON(rq.r) {
		writeJSON(w, http.StatusOK, map[string]any{"backupCodes": codes, "url": to})
		return
	}
	a.renderBackupCodes(w, rq, codes, to)
}

// renderEnrolAgain shows the enrolment page again after a refused first
// code: the same secret while it is live, else a new one.
func (a *Auth) renderEnrolAgain(w http.ResponseWriter, rq *request, u *User, owner string, required bool, msg string) {
	e, err := a.enrolTOTP(rq.r.Context(), u, owner, false)
	if err != nil {
		a.refuse(w, rq, err)
		return
	}
	a.renderEnrol(w, rq, http.StatusUnauthorized, e, required, msg)
}

func (a *Auth) renderBackupCodes(w http.ResponseWriter, rq *request, codes []string, to string) {
	if err := pages.RenderBackupCodes(w, http.StatusOK, pages.BackupCodes{Theme: a.theme(), Codes: codes, ContinueURL: to}); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render backup codes page", "err", err)
	}
}

// handleNewBackupCodes is POST two-factor/backup-codes.
func (a *Auth) handleNewBackupCodes(w http.ResponseWriter, rq *request) {
	codes, err := a.NewBackupCodes(rq.r, rq.form.get("code"))
	if err != nil {
		a.refuse(w, rq, err)
		return
	}
	if wantsJSON(rq.r) {
		writeJSON(w, http.StatusOK, map[string]any{"backupCodes": codes})
		return
	}
	a.renderBackupCodes(w, rq, codes, a.callbackURL(rq))
}

// handleDisable is POST two-factor/disable.
func (a *Auth) handleDisable(w http.ResponseWriter, rq *request) {
	if err := a.DisableTwoFactor(rq.r, rq.form.get("code")); err != nil {
		a.refuse(w, rq, err)
		return
	}
	a.codeAccepted(w, rq, a.callbackURL(rq))
}

// refuse answers a refused second-factor change: JSON with the type and
// code (401 wrong code, 403 not allowed, 409 nothing to confirm), or the
// error page; rate limits and store failures as every action does.
func (a *Auth) refuse(w http.ResponseWriter, rq *request, err error) {
	e := asError(err, CallbackRouteError)
	status := http.StatusUnauthorized
	switch {
	case e.Type != CredentialsSignin && e.Type != AccessDenied:
		a.fail(w, rq, e)
		return
	case e.Code == "no_enrolment" || e.Code == "already_enabled":
		status = http.StatusConflict
	case e.Type == AccessDenied:
		status = http.StatusForbidden
	}
	a.log.InfoContext(rq.r.Context(), "authgo: second-factor request refused", "type", string(e.Type), "code", e.Code)
	if wantsJSON(rq.r) {
		writeJSON(w, status, map[string]string{"error": string(e.Type), "code": e.Code})
		return
	}
	a.renderError(w, rq, status, string(e.Type))
}
