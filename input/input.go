// Package input holds the rules the fields of a credentials sign-in pass
// before the provider's Authorize runs (providers.CredentialsConfig.Input):
// how long a password may be, and whether an email field must be a plain
// address and reaches Authorize in its email.Normalize form.
//
//	providers.Credentials(providers.CredentialsConfig{
//		Authorize: authorize,
//		Input:     input.Rules{MinPasswordLen: 12, Email: input.EmailChecked},
//	})
//
// The zero Rules are the default for new apps; providers.InputAsIs gives
// the rules for the users of an existing backend.
package input

import "fmt"

// Rules are the checks the fields of a credentials sign-in pass before
// Authorize runs, by each field's declared Type. A field that fails one
// gets a message that speaks only of its syntax (the built-in sign-in page
// shows it beside the field; JSON clients get it in "fields"), the sign-in
// fails with CredentialsSignin and code "invalid_input", and Authorize
// never runs.
//
// The zero value is the default for new apps: a field of type "email" must
// hold a plain address and Authorize receives its email.Normalize form
// (NFKC, trimmed, lower case); a field of type "password" must hold at
// least 8 characters and at most 1024 bytes. An app signing in the users
// of an existing backend (shorter passwords, case-sensitive addresses)
// uses providers.InputAsIs, which passes every field through untouched.
//
// Whatever the rules: a field whose authgo.Field.Required is set must not
// be empty; no submitted value may exceed 1024 bytes (as
// password.MaxLength); and the identifier that rate limits count and logs
// hash is folded as email.Normalize folds, so "Ada@Example.com" and
// "ada@example.com" share one budget even when Authorize receives them as
// typed.
type Rules struct {
	// MinPasswordLen is the fewest characters (Unicode code points) a
	// field of type "password" must hold. Default 8; a negative value
	// sets no minimum beyond authgo.Field.Required.
	MinPasswordLen int
	// MaxPasswordLen is the most bytes a field of type "password" may
	// hold. Default 1024, which is also the most it may be set to
	// (password.MaxLength).
	MaxPasswordLen int
	// Email says what happens to a field of type "email". Default
	// EmailNormalized.
	Email Email
}

// Email says what a credentials sign-in does with a field of type "email"
// before Authorize runs.
type Email int

const (
	// EmailNormalized refuses a value that is not a plain address and
	// gives Authorize its email.Normalize form: "  Ada@Example.COM" arrives
	// as "ada@example.com". The default.
	EmailNormalized Email = iota
	// EmailChecked refuses a value that is not a plain address (as
	// email.Normalize judges it) and gives Authorize the value as
	// submitted, byte for byte: for a backend that compares addresses
	// case-sensitively but wants typos caught on the form.
	EmailChecked
	// EmailAsIs checks nothing and gives Authorize the value as
	// submitted.
	EmailAsIs
)

// Provider is implemented by credentials providers that set their own
// Rules (providers.CredentialsConfig.Input does). For a credentials
// provider without it, the zero Rules apply.
type Provider interface {
	InputRules() Rules
}

// The limits that Rules' zero value stands for.
const (
	defaultMinPasswordLen = 8    // characters
	maxPasswordLen        = 1024 // bytes, as password.MaxLength and authgo's bound on every field
)

// Validate reports rules that cannot work: a MaxPasswordLen above 1024 or
// below 0, a MinPasswordLen above the maximum, an unknown Email value. A
// credentials provider that carries Rules calls it from its own Validate,
// so authgo.New refuses such a configuration.
func (r Rules) Validate() error {
	r = r.WithDefaults()
	switch {
	case r.MaxPasswordLen < 0 || r.MaxPasswordLen > maxPasswordLen:
		return fmt.Errorf("MaxPasswordLen is %d; use 1 to %d bytes, or 0 for the default %[2]d", r.MaxPasswordLen, maxPasswordLen)
	case r.MinPasswordLen > r.MaxPasswordLen:
		return fmt.Errorf("MinPasswordLen %d is above MaxPasswordLen %d: no password could pass", r.MinPasswordLen, r.MaxPasswordLen)
	case r.Email < EmailNormalized || r.Email > EmailAsIs:
		return fmt.Errorf("Email is %d; use input.EmailNormalized, EmailChecked or EmailAsIs", r.Email)
	}
	return nil
}

// WithDefaults returns r with the fields left zero set to their defaults:
// MinPasswordLen 8, MaxPasswordLen 1024.
func (r Rules) WithDefaults() Rules {
	if r.MinPasswordLen == 0 {
		r.MinPasswordLen = defaultMinPasswordLen
	}
	if r.MaxPasswordLen == 0 {
		r.MaxPasswordLen = maxPasswordLen
	}
	return r
}
