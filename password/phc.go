package password

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
)

type hashScheme int

const (
	schemeUnknown hashScheme = iota
	schemeArgon2id
	schemeBcrypt
)

func scheme(encoded string) hashScheme {
	switch {
	case strings.HasPrefix(encoded, "$"+argonIDTag+"$"):
		return schemeArgon2id
	case strings.HasPrefix(encoded, "$2a$"), strings.HasPrefix(encoded, "$2b$"), strings.HasPrefix(encoded, "$2y$"):
		return schemeBcrypt
	}
	return schemeUnknown
}

// unsupported describes a hash that is neither argon2id nor a bcrypt
// variant this package verifies, naming only its scheme.
func unsupported(encoded string) error {
	if name, ok := strings.CutPrefix(encoded, "$"); ok {
		if i := strings.IndexByte(name, '$'); i > 0 && i <= 16 {
			return fmt.Errorf("%w: %q", ErrUnsupportedHash, name[:i])
		}
	}
	return fmt.Errorf("%w: not a PHC or bcrypt string", ErrUnsupportedHash)
}

// bcryptHash maps the $2y$ prefix (PHP's name for the same algorithm as
// $2b$) to $2b$ and returns the hash for x/crypto/bcrypt, which would
// otherwise accept any version letter, including the broken $2x$.
func bcryptHash(encoded string) []byte {
	b := []byte(encoded)
	if b[2] == 'y' {
		b[2] = 'b'
	}
	return b
}

// phc is a parsed argon2id PHC string.
type phc struct {
	params    Params
	salt, key []byte
}

// parsePHC parses $argon2id$v=19$m=M,t=T,p=P$salt$hash strictly: that
// order, version 19, decimal numbers without signs or leading zeros,
// unpadded standard base64, and every value within bounds.
func parsePHC(encoded string) (phc, error) {
	var ph phc
	bad := func(what string) (phc, error) {
		return phc{}, fmt.Errorf("%w: argon2id %s", ErrInvalidHash, what)
	}
	// encoding/base64 skips \r and \n inside its input; a stored hash has
	// none, so refuse them rather than accept two spellings of one hash.
	if strings.ContainsAny(encoded, "\r\n") {
		return bad("string holds a line break")
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != argonIDTag {
		return bad("string is not $argon2id$v=..$m=..,t=..,p=..$salt$hash")
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok {
		return bad("version is missing")
	}
	if n, ok := parseUint(v, 255); !ok || n != argonV19 {
		return phc{}, fmt.Errorf("%w: argon2id version %q (only 19)", ErrUnsupportedHash, v)
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("parameters are not m,t,p")
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		s, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return bad("parameters are not m,t,p")
		}
		if vals[i], ok = parseUint(s, 1<<32-1); !ok {
			return bad("parameter " + name[:1] + " is not a number")
		}
	}
	if vals[2] > 255 {
		return bad("parallelism above 255")
	}
	var err error
	if ph.salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil {
		return bad("salt is not base64")
	}
	if ph.key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil {
		return bad("hash is not base64")
	}
	ph.params = Params{
		Memory: uint32(vals[0]), Time: uint32(vals[1]), Threads: uint8(vals[2]),
		SaltLength: uint32(len(ph.salt)), KeyLength: uint32(len(ph.key)),
	}
	if err := ph.params.validate(); err != nil {
		return phc{}, fmt.Errorf("%w: argon2id %v", ErrInvalidHash, err)
	}
	return ph, nil
}

// parseUint parses a decimal number up to max with no sign and no leading
// zero.
func parseUint(s string, max uint64) (uint64, bool) {
	if s == "" || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max {
		return 0, false
	}
	return n, true
}
