package authgo

import (
	"context"
	"net/http"
	"slices"

	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/pages"
)

// The endpoints of the second factor, under the base path:
//
//	GET  two-factor               {"enabled","backupCodes","required"} of the signed-in user (JSON)
//	GET  two-factor/challenge     the code form (a pending sign-in, or a step-up)
//	POST two-factor/challenge     code, trustDevice → the session, or the upgraded session
//	GET  two-factor/enroll        the secret being set up: QR code, key, otpauth URI (page or JSON);
//	                              the same one while it is live (EnrollMaxAge), else a new one
//	POST two-factor/enroll        code → the factor is on; the backup codes, once
//	POST two-factor/enroll        newSecret=true → a new secret replaces the pending one
//	POST two-factor/backup-codes  code (or a fresh sign-in) → new backup codes, once
//	POST two-factor/disable       code (or a fresh sign-in) → the factor is off
//
// Every POST needs the CSRF token (csrfToken). A client that asks for JSON
// (Accept: application/json, or X-Auth-Return-Redirect) gets JSON: {"url"}
// on success, {"error","code"} with 400/401/403/409/429 otherwise.

// handleTwoFactor routes /two-factor[/{step}].
func (a *Auth) handleTwoFactor(w http.ResponseWriter, rq *request) {
	if a.twoFactor == nil {
		badRequest(w)
		return
	}
	noStore(w)
	get := rq.r.Method == http.MethodGet
	if !get && !a.csrfValid(rq) {
		a.fail(w, rq, errorf(MissingCSRF, "second-factor form without a valid CSRF token"))
		return
	}
	switch {
	case rq.provider == "" && get:
		a.handleFactorStatus(w, rq)
	case rq.provider == "challenge" && get:
		a.handleChallengePage(w, rq)
	case rq.provider == "challenge":
		a.handleChallenge(w, rq)
	case rq.provider == "enroll" && (get || rq.form.get("newSecret") == "true"):
		a.handleEnrolPage(w, rq, !get)
	case rq.provider == "enroll":
		a.handleEnrolConfirm(w, rq)
	case rq.provider == "backup-codes" && !get:
		a.handleNewBackupCodes(w, rq)
	case rq.provider == "disable" && !get:
		a.handleDisable(w, rq)
	default:
		badRequest(w)
	}
}

// handleChallengePage is GET two-factor/challenge: the code form for a
// pending sign-in or, for a signed-in user with a factor, a step-up (the
// callbackUrl is where to go back to).
func (a *Auth) handleChallengePage(w http.ResponseWriter, rq *request) {
	ctx := rq.r.Context()
	st, _, err := a.readPending(ctx, rq)
	if err != nil {
		a.fail(w, rq, err)
		return
	}
	if st == nil {
		s, err := a.Session(w, rq.r)
		if err != nil {
			a.fail(w, rq, err)
			return
		}
		if s == nil || s.User == nil {
			a.pendingMissing(w, rq)
			return
		}
		a.rememberCallbackURL(w, rq)
	}
	if wantsJSON(rq.r) {
		writeJSON(w, http.StatusOK, map[string]any{"csrfToken": a.csrfToken(w, rq), "trustDays": a.trustDays(st != nil)})
		return
	}
	a.renderChallenge(w, rq, http.StatusOK, st != nil, "")
}

// trustDays is the "don't ask again" period in days, 0 when not offered
// (it is offered at sign-in only, not at a step-up).
func (a *Auth) trustDays(signIn bool) int {
	d := a.twoFactor.cfg.TrustedDeviceMaxAge
	if !signIn || d <= 0 {
		return 0
	}
	return max(int(d.Hours()/24), 1)
}

func (a *Auth) renderChallenge(w http.ResponseWriter, rq *request, status int, signIn bool, msg string) {
	d := pages.TwoFactor{Theme: a.theme(), Action: rq.actionURL(a, "two-factor/challenge"), CSRFToken: a.csrfToken(w, rq),
		TrustDays: a.trustDays(signIn), Error: msg, CancelURL: a.signInPage()}
	if err := pages.RenderTwoFactor(w, status, d); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render second-factor page", "err", err)
	}
}

