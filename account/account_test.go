package account

import (
	"errors"
	"fmt"
	"testing"
)

// An *Error reads as the root's errors do and is found by errors.As
// through wrapping.
func TestErrorMessage(t *testing.T) {
	e := &Error{Status: 400, Code: "weak_password", Message: "Choose another password."}
	if got, want := e.Error(), "authgo: weak_password: Choose another password."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var ae *Error
	if !errors.As(fmt.Errorf("sign-up: %w", e), &ae) || ae != e {
		t.Errorf("errors.As did not find the *Error")
	}
}
