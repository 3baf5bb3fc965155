package authgo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/cookie"
)

// Setting the factor up, turning it off and new backup codes: the Go
// functions an app's own forms call (the endpoints over them are in
// mfaenrolhttp.go).

// errTwoFactorOff is the error of the second-factor functions when
// TwoFactorConfig.TOTP is not set.
func errTwoFactorOff() error {
	return errorf(Configuration, "the second factor is off: set TwoFactor.TOTP (mfa.TOTP{} of github.com/authgo/authgo/mfa)")
}

// TwoFactorStatus returns u's second factor.
func (a *Auth) TwoFactorStatus(ctx context.Context, u *User) (account.TwoFactorStatus, error) {
	if a.twoFactor == nil {
		return account.TwoFactorStatus{}, errTwoFactorOff()
	}
	rec, err := a.twoFactor.store.GetSecondFactor(ctx, u.ID)
	if err != nil {
		return account.TwoFactorStatus{}, &Error{Type: AdapterError, Err: err}
	}
	st := account.TwoFactorStatus{Required: a.factorRequired(ctx, u)}
	if rec != nil && rec.TOTPSecret != "" {
		st.Enabled, st.BackupCodes = true, len(rec.BackupCodes)
	}
	return st, nil
}

// EnrollTOTP starts setting up an authenticator app for u, or goes on
// with the setup that the same browser began less than
// TwoFactorConfig.EnrollMaxAge ago: then it returns that pending secret
// again, and writes nothing, so a second tab or a reload shows the QR code
// the user may have scanned already. Otherwise a new secret, sealed,
// becomes u's pending enrolment, replacing the one there was. r is the
// request of the app's page; its session (the session id of a JWT, the
// token of a database session) is the browser. NewTOTPEnrolment starts
// over with a new secret. A user whose factor is on already gets an
// AccessDenied *Error (code "already_enabled"): turn it off first.
func (a *Auth) EnrollTOTP(r *http.Request, u *User) (*account.TOTPEnrolment, error) {
	return a.enrolFromRequest(r, u, false)
}

// NewTOTPEnrolment starts u's setup of an authenticator app over: a new
// secret replaces the pending one, whose codes no longer confirm it, for a
// user who asks for another key (the QR code would not scan, the key was
// seen by someone else). r and the errors are as for EnrollTOTP.
func (a *Auth) NewTOTPEnrolment(r *http.Request, u *User) (*account.TOTPEnrolment, error) {
	return a.enrolFromRequest(r, u, true)
}

func (a *Auth) enrolFromRequest(r *http.Request, u *User, fresh bool) (*account.TOTPEnrolment, error) {
	if a.twoFactor == nil {
		return nil, errTwoFactorOff()
	}
	s, err := a.Session(nil, r)
	if err != nil {
		return nil, err
	}
	return a.enrolTOTP(r.Context(), u, a.enrolOwner(a.newRequest(r), nil, s), fresh)
}

func errAlreadyEnabled() error { return &Error{Type: AccessDenied, Code: "already_enabled"} }

// A pending secret is sealed with the time its enrolment began and its
// owner, "<Unix µs>:<owner>:<base32 secret>", so that it is shown again
// within EnrollMaxAge, and only to the browser it was shown to first. The
// owner is a hash of that browser's pending sign-in (policy sent it to
// enrolment: the first factor only) or of its session. Without it, a
// phished password's pending sign-in could open the enrolment first and
// know the secret the user then scans; with it, the user's opening
// replaces that secret, as every opening did before EnrollMaxAge. Sealed
// together, neither the time nor the owner can be changed alone. A
// pending secret sealed without them (before EnrollMaxAge) counts as
// expired.

