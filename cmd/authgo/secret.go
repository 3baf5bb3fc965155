package main

import (
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"

	"github.com/authgo/authgo/cmd/authgo/internal/cli"
)

// secretBytes is the size of a new secret: 256 bits, as `npx auth secret`
// makes.
const secretBytes = 32

// runSecret is `authgo secret`: it prints 32 random bytes from crypto/rand
// in base64 on one line, ready for AUTH_SECRET.
func runSecret(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("authgo secret", flag.ContinueOnError)
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: authgo secret\n\nPrints a new random secret (32 bytes, base64) for AUTH_SECRET.")
	}
	if code, ok := cli.Parse(fs, args, usage, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		// The argument is not echoed: it may be a secret pasted by mistake.
		fmt.Fprintf(stderr, "authgo secret: takes no arguments, got %d; it prints a new secret to put in AUTH_SECRET\n\n", fs.NArg())
		cli.Usage(fs, usage, stderr)
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
