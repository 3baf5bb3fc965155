package main

import (
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
)

// secretBytes is the size of a new secret: 256 bits, as `npx auth secret`
// makes.
const secretBytes = 32

// runSecret is `authgo secret`: it prints 32 random bytes from crypto/rand
// in base64 on one line, ready for AUTH_SECRET.
func runSecret(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("authgo secret", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: authgo secret\n\nPrints a new random secret (32 bytes, base64) for AUTH_SECRET.")
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	s, err := newSecret()
	if err != nil {
		fmt.Fprintln(stderr, "authgo secret:", err)
		return 1
	}
	fmt.Fprintln(stdout, s)
	return 0
}

func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
