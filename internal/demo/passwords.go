package demo

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// TEMPORARY: package password (argon2id, bcrypt verification) is being
// written by another engineer; until it lands the demo hashes with
// PBKDF2-HMAC-SHA256 from the standard library. Swap these three functions
// for password.Hash, password.Verify and its equal-time helper.

const pbkdf2Iterations = 210_000 // OWASP's 2023 figure for PBKDF2-HMAC-SHA256

var errNoPassword = errors.New("no password for the demo users")

func hashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key, err := pbkdf2.Key(sha256.New, pw, salt, pbkdf2Iterations, 32)
	if err != nil {
		return "", err
	}
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$pbkdf2-sha256$i=%d$%s$%s", pbkdf2Iterations, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

func verifyPassword(pw, hash string) (ok, rehash bool, err error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 5 || parts[1] != "pbkdf2-sha256" || !strings.HasPrefix(parts[2], "i=") {
		return false, false, errors.New("unknown hash format")
	}
	iter, err := strconv.Atoi(parts[2][2:])
	if err != nil || iter < 1 || iter > 10_000_000 {
		return false, false, errors.New("bad iteration count")
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[3])
	want, err2 := enc.DecodeString(parts[4])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false, false, errors.New("bad hash encoding")
	}
	got, err := pbkdf2.Key(sha256.New, pw, salt, iter, len(want))
	if err != nil {
		return false, false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, iter < pbkdf2Iterations, nil
}

var dummyHash, _ = hashPassword("not the password of anyone")

func verifyNoUser(pw string) { _, _, _ = verifyPassword(pw, dummyHash) }
