// Package account holds what an app hands to and gets back from the
// account functions of an authgo.Auth: the settings of password accounts
// (PasswordOptions, for providers.Password), the sign-up form
// (SignUpInput) and the refusal of a password-account step (*Error), a
// user's passkeys (Passkey and the errors of renaming and deleting one),
// the state of the second factor (TwoFactorStatus, TOTPEnrolment) and the
// database sessions of a "your sessions" page (Session). The flows
// themselves are the methods of authgo.Auth (SignUp, ListPasskeys,
// EnrollTOTP, ListUserSessions, …); this package has no behaviour of its
// own, so an app's templates and handlers can name these types without
// the root package's API around them.
package account

import "time"

// Bounds and defaults of PasswordOptions, the settings of password
// accounts.
const (
	// DefaultVerifyMaxAge is how long an email verification link lasts.
	DefaultVerifyMaxAge = 24 * time.Hour
	// MaxResetMaxAge is how long a password reset link lasts at most, and
	// by default: one hour.
	MaxResetMaxAge = time.Hour
	// DefaultReauthMaxAge is how recent a sign-in must be for a user
	// without a password (OAuth, email) to set one, change the email or
	// delete the account without typing a password.
	DefaultReauthMaxAge = 10 * time.Minute
)

// SignUpInput is what a sign-up form submits, for authgo.Auth.SignUp.
type SignUpInput struct {
	Email    string
	Password string
	// Name is the display name; optional.
	Name string
}

// Error is the refusal of a password-account step for the client's input:
// a wrong current password, a weak new password, a used link. The JSON
// endpoints under <base>/account/ answer it as {"error": Code, "message":
// Message, "fields": Fields} with Status; the Go functions of authgo.Auth
// (SignUp, ChangePassword, …) return it, for errors.As. Codes:
// invalid_email, invalid_name, weak_password, invalid_token, invalid_code,
// code_burned, no_account, wrong_password, reauth_required,
// session_required, same_email, email_taken, conflict.
type Error struct {
	// Status is the HTTP status it is answered with (400, 401, 403 or
	// 409).
	Status int
	// Code is the machine-readable reason.
	Code string
	// Message is a sentence for the user.
	Message string
	// Fields holds a sentence per form field at fault; nil for none.
	Fields map[string]string
}

// Error returns "authgo: " + Code + ": " + Message.
func (e *Error) Error() string { return "authgo: " + e.Code + ": " + e.Message }
