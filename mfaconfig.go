package authgo

import (
	"context"
	"net/url"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/factor"
	"github.com/authgo/authgo/ratelimit"
)

// TwoFactorConfig configures the second factor: an authenticator app
// (TOTP, RFC 6238), single-use backup codes and trusted devices, enforced
// at the end of every first factor (credentials, OAuth, email links and
// codes, password accounts; a passkey with user verification counts as
// both factors). After the first factor the user holds only a signed,
// short-lived "second factor pending" cookie, no session; the session is
// issued when the code is right.
//
// Leave TOTP nil (the default) and the second factor is off: sign-ins
// issue sessions at once and the session JSON stays Auth.js's.
type TwoFactorConfig struct {
	// TOTP makes and checks the authenticator app's codes: mfa.TOTP{} of
	// the module github.com/authgo/authgo/mfa (a module of its own, so
	// that pquerna/otp and its QR code library stay out of the graph of
	// apps without a second factor). Nil (default): off.
	TOTP TOTP
	// Store keeps each user's factor (the sealed secret, hashed backup
	// codes, the last used code). Default: the Adapter, when it implements
	// adapter.SecondFactorStore (the memory and SQL adapters do; the Redis
	// store keeps no users, so none there);
	// New fails when TOTP is set and there is none.
	Store adapter.SecondFactorStore
	// Issuer names the app in the authenticator app. Default: the host of
	// Config.URL, else "authgo".
	Issuer string
	// Required is the per-user policy: it reports whether u must use a
	// second factor (say, u.Role == "admin"). A user it requires who has
	// none is sent to set one up before a session is issued, and cannot
	// turn it off. Default: nil, only users who enrolled.
	Required func(ctx context.Context, u *User) bool
	// RequiredForAll requires a second factor of every user (an org-wide
	// policy), as Required returning true would. Default false.
	RequiredForAll bool
	// PendingMaxAge is how long a user has, after the first factor, to
	// give the second. Default 5 minutes.
	PendingMaxAge time.Duration
	// EnrollMaxAge is how long a secret being set up stays the one shown
	// and the one its first code confirms: opening the enrolment again
	// within it (a second tab, a reload: GET two-factor/enroll, EnrollTOTP)
	// shows the same secret to the browser it was shown to, so a QR code
	// scanned already keeps working, and writes nothing; another browser,
	// or the first opening after it, gets a new secret. Default 10
	// minutes.
	EnrollMaxAge time.Duration
	// TrustedDeviceMaxAge is how long "don't ask again on this device"
	// lasts: a signed cookie bound to the user, refused once the user
	// signs out everywhere (RevokeUserSessions) or changes the factor.
	// Default 30 days; negative: the box is not offered.
	TrustedDeviceMaxAge time.Duration
	// PerUser limits wrong codes for one user, from every client
	// (counted atomically before the code is checked, as for passwords:
	// RateLimitConfig). Default 5 per 15 minutes. The limit per client is
	// RateLimitConfig.PerIP. Both are off when RateLimit.Disabled is set.
	PerUser ratelimit.Limit
	// FreshAuthMaxAge is how recent a sign-in must be for turning the
	// factor off or making new backup codes without a code. Default 5
	// minutes.
	FreshAuthMaxAge time.Duration
}

// TOTP is the engine of authenticator-app codes (RFC 6238). mfa.TOTP
// implements it on github.com/pquerna/otp.
type TOTP interface {
	// Key returns the otpauth:// URI of secret (base32) for issuer and
	// account; an empty secret is replaced by a new random one, returned.
	Key(issuer, account, secret string) (string, string, error)
	// QRCode returns a PNG image of the QR code of uri.
	QRCode(uri string) ([]byte, error)
	// Verify reports whether code is the secret's code of the time step of
	// t or of one step before or after it (RFC 6238 §5.2 clock skew), and
	// which step (the counter T) it matched.
	Verify(secret, code string, t time.Time) (step int64, ok bool)
}

// backupCodeCount is the number of backup codes a user gets.
const backupCodeCount = 10

// normalizeTwoFactor fills the second factor's defaults and checks it.
func (c *Config) normalizeTwoFactor() error {
	t := &c.TwoFactor
	if t.TOTP == nil {
		if t.Required != nil || t.RequiredForAll || t.Store != nil {
			return configErr("TwoFactor: Required, RequiredForAll and Store need TwoFactor.TOTP (mfa.TOTP{} of github.com/authgo/authgo/mfa)")
		}
		return nil
	}
	if t.Store == nil {
		s, ok := c.Adapter.(adapter.SecondFactorStore)
		if !ok {
			return configErr("TwoFactor needs a store: set TwoFactor.Store, or an Adapter that implements adapter.SecondFactorStore (memory, SQL)")
		}
		t.Store = s
	}
	if t.Issuer == "" {
		t.Issuer = "authgo"
		if c.URL != "" {
			if u, err := url.Parse(c.URL); err == nil && u.Hostname() != "" {
				t.Issuer = u.Hostname()
			}
		}
	}
	if t.PendingMaxAge <= 0 {
		t.PendingMaxAge = 5 * time.Minute
	}
	if t.EnrollMaxAge <= 0 {
		t.EnrollMaxAge = 10 * time.Minute
	}
	if t.TrustedDeviceMaxAge == 0 {
		t.TrustedDeviceMaxAge = 30 * 24 * time.Hour
	}
	if t.FreshAuthMaxAge <= 0 {
		t.FreshAuthMaxAge = 5 * time.Minute
	}
	if t.PerUser == (ratelimit.Limit{}) {
		t.PerUser = ratelimit.Limit{Events: 5, Per: 15 * time.Minute}
	}
	return nil
}

// twoFactor is the running second factor of an Auth.
type twoFactor struct {
	cfg   TwoFactorConfig
	keys  *factor.Keys
	store adapter.SecondFactorStore
}

func newTwoFactor(c Config) (*twoFactor, error) {
	if c.TwoFactor.TOTP == nil {
		return nil, nil
	}
	keys, err := factor.NewKeys(c.Secret)
	if err != nil {
		return nil, configErr("TwoFactor: %v", err)
	}
	return &twoFactor{cfg: c.TwoFactor, keys: keys, store: c.TwoFactor.Store}, nil
}
