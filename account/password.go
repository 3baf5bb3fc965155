package account

import (
	"time"

	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/password"
)

// PasswordOptions configure the password accounts of an
// authgo.PasswordProvider (providers.Password). Sender is required;
// authgo.New fills in the other defaults and checks them.
type PasswordOptions struct {
	// Sender sends the account mail (verification, reset, notices).
	// Required.
	Sender email.Sender
	// From is the sender address. Default email.DefaultFrom.
	From string
	// Theme styles the mail. Default: authgo.Config.Theme's colours and
	// logo.
	Theme *email.Theme
	// Policy is what a new password must satisfy. Default: 8 to 128
	// characters, no breach check (set Policy.Breached, e.g.
	// password.PwnedPasswords{} or a password.BreachedList).
	Policy password.Policy
	// Hasher hashes new passwords (argon2id). Default: the zero Hasher,
	// OWASP's parameters.
	Hasher password.Hasher
	// RequireEmailVerification refuses a password sign-in until the
	// address is verified (no session before); the refusal has the code
	// "email_unverified" and mails a fresh link. Default false: a new
	// user may sign in at once and verify later.
	RequireEmailVerification bool
	// VerifyMaxAge is how long a verification or change-of-email link
	// lasts. Default DefaultVerifyMaxAge; a code lasts at most
	// email.MaxCodeAge.
	VerifyMaxAge time.Duration
	// ResetMaxAge is how long a reset link lasts, at most (and by default)
	// MaxResetMaxAge.
	ResetMaxAge time.Duration
	// ReauthMaxAge: see DefaultReauthMaxAge.
	ReauthMaxAge time.Duration
	// NormalizeIdentifier turns what the user typed into the stored
	// address. Default email.NormalizeIdentifier.
	NormalizeIdentifier func(string) (string, error)
	// SendLimits bound the mail sent (sign-ups, resends, resets, changes
	// of address). Defaults as email.Options.SendLimits.
	SendLimits email.SendLimits
}