// enrolOwner names the browser of an enrolment: its pending sign-in st,
// else its session s (nil: "", a caller without either).
func (a *Auth) enrolOwner(rq *request, st *pendingState, s *Session) string {
	var id string
	switch {
	case st != nil:
		id = "pending:" + strconv.FormatInt(st.At, 10)
	case s == nil:
		return ""
	case s.Token != nil:
		id = "jwt:" + tokenSessionID(s.Token)
	default:
		id = "database:" + cookie.Value(rq.r, rq.cookies.SessionToken.Name)
	}
	sum := sha256.Sum256([]byte(id))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// enrolTOTP is EnrollTOTP (fresh false) and NewTOTPEnrolment (fresh true)
// for the browser owner. Of requests of one browser at once, those that
// may keep a live pending secret show the one stored first, so two tabs
// opened together get one secret; a fresh one replaces only the secret it
// found when it began, not one another request wrote meanwhile.
func (a *Auth) enrolTOTP(ctx context.Context, u *User, owner string, fresh bool) (*account.TOTPEnrolment, error) {
	tf := a.twoFactor
	now := a.now()
	if !fresh {
		// The page opened again: one read, no write.
		rec, err := tf.store.GetSecondFactor(ctx, u.ID)
		if err != nil {
			return nil, &Error{Type: AdapterError, Err: err}
		}
		if rec != nil && rec.TOTPSecret != "" {
			return nil, errAlreadyEnabled()
		}
		if secret, ok := a.livePending(u.ID, rec, owner, now); ok {
			return a.totpKey(u, secret)
		}
	}
	var shown, made, found string
	first := true
	_, err := a.updateFactor(ctx, u.ID, func(f *adapter.SecondFactor) error {
		if f.TOTPSecret != "" {
			return errAlreadyEnabled()
		}
		if first {
			found, first = f.PendingSecret, false
		}
		if secret, ok := a.livePending(u.ID, f, owner, now); ok && (!fresh || f.PendingSecret != found) {
			shown = secret
			return errNoChange
		}
		if made == "" {
			secret, _, err := tf.cfg.TOTP.Key(tf.cfg.Issuer, totpAccount(u), "")
			if err != nil {
				return errorf(Configuration, "TOTP secret: %w", err)
			}
			made = secret
		}
		shown, f.PendingSecret = made, a.sealPending(u.ID, owner, made, now)
		return nil
	})
	if err != nil && !errors.Is(err, errNoChange) {
		return nil, err
	}
	return a.totpKey(u, shown)
}

// sealPending seals secret as userID's pending secret, shown to owner at
// at.
func (a *Auth) sealPending(userID, owner, secret string, at time.Time) string {
	return a.twoFactor.keys.Seal(userID, strconv.FormatInt(at.UnixMicro(), 10)+":"+owner+":"+secret)
}

// openPending returns the secret of the pending enrolment of f (userID's
// record, nil for none), its owner and whether it began less than
// EnrollMaxAge before now; ok is false when there is none, it expired or
// cannot be opened.
func (a *Auth) openPending(userID string, f *adapter.SecondFactor, now time.Time) (secret, owner string, ok bool) {
	if f == nil || f.PendingSecret == "" {
		return "", "", false
	}
	plain, _, err := a.twoFactor.keys.Open(userID, f.PendingSecret)
	if err != nil {
		return "", "", false
	}
	parts := strings.SplitN(plain, ":", 3)
	if len(parts) != 3 || parts[2] == "" {
		return "", "", false
	}
	began, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return "", "", false
	}
	return parts[2], parts[1], now.Before(time.UnixMicro(began).Add(a.twoFactor.cfg.EnrollMaxAge))
}

// livePending is the secret of f's live pending enrolment when owner
// opened it.
func (a *Auth) livePending(userID string, f *adapter.SecondFactor, owner string, now time.Time) (string, bool) {
	secret, o, ok := a.openPending(userID, f, now)
	return secret, ok && o == owner
}

// totpAccount is the account name of u in the authenticator app.
func totpAccount(u *User) string {
	if u.Email != "" {
		return u.Email
	}
	return u.ID
}

// totpKey returns the enrolment of secret for u.
func (a *Auth) totpKey(u *User, secret string) (*account.TOTPEnrolment, error) {
	tf := a.twoFactor
	secret, uri, err := tf.cfg.TOTP.Key(tf.cfg.Issuer, totpAccount(u), secret)
	if err != nil {
		return nil, errorf(Configuration, "TOTP secret: %w", err)
	}
	png, err := tf.cfg.TOTP.QRCode(uri)
	if err != nil {
		return nil, errorf(Configuration, "QR code: %w", err)
	}
	return &account.TOTPEnrolment{Secret: secret, URI: uri, QRCode: png}, nil
}

// ConfirmTOTP turns u's pending enrolment on with its first code and
// returns the user's new backup codes, to show once. r is the request of
// the app's form (its client is rate limited). A wrong code leaves
// nothing changed; of two confirmations at once, one wins and the other
// is refused (code "no_enrolment"), as is a confirmation after
// TwoFactorConfig.EnrollMaxAge (EnrollTOTP then makes a new secret).
// u is the app's to vouch for: the endpoint (POST two-factor/enroll)
// takes only a session that signed in within PasswordOptions.ReauthMaxAge
// (account.DefaultReauthMaxAge without password accounts), and an app's
// own form should ask as much.
func (a *Auth) ConfirmTOTP(r *http.Request, u *User, code string) ([]string, error) {
	if a.twoFactor == nil {
		return nil, errTwoFactorOff()
	}
	return a.confirmTOTP(a.newRequest(r), u, code, 0)
}

