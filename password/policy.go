package password

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Defaults of Policy.
const (
	// DefaultMinLength is the fewest characters a password may have, as
	// NIST SP 800-63B and ASVS 2.1.1 ask: 8.
	DefaultMinLength = 8
	// DefaultMaxLength is the most characters a password may have: 128,
	// so a pass phrase of 64 characters or more fits (ASVS 2.1.2) and
	// no hash works on more than 512 bytes.
	DefaultMaxLength = 128
)

// Reasons a Policy refuses a password; compare with errors.Is.
var (
	// ErrTooShort: fewer than MinLength characters.
	ErrTooShort = errors.New("password: too short")
	// ErrTooLong: more than MaxLength characters (or MaxLength bytes).
	ErrTooLong = errors.New("password: too long")
	// ErrBreached: the password is known from a breach.
	ErrBreached = errors.New("password: found in a data breach")
	// ErrInvalid: not valid UTF-8, or a control character.
	ErrInvalid = errors.New("password: invalid characters")
)

// Policy is what a new password must satisfy. The zero Policy allows 8 to
// 128 characters and checks no breach list. Composition rules (a digit, a
// capital) are deliberately absent: NIST SP 800-63B advises against them.
type Policy struct {
	// MinLength is the fewest characters (after Normalize). Default
	// DefaultMinLength.
	MinLength int
	// MaxLength is the most characters (after Normalize); at most
	// MaxLength bytes in any case. Default DefaultMaxLength.
	MaxLength int
	// Breached, when set, refuses passwords it knows from a breach, e.g.
	// a PwnedPasswords client or a BreachedList. Default none.
	Breached Breached
	// FailClosed refuses every new password while Breached fails (the
	// service is down). Default false: the password is accepted and the
	// error is returned from Check wrapped in a *BreachCheckError so the
	// caller can log it.
	FailClosed bool
}

// BreachCheckError reports that the breach check failed and the password
// was accepted without it (Policy.FailClosed unset). Check returns it with
// a password that is otherwise fine.
type BreachCheckError struct{ Err error }

func (e *BreachCheckError) Error() string { return "password: breach check failed: " + e.Err.Error() }

// Unwrap returns the checker's error.
func (e *BreachCheckError) Unwrap() error { return e.Err }

// Normalize returns the form of a password that is hashed and checked:
// Unicode NFKC, so that the same password typed on another keyboard or
// operating system (a composed "é" or "e" + combining accent, a full-width
// digit) hashes alike (NIST SP 800-63B 5.1.1.2). Invalid UTF-8 is returned
// as it is, for Check to refuse.
func Normalize(password string) string {
	if !utf8.ValidString(password) {
		return password
	}
	return norm.NFKC.String(password)
}

// Check reports whether password (already Normalized) may be set as a new
// password: nil when it may; an error wrapping ErrTooShort, ErrTooLong,
// ErrInvalid or ErrBreached when not. With a Breached checker that fails,
// it returns a *BreachCheckError: the password is acceptable unless
// FailClosed is set, in which case the error wraps ErrBreached too.
func (p Policy) Check(ctx context.Context, password string) error {
	lo, hi := p.MinLength, p.MaxLength
	if lo <= 0 {
		lo = DefaultMinLength
	}
	if hi <= 0 {
		hi = DefaultMaxLength
	}
	if len(password) > MaxLength {
		return fmt.Errorf("%w: more than %d bytes", ErrTooLong, MaxLength)
	}
	if !utf8.ValidString(password) {
		return ErrInvalid
	}
	for _, r := range password {
		if r < 0x20 || r == 0x7f {
			return ErrInvalid
		}
	}
	switch n := utf8.RuneCountInString(password); {
	case n < lo:
		return fmt.Errorf("%w: at least %d characters", ErrTooShort, lo)
	case n > hi:
		return fmt.Errorf("%w: at most %d characters", ErrTooLong, hi)
	}
	if p.Breached == nil {
		return nil
	}
	found, err := p.Breached.Breached(ctx, password)
	switch {
	case err != nil && p.FailClosed:
		return fmt.Errorf("%w (not checked: %w)", ErrBreached, &BreachCheckError{Err: err})
	case err != nil:
		return &BreachCheckError{Err: err}
	case found:
		return ErrBreached
	}
	return nil
}

// Acceptable reports whether the error of Check lets the password be set:
// nil, or a breach check that failed open.
func Acceptable(err error) bool {
	var be *BreachCheckError
	return err == nil || (errors.As(err, &be) && !errors.Is(err, ErrBreached))
}
