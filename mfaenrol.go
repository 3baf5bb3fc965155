package authgo

import (
	"context"
	"net/http"
	"time"

	"github.com/authgo/authgo/adapter"
)

// Setting the factor up, turning it off and new backup codes: the Go
// functions an app's own forms call (the endpoints over them are in
// mfaenrolhttp.go).

// TwoFactorStatus is a user's second factor as an app shows it.
type TwoFactorStatus struct {
	// Enabled: the user has a confirmed authenticator app.
	Enabled bool `json:"enabled"`
	// BackupCodes is the number of unused backup codes.
	BackupCodes int `json:"backupCodes"`
	// Required: policy requires a second factor of the user
	// (TwoFactorConfig.Required, RequiredForAll); it cannot be turned off.
	Required bool `json:"required"`
}

// TOTPEnrolment is an authenticator app being set up: show QRCode (a PNG)
// or Secret (to type) or URI (an otpauth:// link), then confirm with the
// first code (ConfirmTOTP). Until then the factor is not on.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRCode []byte `json:"qrCode"` // PNG; base64 in JSON
}

// errTwoFactorOff is the error of the second-factor functions when
// TwoFactorConfig.TOTP is not set.
func errTwoFactorOff() error {
	return errorf(Configuration, "the second factor is off: set TwoFactor.TOTP (mfa.TOTP{} of github.com/authgo/authgo/mfa)")
}

// TwoFactorStatus returns u's second factor.
func (a *Auth) TwoFactorStatus(ctx context.Context, u *User) (TwoFactorStatus, error) {
	if a.twoFactor == nil {
		return TwoFactorStatus{}, errTwoFactorOff()
	}
	rec, err := a.twoFactor.store.GetSecondFactor(ctx, u.ID)
	if err != nil {
		return TwoFactorStatus{}, &Error{Type: AdapterError, Err: err}
	}
	st := TwoFactorStatus{Required: a.factorRequired(ctx, u)}
	if rec != nil && rec.TOTPSecret != "" {
		st.Enabled, st.BackupCodes = true, len(rec.BackupCodes)
	}
	return st, nil
}

// EnrollTOTP starts setting up an authenticator app for u: a new secret,
// stored sealed as u's pending enrolment (replacing an earlier unconfirmed
// one). A user whose factor is on already gets an AccessDenied *Error
// (code "already_enabled"): turn it off first.
func (a *Auth) EnrollTOTP(ctx context.Context, u *User) (*TOTPEnrolment, error) {
	tf := a.twoFactor
	if tf == nil {
		return nil, errTwoFactorOff()
	}
	e, err := a.totpKey(u, "")
	if err != nil {
		return nil, err
	}
	_, err = a.updateFactor(ctx, u.ID, func(f *adapter.SecondFactor) error {
		if f.TOTPSecret != "" {
			return &Error{Type: AccessDenied, Code: "already_enabled"}
		}
		f.PendingSecret = tf.keys.Seal(u.ID, e.Secret)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// totpKey returns the enrolment of secret for u ("": a new secret).
func (a *Auth) totpKey(u *User, secret string) (*TOTPEnrolment, error) {
	tf := a.twoFactor
	account := u.Email
	if account == "" {
		account = u.ID
	}
	secret, uri, err := tf.cfg.TOTP.Key(tf.cfg.Issuer, account, secret)
	if err != nil {
		return nil, errorf(Configuration, "TOTP secret: %w", err)
	}
	png, err := tf.cfg.TOTP.QRCode(uri)
	if err != nil {
		return nil, errorf(Configuration, "QR code: %w", err)
	}
	return &TOTPEnrolment{Secret: secret, URI: uri, QRCode: png}, nil
}

// pendingEnrolment is u's enrolment in progress, for the page again after
// a wrong first code; nil when there is none.
func (a *Auth) pendingEnrolment(ctx context.Context, u *User) (*TOTPEnrolment, error) {
	rec, err := a.twoFactor.store.GetSecondFactor(ctx, u.ID)
	if err != nil {
		return nil, &Error{Type: AdapterError, Err: err}
	}
	if rec == nil || rec.PendingSecret == "" {
		return nil, nil
	}
	secret, _, err := a.twoFactor.keys.Open(u.ID, rec.PendingSecret)
	if err != nil {
		return nil, nil
	}
	return a.totpKey(u, secret)
}

// ConfirmTOTP turns u's pending enrolment on with its first code and
// returns the user's new backup codes, to show once. r is the request of
// the app's form (its client is rate limited). A wrong code leaves
// nothing changed; of two confirmations at once, one wins and the other
// is refused (code "no_enrolment").
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
		if f.PendingSecret == "" {
			return errNoEnrolment()
		}
		step, err := a.matchTOTP(f, f.PendingSecret, code)
		if err != nil {
			return err
		}
		var hashes []string
		codes, hashes = a.twoFactor.keys.NewBackupCodes(backupCodeCount)
		f.TOTPSecret, f.PendingSecret, f.LastStep, f.BackupCodes, f.TrustedSince = f.PendingSecret, "", step, hashes, now
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
	if code == "" && !s.AuthTime.IsZero() && a.now().Sub(s.AuthTime) < a.twoFactor.cfg.FreshAuthMaxAge {
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
