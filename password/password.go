// Package password hashes passwords with argon2id and verifies argon2id and
// bcrypt hashes.
//
// New hashes are argon2id in the PHC string format
// ($argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>) with the parameters OWASP
// recommends. bcrypt hashes ($2a$, $2b$ and $2y$, as written by bcryptjs,
// PHP and most other libraries) are verified so users can be migrated: when
// Verify succeeds and NeedsRehash reports true, store a fresh Hash of the
// password.
//
// Passwords are never truncated. bcrypt reads only the first 72 bytes of a
// password, so Verify refuses longer passwords against a bcrypt hash with
// ErrPasswordTooLong instead of letting their first 72 bytes sign in. A
// user whose bcrypt hash was made from a longer password (bcryptjs cut it
// silently) cannot sign in with it and has to reset it.
//
// A sign-in for an account that does not exist should call DummyVerify, so
// it takes as long as a wrong password for one that does.
//
// Each argon2id hash takes about 19 MiB and a CPU for tens of
// milliseconds, so anyone who can post a login form could exhaust a server
// by posting many at once. The package computes argon2id itself (RFC 9106,
// byte for byte what golang.org/x/crypto/argon2 computes) so that a hash
// reuses a pooled work area instead of allocating 19 MiB, and gives the
// processor up every fraction of a millisecond: a flood of sign-ins then
// starts no garbage collections and never keeps a session read waiting for
// a CPU long. Hash, Verify and DummyVerify therefore compute
// at most a bounded number of hashes at a time in a process (see
// SetMaxConcurrent); past it they fail at once with ErrBusy instead of
// queuing, and the caller answers "try again shortly" (authgo turns an
// ErrBusy from a credentials provider into 503 with Retry-After).
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// MaxLength is the longest password, in bytes, that Hash and Verify accept.
// It guards against denial of service; an application's own policy should
// be tighter (ASVS 2.1.2 refuses more than 128 characters, which is at most
// 512 bytes of UTF-8).
const MaxLength = 1024

// bcryptMaxLength is the number of password bytes bcrypt uses.
const bcryptMaxLength = 72

// maxEncodedLength bounds a stored hash before it is parsed.
const maxEncodedLength = 512

// Errors returned by Hash and Verify; compare with errors.Is.
var (
	// ErrPasswordTooLong reports a password over MaxLength bytes, or over
	// bcrypt's 72 bytes when verified against a bcrypt hash.
	ErrPasswordTooLong = errors.New("password: password too long")
	// ErrEmptyPassword reports an attempt to hash an empty password.
	ErrEmptyPassword = errors.New("password: empty password")
	// ErrInvalidHash reports a stored hash that is malformed or has
	// parameters out of bounds.
	ErrInvalidHash = errors.New("password: invalid hash")
	// ErrUnsupportedHash reports a stored hash of a scheme or version this
	// package does not verify (argon2i, argon2d, $2x$, ...).
	ErrUnsupportedHash = errors.New("password: unsupported hash scheme")
	// ErrBusy reports that the process is already computing as many hashes
	// as SetMaxConcurrent allows. Nothing was computed; the attempt may be
	// repeated in a moment. Return it from an authgo credentials Authorize
	// function and authgo answers 503 with Retry-After.
	ErrBusy = errors.New("password: too many password hashes in progress")
)

// Params are argon2id parameters (RFC 9106).
type Params struct {
	// Memory is the memory cost in KiB.
	Memory uint32
	// Time is the number of passes over the memory.
	Time uint32
	// Threads is the degree of parallelism (lanes). This package computes
	// the lanes of one hash one after another in one goroutine, so that a
	// hash takes one CPU and one slot of the bound: more Threads make a
	// hash slower here, not faster, and 1 is the default.
	Threads uint8
	// SaltLength is the length of the random salt in bytes.
	SaltLength uint32
	// KeyLength is the length of the derived hash in bytes.
	KeyLength uint32
}