// pendingMissing answers a second-factor request without a usable pending
// state or session: 401 JSON, else back to sign in.
func (a *Auth) pendingMissing(w http.ResponseWriter, rq *request) {
	cookie.ClearChunked(w, rq.r, a.pendingCookie(rq))
	if wantsJSON(rq.r) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "SessionRequired"})
		return
	}
	redirect(w, rq.r, withQuery(a.pageURL(rq, a.cfg.Pages.SignIn, "signin"), "error", "SessionRequired"))
}

// handleChallenge is POST two-factor/challenge: the code of a pending
// sign-in (then the session is issued) or of a step-up (then the session
// is re-issued with the factor added).
func (a *Auth) handleChallenge(w http.ResponseWriter, rq *request) {
	to, signIn, err := a.verifySecondFactor(w, rq, rq.form.get("code"), rq.form.get("trustDevice") == "true")
	switch e := asError(err, CallbackRouteError); {
	case err == nil:
		a.codeAccepted(w, rq, to)
	case e.Code == "enroll":
		redirect(w, rq.r, rq.actionURL(a, "two-factor/enroll"))
	case e.Code == "no_pending":
		a.pendingMissing(w, rq)
	default:
		a.factorCodeRefused(w, rq, signIn, err)
	}
}

// VerifySecondFactor checks the code a user typed into the app's own
// challenge form — a TOTP code or a backup code — and, when it is right,
// issues the session of the pending sign-in of r (or, for a signed-in
// user, re-issues the session with the factor added: a step-up), setting
// its cookie on w; trustDevice sets the trusted-device cookie too. It
// returns where to send the user. Failures are *Error values:
// CredentialsSignin with Code "invalid_code" or "code_reused",
// RateLimited, AccessDenied with Code "no_pending" (no pending sign-in nor
// session: sign in again) or "enroll" (policy requires setting a factor up
// first). r must pass the cross-origin check, as for SignIn.
func (a *Auth) VerifySecondFactor(w http.ResponseWriter, r *http.Request, code string, trustDevice bool) (string, error) {
	if a.twoFactor == nil {
		return "", errTwoFactorOff()
	}
	if err := a.cop.Check(r); err != nil {
		return "", &Error{Type: MissingCSRF, Err: err}
	}
	to, _, err := a.verifySecondFactor(w, a.newRequest(r), code, trustDevice)
	return to, err
}

// verifySecondFactor is VerifySecondFactor; signIn reports whether a
// pending sign-in (not a step-up) was being completed.
func (a *Auth) verifySecondFactor(w http.ResponseWriter, rq *request, code string, trust bool) (to string, signIn bool, err error) {
	ctx := rq.r.Context()
	st, _, err := a.readPending(ctx, rq)
	if err != nil {
		return "", false, err
	}
	if st == nil {
		to, err := a.stepUp(w, rq, code)
		return to, false, err
	}
	if st.Enrol {
		return "", true, &Error{Type: AccessDenied, Code: "enroll"}
	}
	method, err := a.checkCode(rq, st.Provider, st.User.ID, code, st.At)
	if err != nil {
		return "", true, err
	}
	to, err = a.completeSignIn(ctx, w, rq, st, method, trust)
	return to, true, err
}

// codeAccepted sends the user on: {"url"} to JSON clients, else a redirect.
func (a *Auth) codeAccepted(w http.ResponseWriter, rq *request, to string) {
	if wantsJSON(rq.r) {
		writeJSON(w, http.StatusOK, map[string]string{"url": to})
		return
	}
	redirect(w, rq.r, to)
}

