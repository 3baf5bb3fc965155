package password_test

import (
	"errors"
	"fmt"

	"github.com/authgo/authgo/password"
)

// checkPassword is the password check of a sign-in: Verify for a known
// account, DummyVerify for an unknown one, so both take as long and, when
// the process is hashing as much as it allows, both fail alike with
// ErrBusy (authgo answers that 503 with Retry-After).
func checkPassword(stored, pw string) (bool, error) {
	if stored == "" {
		return password.DummyVerify(pw)
	}
	return password.Verify(pw, stored)
}

func Example() {
	stored, _ := password.Hash("correct horse battery staple")
	ok, err := checkPassword(stored, "correct horse battery staple")
	fmt.Println(ok, err)
	ok, err = checkPassword("", "a guess")
	fmt.Println(ok, err)

	// Every slot taken (here by hand): a check fails at once.
	prev := password.SetMaxConcurrent(1)
	defer password.SetMaxConcurrent(prev)
	release, _ := password.Acquire()
	_, err = checkPassword(stored, "correct horse battery staple")
	fmt.Println(errors.Is(err, password.ErrBusy))
	release()
	// Output:
	// true <nil>
	// false <nil>
	// true
}
