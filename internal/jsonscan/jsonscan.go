// Package jsonscan walks the top level of a JSON object without building
// it: one member at a time, each as byte offsets of its key and its raw
// value.
//
// It is written by hand because encoding/json has no such walk short of
// decoding the whole object into a map of json.RawMessage (a validating
// pass, then an allocation per member), and the object it serves is a
// session token's payload, read on every request: the jwt codec reads the
// registered time claims and its Claims fast path from it, rewrites iat,
// exp and jti in it on encode, and authgo's Token, Session and SessionUser
// types read their known members from it and decode only the others.
//
// The scanner is strict about the object's structure (braces, quotes,
// colons, commas, what follows the closing brace) and lenient about the
// syntax inside the values it skips. Every caller either hands the bytes to
// encoding/json as well, which rejects invalid JSON, or accepts only values
// it parses completely itself: a plain string (String reports one) or a
// small integer (SmallUint).
package jsonscan

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"unicode/utf8"
)

// ErrSyntax reports bytes that are not a JSON object, as far as the scanner
// looks.
var ErrSyntax = errors.New("invalid JSON object")

// Member locates one top-level "key": value pair of an object by byte
// offsets into the scanned bytes.
type Member struct {
	// Start is the offset of the key's opening quote.
	Start int
	// KeyStart and KeyEnd bound the key's bytes inside its quotes.
	KeyStart, KeyEnd int
	// KeyPlain reports a key whose bytes are its value: no escape, no
	// control character, valid UTF-8.
	KeyPlain bool
	// ValStart and ValEnd bound the raw value.
	ValStart, ValEnd int
	// ValPlain reports a string value whose bytes inside the quotes are
	// its value, as KeyPlain does for the key; it is false for any other
	// value.
	ValPlain bool
}

// Key returns the key's bytes inside its quotes, undecoded.
func (m *Member) Key(b []byte) []byte { return b[m.KeyStart:m.KeyEnd] }

// Value returns the raw value.
func (m *Member) Value(b []byte) []byte { return b[m.ValStart:m.ValEnd] }

// KeyIs reports whether the member's key, decoded, is name.
func (m *Member) KeyIs(b []byte, name string) bool {
	if m.KeyPlain {
		return string(b[m.KeyStart:m.KeyEnd]) == name
	}
	k, err := m.DecodedKey(b)
	return err == nil && k == name
}

// DecodedKey returns the key as encoding/json reads it: escapes resolved,
// invalid UTF-8 replaced by U+FFFD. It fails on a key that is not a valid
// JSON string.
func (m *Member) DecodedKey(b []byte) (string, error) {
	if m.KeyPlain {
		return claimName(b[m.KeyStart:m.KeyEnd]), nil
	}
	var k string
	if err := json.Unmarshal(b[m.Start:m.KeyEnd+1], &k); err != nil {
		return "", ErrSyntax
	}
	return k, nil
}

// Object iterates over the members of a JSON object, as bufio.Scanner
// does over lines:
//
//	var s jsonscan.Object
//	s.Reset(b)
//	for s.Next() {
//		m := s.Member()
//		...
//	}
//	if err := s.Err(); err != nil { ... }
//
// The zero value is ready for Reset.
type Object struct {
	b     []byte
	i     int
	first bool
	done  bool // the walk has ended, at the closing brace or on an error
	err   error
	m     Member
}

// Reset starts a walk over the object b, which may have whitespace around
// it.
func (s *Object) Reset(b []byte) {
	*s = Object{b: b, first: true}
	s.i = SkipSpace(b, 0)
	if s.i >= len(b) || b[s.i] != '{' {
		s.fail()
		return
	}
	s.i++
}

// fail ends the walk with ErrSyntax.
func (s *Object) fail() bool {
	s.done, s.err = true, ErrSyntax
	return false
}

// Next advances to the next member and reports whether there is one; it
// reports false after the closing brace or on bytes that are not a JSON
// object, which Err then tells apart.
func (s *Object) Next() bool {
	if s.done {
		return false
	}
	b, m := s.b, &s.m
	i := SkipSpace(b, s.i)
	if i < len(b) && b[i] == '}' {
		s.i, s.done = SkipSpace(b, i+1), true
		if s.i != len(b) {
			s.fail() // more than whitespace after the object
		}
		return false
	}
	if !s.first {
		if i >= len(b) || b[i] != ',' {
			return s.fail()
		}
		i = SkipSpace(b, i+1)
	}
	s.first = false
	if i >= len(b) || b[i] != '"' {
		return s.fail()
	}
	m.Start, m.KeyStart = i, i+1
	var err error
	if i, m.KeyPlain, err = String(b, i); err != nil {
		return s.fail()
	}
	m.KeyEnd = i - 1
	i = SkipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return s.fail()
	}
	m.ValStart = SkipSpace(b, i+1)
	if m.ValEnd, m.ValPlain, err = Value(b, m.ValStart); err != nil {
		return s.fail()
	}
	s.i = m.ValEnd
	return true
}

// Member returns the current member, valid until the next call of Next.
func (s *Object) Member() *Member { return &s.m }

// Err returns ErrSyntax when the walk ended on bytes that are not a JSON
// object (as far as the scanner looks, see the package doc), and nil when
// it reached the closing brace with only whitespace after it or has not
// ended yet.
func (s *Object) Err() error { return s.err }

