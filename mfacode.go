package authgo

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/amr"
)

// Checking a code: the one way every flow (challenge, step-up, enrolment,
// turning the factor off, new backup codes) proves the second factor. The
// attempt is reserved under the rate limits first (per client and per
// user, atomically, before any code is checked); the check and the
// spending of the code are one compare-and-swap on the user's record, so a
// code — a TOTP step or a backup code — succeeds once even when two
// requests bring it at the same moment.

var errNoChange = errors.New("authgo: nothing to change")

// The refusals of a code, new values each time (an *Error is marked as it
// is logged).
func errWrongCode() error   { return &Error{Type: CredentialsSignin, Code: "invalid_code"} }
func errReusedCode() error  { return &Error{Type: CredentialsSignin, Code: "code_reused"} }
func errNoFactor() error    { return &Error{Type: AccessDenied, Code: "no_second_factor"} }
func errNoEnrolment() error { return &Error{Type: AccessDenied, Code: "no_enrolment"} }

// updateFactor reads userID's record, lets change edit a copy (Version 0
// when there is none) and stores it with a compare-and-swap; when another
// write came first it reads the record again and runs change on it again.
// An error from change stops it, with nothing stored.
func (a *Auth) updateFactor(ctx context.Context, userID string, change func(*adapter.SecondFactor) error) (*adapter.SecondFactor, error) {
	st := a.twoFactor.store
	for range 8 {
		cur, err := st.GetSecondFactor(ctx, userID)
		if err != nil {
			return nil, &Error{Type: AdapterError, Err: err}
		}
		next := adapter.SecondFactor{UserID: userID}
		if cur != nil {
			next = *cur
		}
		expect := next.Version
		if err := change(&next); err != nil {
			return nil, err
		}
		ok, err := st.PutSecondFactor(ctx, next, expect)
		if err != nil {
			return nil, &Error{Type: AdapterError, Err: err}
		}
		if ok {
			next.Version = expect + 1
			return &next, nil
		}
	}
	return nil, errorf(AdapterError, "second-factor record of a user changed under every retry")
}

// codeKind returns the method a code proves: amr.OTP for digits only (the
// TOTP code), amr.BackupCode for anything else.
func codeKind(code string) string {
	c := strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if c != "" && len(c) <= 10 && strings.Trim(c, "0123456789") == "" {
		return amr.OTP
	}
	return amr.BackupCode
}

// matchTOTP checks code against the confirmed secret of f at the current
// time. It returns the time step it matched; a step not after f.LastStep
// is a reused code.
func (a *Auth) matchTOTP(f *adapter.SecondFactor, code string) (int64, error) {
	tf := a.twoFactor
	secret, stale, err := tf.keys.Open(f.UserID, f.TOTPSecret)
	if err != nil {
		return 0, errorf(Configuration, "second-factor secret of a user cannot be opened (a retired AUTH_SECRET?): %w", err)
	}
	step, err := a.verifyTOTP(f, secret, code)
	if err != nil {
		return 0, err
	}
	if stale {
		f.TOTPSecret = tf.keys.Seal(f.UserID, secret) // rotated to the newest secret
	}
	return step, nil
}

// verifyTOTP checks code against secret (base32, opened) at the current
// time, as matchTOTP does.
func (a *Auth) verifyTOTP(f *adapter.SecondFactor, secret, code string) (int64, error) {
	step, ok := a.twoFactor.cfg.TOTP.Verify(secret, strings.ReplaceAll(strings.TrimSpace(code), " ", ""), a.now())
	if !ok {
		return 0, errWrongCode()
	}
	if step <= f.LastStep {
		return 0, errReusedCode()
	}
	return step, nil
}

// spendCode checks code (TOTP or backup) against userID's active factor
// and spends it, in one compare-and-swap; pendingAt (Unix µs, 0 for none)
// is recorded as spent with it. It returns the method proved.
func (a *Auth) spendCode(ctx context.Context, userID, code string, pendingAt int64) (string, error) {
	kind := codeKind(code)
	_, err := a.updateFactor(ctx, userID, func(f *adapter.SecondFactor) error {
		if f.TOTPSecret == "" {
			return errNoFactor()
		}
		if kind == amr.OTP {
			step, err := a.matchTOTP(f, code)
			if err != nil {
				return err
			}
			f.LastStep = step
		} else {
			i := a.twoFactor.keys.MatchBackupCode(code, f.BackupCodes)
			if i < 0 {
				return errWrongCode()
			}
			f.BackupCodes = append(f.BackupCodes[:i:i], f.BackupCodes[i+1:]...)
		}
		if pendingAt > f.SpentBefore.UnixMicro() {
			f.SpentBefore = time.UnixMicro(pendingAt)
		}
		return nil
	})
	return kind, err
}

// codeAttempt reserves a code attempt of userID from r's client under the
// rate limits (RateLimitConfig.PerIP per client, TwoFactorConfig.PerUser
// per user), for the sign-in that provider began.
func (a *Auth) codeAttempt(r *http.Request, provider, userID string) (*attempt, error) {
	rl, per := &a.cfg.RateLimit, a.twoFactor.cfg.PerUser
	return a.reserveAttempt(r, "second-factor", provider, userID, attemptLimits{ip: rl.PerIP, pair: per, id: per})
}

// checkCode is a whole guarded code check for a signed-in or pending user:
// the reservation, spendCode, the refund on success, the log line and
// Events.SignInFailure on failure.
func (a *Auth) checkCode(rq *request, provider, userID, code string, pendingAt int64) (method string, err error) {
	ctx := rq.r.Context()
	if code == "" || len(code) > 64 {
		err = errWrongCode()
		a.codeFailed(ctx, rq, provider, userID, err)
		return "", err
	}
	att, err := a.codeAttempt(rq.r, provider, userID)
	if err != nil {
		return "", err
	}
	method, err = a.spendCode(ctx, userID, code, pendingAt)
	if err != nil {
		if e := asError(err, CallbackRouteError); e.Type == AdapterError || e.Type == Unavailable {
			att.refund(ctx)
		}
		a.codeFailed(ctx, rq, provider, userID, err)
		return "", err
	}
	att.passed(ctx)
	return method, nil
}

// codeFailed logs a refused code and tells Events.SignInFailure (Step
// "second_factor").
func (a *Auth) codeFailed(ctx context.Context, rq *request, provider, userID string, err error) {
	e := asError(err, CallbackRouteError)
	a.signInFailed(ctx, SignInFailureEvent{Provider: provider, ClientIP: a.clientIP(rq.r), IdentifierHash: a.signIns.identifierHash(userID),
		Type: e.Type, Code: e.Code, Step: "second_factor"})
}
