package factor

import (
	"crypto/rand"
	"strings"
)

// A backup code is 10 characters of an alphabet without look-alikes
// (no 0/o, 1/l/i), 50 bits, shown as two groups of five: "k7m2q-x9rtd".
// Codes are stored as HMAC-SHA256 under a key derived from the auth
// secret, so a copy of the database alone does not let anyone test
// guesses offline.
const (
	codeAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"
	codeLen      = 10
)

// NewBackupCodes returns n fresh codes to show the user once, and the
// hashes to store.
func (k *Keys) NewBackupCodes(n int) (codes, hashes []string) {
	for range n {
		b := make([]byte, codeLen)
		for i := range b {
			b[i] = codeAlphabet[randIndex(len(codeAlphabet))]
		}
		c := string(b)
		codes = append(codes, c[:5]+"-"+c[5:])
		hashes = append(hashes, k.hash(0, c))
	}
	return codes, hashes
}

// randIndex returns a uniform index below n (n < 256), by rejection.
func randIndex(n int) int {
	limit := 256 - 256%n
	var b [1]byte
	for {
		_, _ = rand.Read(b[:])
		if int(b[0]) < limit {
			return int(b[0]) % n
		}
	}
}

// NormalizeBackupCode reads a code as a user may type it: any case, with
// or without the dash, with spaces. ok is false when it cannot be a code.
func NormalizeBackupCode(s string) (string, bool) {
	if len(s) > 32 {
		return "", false
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '-' || r == ' ':
		case strings.ContainsRune(codeAlphabet, r):
			b.WriteRune(r)
		default:
			return "", false
		}
	}
	if b.Len() != codeLen {
		return "", false
	}
	return b.String(), true
}

// MatchBackupCode returns the index in hashes of the code typed (under any
// key), or -1. Every stored hash is compared under every key, in constant
// time each, whatever matched.
func (k *Keys) MatchBackupCode(typed string, hashes []string) int {
	code, ok := NormalizeBackupCode(typed)
	if !ok {
		return -1
	}
	found := -1
	for i := range k.mac {
		h := k.hash(i, code)
		for j, stored := range hashes {
			if equal(h, stored) && found < 0 {
				found = j
			}
		}
	}
	return found
}