// DefaultParams returns the parameters a zero Hasher uses, OWASP's first
// argon2id recommendation: 19 MiB of memory, 2 passes, 1 thread, a 16-byte
// salt and a 32-byte hash.
func DefaultParams() Params {
	return Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLength: 16, KeyLength: 32}
}

// Bounds on parameters, for new hashes and for stored ones alike, so that a
// corrupted or planted hash cannot make one Verify take minutes or gigabytes.
const (
	maxMemory  = 4 << 20 // KiB: 4 GiB
	maxTime    = 256
	minSalt    = 8
	maxSalt    = 64
	minKey     = 16
	maxKey     = 128
	argonV19   = argonVersion
	argonIDTag = "argon2id"
)

// validate checks p against the bounds above.
func (p Params) validate() error {
	switch {
	case p.Threads < 1:
		return errors.New("threads must be at least 1")
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time must be between 1 and %d", maxTime)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("memory must be between 8 KiB per thread and %d KiB", maxMemory)
	case p.SaltLength < minSalt || p.SaltLength > maxSalt:
		return fmt.Errorf("salt length must be between %d and %d bytes", minSalt, maxSalt)
	case p.KeyLength < minKey || p.KeyLength > maxKey:
		return fmt.Errorf("key length must be between %d and %d bytes", minKey, maxKey)
	}
	return nil
}

// Hasher hashes passwords with its Params and verifies stored hashes. The
// zero Hasher uses DefaultParams. It is safe for concurrent use.
type Hasher struct {
	// Params are the argon2id parameters of new hashes, and the standard
	// NeedsRehash compares stored hashes with. Zero means DefaultParams.
	Params Params
}

func (h Hasher) params() Params {
	if h.Params == (Params{}) {
		return DefaultParams()
	}
	return h.Params
}