// Members calls fn with the decoded key (as DecodedKey) and the raw value
// of each top-level member of the JSON object obj, in order. An error from
// fn stops the walk and is returned.
func Members(obj []byte, fn func(key string, value []byte) error) error {
	var s Object
	s.Reset(obj)
	for s.Next() {
		m := s.Member()
		key, err := m.DecodedKey(obj)
		if err != nil {
			return err
		}
		if err := fn(key, m.Value(obj)); err != nil {
			return err
		}
	}
	return s.Err()
}

// IsSpace reports whether c is JSON whitespace.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SkipSpace returns the offset of the first byte at or after i that is not
// JSON whitespace, or len(b).
func SkipSpace(b []byte, i int) int {
	for i < len(b) && IsSpace(b[i]) {
		i++
	}
	return i
}

// Byte classes inside a JSON string, for String.
const (
	classPlain   = iota // a byte that stands for itself
	classQuote          // the closing quote
	classEscape         // a backslash
	classControl        // a control character, invalid in JSON
	classHigh           // a byte of a multi-byte UTF-8 sequence
)

var strClass = func() (t [256]byte) {
	for i := range 0x20 {
		t[i] = classControl
	}
	t['"'], t['\\'] = classQuote, classEscape
	for i := 0x80; i < 256; i++ {
		t[i] = classHigh
	}
	return t
}()

// String scans the JSON string whose opening quote is b[i]. It returns the
// offset after the closing quote, and whether the string is plain: no
// escape, no control character and valid UTF-8, so the bytes between the
// quotes are exactly its value. It fails only when no closing quote
// follows.
//
// It reads eight bytes at a time and jumps to the first of them that is a
// quote, a backslash, a control character or (until the first one is seen)
// a non-ASCII byte; only those are looked at one by one.
func String(b []byte, i int) (end int, plain bool, err error) {
	start := i + 1
	plain, ascii := true, true
	high := uint64(0x80 * lsb) // the non-ASCII test, dropped after the first
	for j := start; ; j++ {
		for j+8 <= len(b) {
			if m := special(binary.LittleEndian.Uint64(b[j:j+8]), high); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		if j >= len(b) {
			return 0, false, ErrSyntax
		}
		switch strClass[b[j]] {
		case classQuote:
			if !ascii && plain {
				plain = utf8.Valid(b[start:j])
			}
			return j + 1, plain, nil
		case classEscape:
			plain = false
			j++ // the escaped byte, a quote or not, does not end the string
		case classControl:
			plain = false
		case classHigh:
			ascii, high = false, 0
		}
	}
}

// lsb has the low bit of each byte of a word set.
const lsb = 0x0101010101010101

// special returns a mask with bit 7 of a byte set for each byte of the
// little-endian word x that is a quote, a backslash, below 0x20, or has a
// bit in high (0x80 in each byte, or nothing); its lowest set bit always
// marks such a byte, the bits above it may be false alarms. It uses the
// zero-byte and less-than tests of "Bit Twiddling Hacks" (Sean Eron
// Anderson): for n <= 0x80, (x - n*lsb) & ^x & 0x80*lsb is not zero iff a
// byte below n exists, and a borrow only starts at such a byte.
func special(x, high uint64) uint64 {
	q := x ^ ('"' * lsb)
	bs := x ^ ('\\' * lsb)
	t := (x - 0x20*lsb) & ^x
	t |= (q - lsb) & ^q
	t |= (bs - lsb) & ^bs
	return t&(0x80*lsb) | x&high
}

// PlainString returns the contents of v when v is exactly one plain JSON
// string (see String): the bytes between its quotes, which are its value.
func PlainString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	end, plain, err := String(v, 0)
	if err != nil || !plain || end != len(v) {
		return "", false
	}
	return string(v[1 : end-1]), true
}

// Value returns the offset after the JSON value starting at b[i], and for a
// string whether it is plain (see String). A number or a literal (true,
// false, null) runs to the first byte that cannot be part of one; an object
// or array to its matching bracket, skipping strings.
func Value(b []byte, i int) (end int, plain bool, err error) {
	if i >= len(b) {
		return 0, false, ErrSyntax
	}
	switch c := b[i]; {
	case c == '"':
		return String(b, i)
	case c == '{' || c == '[':
		end, err = skipNested(b, i)
		return end, false, err
	case c == '-' || (c >= '0' && c <= '9'):
		for i++; i < len(b) && isNumberByte(b[i]); i++ {
		}
		return i, false, nil
	case c >= 'a' && c <= 'z':
		for i++; i < len(b) && b[i] >= 'a' && b[i] <= 'z'; i++ {
		}
		return i, false, nil
	}
	return 0, false, ErrSyntax
}

// skipNested returns the offset after the object or array starting at
// b[i], by bracket depth; strings inside are skipped whole.
func skipNested(b []byte, i int) (int, error) {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '{', '[':
			depth++
		case '}', ']':
			if depth--; depth == 0 {
				return i + 1, nil
			}
		case '"':
			end, _, err := String(b, i)
			if err != nil {
				return 0, err
			}
			i = end - 1
		}
	}
	return 0, ErrSyntax
}

// claimName returns the key b as a string, without an allocation for the
// claims that session tokens carry (Auth.js's, and authgo's role,
// auth_time and session_id): keys are decoded on every session read.
func claimName(b []byte) string {
	switch string(b) { // no allocation: the compiler compares the bytes
	case "sub":
		return "sub"
	case "name":
		return "name"
	case "email":
		return "email"
	case "picture":
		return "picture"
	case "iat":
		return "iat"
	case "exp":
		return "exp"
	case "jti":
		return "jti"
	case "role":
		return "role"
	case "auth_time":
		return "auth_time"
	case "session_id":
		return "session_id"
	}
	return string(b)
}