func (a *Auth) confirmTOTP(rq *request, u *User, code string, pendingAt int64) ([]string, error) {
	ctx := rq.r.Context()
	att, err := a.codeAttempt(rq.r, "enroll", u.ID)
	if err != nil {
		return nil, err
	}
	var codes []string
	now := a.now()
	_, err = a.updateFactor(ctx, u.ID, func(f *adapter.SecondFactor) error {
		secret, _, ok := a.openPending(u.ID, f, now)
		if !ok {
			return errNoEnrolment()
		}
		step, err := a.verifyTOTP(f, secret, code)
		if err != nil {
			return err
		}
		var hashes []string
		codes, hashes = a.twoFactor.keys.NewBackupCodes(backupCodeCount)
		sealed := a.twoFactor.keys.Seal(u.ID, secret)
		f.TOTPSecret, f.PendingSecret, f.LastStep, f.BackupCodes, f.TrustedSince = sealed, "", step, hashes, now
		if pendingAt > f.SpentBefore.UnixMicro() {
			f.SpentBefore = time.UnixMicro(pendingAt)
		}
		return nil
	})
	if err != nil {
		a.codeFailed(ctx, rq, "enroll", u.ID, err)
		return nil, err
	}
	att.passed(ctx)
	a.log.InfoContext(ctx, "authgo: second factor turned on", "identifier_hash", a.signIns.identifierHash(u.ID))
	return codes, nil
}

// proveForChange checks that the user of s may change the factor: code
// is right (spent), or s began less than FreshAuthMaxAge ago.
func (a *Auth) proveForChange(rq *request, s *Session, code string) error {
	if code == "" && a.signedInWithin(s, a.twoFactor.cfg.FreshAuthMaxAge) {
		return nil
	}
	_, err := a.checkCode(rq, "change", s.User.ID, code, 0)
	return err
}

// NewBackupCodes replaces the backup codes of the signed-in user of r
// with new ones and returns them, to show once. code is a current TOTP or
// backup code; "" is accepted when the user signed in less than
// TwoFactorConfig.FreshAuthMaxAge ago.
func (a *Auth) NewBackupCodes(r *http.Request, code string) ([]string, error) {
	rq, s, err := a.factorSession(r)
	if err != nil {
		return nil, err
	}
	if err := a.proveForChange(rq, s, code); err != nil {
		return nil, err
	}
	var codes []string
	_, err = a.updateFactor(r.Context(), s.User.ID, func(f *adapter.SecondFactor) error {
		if f.TOTPSecret == "" {
			return errNoFactor()
		}
		codes, f.BackupCodes = a.twoFactor.keys.NewBackupCodes(backupCodeCount)
		return nil
	})
	if err == nil {
		a.log.InfoContext(r.Context(), "authgo: new backup codes", "identifier_hash", a.signIns.identifierHash(s.User.ID))
	}
	return codes, err
}

// DisableTwoFactor turns the second factor of the signed-in user of r off:
// the secret and the backup codes go, trusted devices are forgotten. code
// is as for NewBackupCodes. A user whom policy requires a factor of gets
// AccessDenied (code "required").
func (a *Auth) DisableTwoFactor(r *http.Request, code string) error {
	rq, s, err := a.factorSession(r)
	if err != nil {
		return err
	}
	if a.factorRequired(r.Context(), sessionUser(s)) {
		return &Error{Type: AccessDenied, Code: "required"}
	}
	if err := a.proveForChange(rq, s, code); err != nil {
		return err
	}
	now := a.now()
	_, err = a.updateFactor(r.Context(), s.User.ID, func(f *adapter.SecondFactor) error {
		if f.TOTPSecret == "" && f.PendingSecret == "" {
			return errNoFactor()
		}
		f.TOTPSecret, f.PendingSecret, f.BackupCodes, f.TrustedSince = "", "", nil, now
		return nil
	})
	if err == nil {
		a.log.InfoContext(r.Context(), "authgo: second factor turned off", "identifier_hash", a.signIns.identifierHash(s.User.ID))
	}
	return err
}

// factorSession reads the session of r for a change of its user's factor.
func (a *Auth) factorSession(r *http.Request) (*request, *Session, error) {
	if a.twoFactor == nil {
		return nil, nil, errTwoFactorOff()
	}
	s, err := a.Session(nil, r)
	if err != nil {
		return nil, nil, err
	}
	if s == nil || s.User == nil || s.User.ID == "" {
		return nil, nil, &Error{Type: AccessDenied, Code: "signed_out"}
	}
	rq := a.newRequest(r)
	return rq, s, nil
}