// Hash returns the argon2id PHC string of password with a fresh random
// salt. It fails for an empty password, one over MaxLength bytes, or
// parameters out of bounds.
func (h Hasher) Hash(password string) (string, error) {
	p := h.params()
	if err := p.validate(); err != nil {
		return "", fmt.Errorf("password: bad argon2id parameters: %v", err)
	}
	if password == "" {
		return "", ErrEmptyPassword
	}
	if len(password) > MaxLength {
		return "", ErrPasswordTooLong
	}
	salt := make([]byte, p.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	release, err := Acquire()
	if err != nil {
		return "", err
	}
	defer release()
	key := argon2id([]byte(password), salt, nil, nil, p.Time, p.Memory, p.Threads, p.KeyLength)
	return encodePHC(p, salt, key), nil
}

// encodePHC writes $argon2id$v=19$m=..,t=..,p=..$salt$hash, base64 without
// padding as the PHC string format specifies.
func encodePHC(p Params, salt, key []byte) string {
	var b strings.Builder
	b.WriteString("$" + argonIDTag + "$v=")
	b.WriteString(strconv.Itoa(argonV19))
	b.WriteString("$m=")
	b.WriteString(strconv.FormatUint(uint64(p.Memory), 10))
	b.WriteString(",t=")
	b.WriteString(strconv.FormatUint(uint64(p.Time), 10))
	b.WriteString(",p=")
	b.WriteString(strconv.FormatUint(uint64(p.Threads), 10))
	b.WriteString("$")
	b.WriteString(base64.RawStdEncoding.EncodeToString(salt))
	b.WriteString("$")
	b.WriteString(base64.RawStdEncoding.EncodeToString(key))
	return b.String()
}

// Verify reports whether password matches the stored hash encoded, an
// argon2id PHC string or a bcrypt hash ($2a$, $2b$, $2y$). A wrong password
// is (false, nil); errors are for hashes that cannot be checked
// (ErrInvalidHash, ErrUnsupportedHash) and passwords that are too long
// (ErrPasswordTooLong, also for over 72 bytes against bcrypt), and ErrBusy
// when the process computes as many hashes as it allows already. The hashes
// are compared in constant time.
func (h Hasher) Verify(password, encoded string) (bool, error) {
	if len(password) > MaxLength {
		return false, ErrPasswordTooLong
	}
	if len(encoded) > maxEncodedLength {
		return false, fmt.Errorf("%w: longer than %d bytes", ErrInvalidHash, maxEncodedLength)
	}
	switch scheme(encoded) {
	case schemeArgon2id:
		ph, err := parsePHC(encoded)
		if err != nil {
			return false, err
		}
		release, err := Acquire()
		if err != nil {
			return false, err
		}
		defer release()
		key := argon2id([]byte(password), ph.salt, nil, nil, ph.params.Time, ph.params.Memory, ph.params.Threads, ph.params.KeyLength)
		return subtle.ConstantTimeCompare(key, ph.key) == 1, nil
	case schemeBcrypt:
		if len(password) > bcryptMaxLength {
			// bcrypt would silently use only the first 72 bytes.
			return false, fmt.Errorf("%w: bcrypt hashes only the first %d bytes", ErrPasswordTooLong, bcryptMaxLength)
		}
		hash := bcryptHash(encoded)
		release, err := Acquire()
		if err != nil {
			return false, err
		}
		defer release()
		// CompareHashAndPassword compares in constant time.
		switch err := bcrypt.CompareHashAndPassword(hash, []byte(password)); {
		case err == nil:
			return true, nil
		case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
			return false, nil
		default:
			return false, fmt.Errorf("%w: bcrypt: %v", ErrInvalidHash, err)
		}
	}
	return false, unsupported(encoded)
}

// NeedsRehash reports whether a stored hash should be replaced by a new
// Hash after the next successful Verify: it is bcrypt, an argon2id hash
// with any parameter below the Hasher's, or not a hash this package
// understands.
func (h Hasher) NeedsRehash(encoded string) bool {
	if scheme(encoded) != schemeArgon2id {
		return true
	}
	ph, err := parsePHC(encoded)
	if err != nil {
		return true
	}
	want := h.params()
	got := ph.params
	return got.Memory < want.Memory || got.Time < want.Time || got.Threads < want.Threads ||
		uint32(len(ph.salt)) < want.SaltLength || uint32(len(ph.key)) < want.KeyLength
}

// DummyVerify does the work of a Verify of password against an argon2id
// hash with the Hasher's parameters and reports false. Call it when the
// account being signed in to does not exist, so that the response takes as
// long as for a wrong password and does not tell which accounts exist.
// (It matches the cost of current hashes; accounts still on bcrypt or older
// parameters take a different time until they are rehashed.)
//
// Like Verify it returns ErrBusy when the process computes as many hashes
// as it allows already. Pass that on as Verify's ErrBusy is passed on: an
// unknown account must fail the same way a known one does, under load too.
func (h Hasher) DummyVerify(password string) (bool, error) {
	p := h.params()
	if p.validate() != nil {
		p = DefaultParams()
	}
	if len(password) > MaxLength {
		password = password[:MaxLength] // Verify refuses it anyway; bound the work
	}
	salt := make([]byte, p.SaltLength)
	want := make([]byte, p.KeyLength)
	release, err := Acquire()
	if err != nil {
		return false, err
	}
	defer release()
	key := argon2id([]byte(password), salt, nil, nil, p.Time, p.Memory, p.Threads, p.KeyLength)
	_ = subtle.ConstantTimeCompare(key, want) // the compare Verify does
	return false, nil
}

// Hash returns the argon2id hash of password with DefaultParams.
func Hash(password string) (string, error) { return Hasher{}.Hash(password) }

// Verify reports whether password matches encoded; see Hasher.Verify.
func Verify(password, encoded string) (bool, error) { return Hasher{}.Verify(password, encoded) }

// NeedsRehash reports whether encoded should be replaced by a new Hash with
// DefaultParams; see Hasher.NeedsRehash.
func NeedsRehash(encoded string) bool { return Hasher{}.NeedsRehash(encoded) }

// DummyVerify costs what a failed Verify against a DefaultParams hash costs
// and reports false, or ErrBusy; see Hasher.DummyVerify.
func DummyVerify(password string) (bool, error) { return Hasher{}.DummyVerify(password) }