// factorCodeRefused answers a refused code: the form again with a sentence, or
// JSON; rate limits and store failures as every action answers them.
func (a *Auth) factorCodeRefused(w http.ResponseWriter, rq *request, signIn bool, err error) {
	e := asError(err, CallbackRouteError)
	status, msg := http.StatusUnauthorized, "That code is not right. Try again."
	switch {
	case e.Type == RateLimited || e.Type == AdapterError || e.Type == Unavailable || e.Type == Configuration:
		a.fail(w, rq, e)
		return
	case e.Code == "code_reused":
		msg = "That code was used already. Wait for the next one."
	case e.Type == AccessDenied:
		status, msg = http.StatusForbidden, "Two-factor authentication is not set up for this account."
	}
	if wantsJSON(rq.r) {
		writeJSON(w, status, map[string]string{"error": string(e.Type), "code": e.Code})
		return
	}
	a.renderChallenge(w, rq, status, signIn, msg)
}

// completeSignIn issues the session of a pending sign-in whose second
// factor (method) was just proved, and returns where to go.
func (a *Auth) completeSignIn(ctx context.Context, w http.ResponseWriter, rq *request, st *pendingState, method string, trust bool) (string, error) {
	in := st.signedIn()
	in.methods = withMethods(in.methods, method, amr.MultiFactor)
	cookie.ClearChunked(w, rq.r, a.pendingCookie(rq))
	if trust && a.trustDays(true) > 0 {
		if err := a.trustDevice(w, rq, in.user.ID); err != nil {
			return "", err
		}
	}
	if err := a.startSession(ctx, w, rq, in); err != nil {
		return "", err
	}
	client, idHash := a.clientIP(rq.r), a.signIns.identifierHash(in.user.ID)
	a.signInSucceeded(ctx, in.provider, client, idHash, "second_factor", method)
	emit(ctx, a.log, "signIn", a.cfg.Events.SignIn, SignInEvent{User: in.user, Account: in.account, Profile: in.profile, IsNewUser: in.isNewUser, ClientIP: client, IdentifierHash: idHash})
	to := a.redirectTarget(ctx, rq, st.Callback)
	if in.isNewUser && a.cfg.Pages.NewUser != "" {
		to = withQuery(a.pageURL(rq, a.cfg.Pages.NewUser, ""), "callbackUrl", to)
	}
	return to, nil
}

// stepUp proves the factor again for a signed-in user (no pending
// sign-in): the session is re-issued with it in amr; then back to the
// callbackUrl.
func (a *Auth) stepUp(w http.ResponseWriter, rq *request, code string) (string, error) {
	ctx := rq.r.Context()
	s, err := a.Session(nil, rq.r)
	if err != nil {
		return "", err
	}
	if s == nil || s.User == nil || s.User.ID == "" {
		return "", &Error{Type: AccessDenied, Code: "no_pending"}
	}
	method, err := a.checkCode(rq, "step-up", s.User.ID, code, 0)
	if err != nil {
		return "", err
	}
	if err := a.addSessionMethods(ctx, w, rq, s, method, amr.MultiFactor); err != nil {
		return "", err
	}
	a.log.InfoContext(ctx, "authgo: step-up succeeded", "method", method, "identifier_hash", a.signIns.identifierHash(s.User.ID))
	return a.callbackURL(rq), nil
}

// handleFactorStatus is GET two-factor: the signed-in user's factor, as
// JSON.
func (a *Auth) handleFactorStatus(w http.ResponseWriter, rq *request) {
	ctx := rq.r.Context()
	s, err := a.Session(w, rq.r)
	if err != nil {
		a.fail(w, rq, err)
		return
	}
	if s == nil || s.User == nil {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "SessionRequired"})
		return
	}
	st, err := a.TwoFactorStatus(ctx, sessionUser(s))
	if err != nil {
		a.fail(w, rq, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

// sessionUser is the user of s as the policy hook sees it: the stored
// record behind a database session, else the session's claims.
func sessionUser(s *Session) *User {
	if s.UserRecord != nil {
		return s.UserRecord
	}
	return &User{ID: s.User.ID, Name: s.User.Name, Email: s.User.Email, Image: s.User.Image, Role: s.User.Role}
}

// hasMethod reports whether s records any of methods.
func hasMethod(s *Session, methods ...string) bool {
	for _, m := range methods {
		if slices.Contains(s.AMR, m) {
			return true
		}
	}
	return false
}
