package password_test

import (
	"errors"
	"fmt"
	"strings"

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

// Hash makes what the app stores when a user sets a password (a PHC
// string with its parameters and salt); Verify checks a sign-in against it,
// and NeedsRehash says when a sign-in should store a fresh Hash (an
// imported bcrypt hash, older parameters).
func ExampleHash() {
	stored, err := password.Hash("correct horse battery staple")
	if err != nil {
		panic(err) // ErrBusy, or an empty password or one over MaxLength
	}
	fields := strings.Split(stored, "$") // "", algorithm, version, parameters, salt, hash
	fmt.Println(strings.Join(fields[:4], "$"))
	ok, _ := password.Verify("correct horse battery staple", stored)
	fmt.Println(ok, password.NeedsRehash(stored))
	ok, _ = password.Verify("Correct horse battery staple", stored)
	fmt.Println(ok)
	// Output:
	// $argon2id$v=19$m=19456,t=2,p=1
	// true false
	// false
}
