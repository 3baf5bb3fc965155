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
	"encoding/json"
	"errors"
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
		return string(b[m.KeyStart:m.KeyEnd]), nil
	}
	var k string
	if err := json.Unmarshal(b[m.Start:m.KeyEnd+1], &k); err != nil {
		return "", ErrSyntax
	}
	return k, nil
}

// Object iterates over the members of a JSON object: Begin, then Next until
// it reports no more, then Finish. The zero value is ready for Begin.
type Object struct {
	b     []byte
	i     int
	first bool
	done  bool
}

// Begin positions the scanner after the opening brace of the object b,
// which may have whitespace around it.
func (s *Object) Begin(b []byte) error {
	*s = Object{b: b, first: true}
	s.i = SkipSpace(b, 0)
	if s.i >= len(b) || b[s.i] != '{' {
		return ErrSyntax
	}
	s.i++
	return nil
}

// Next returns the next member; ok is false after the closing brace.
func (s *Object) Next() (m Member, ok bool, err error) {
	if s.done {
		return m, false, nil
	}
	b := s.b
	i := SkipSpace(b, s.i)
	if i < len(b) && b[i] == '}' {
		s.i, s.done = i+1, true
		return m, false, nil
	}
	if !s.first {
		if i >= len(b) || b[i] != ',' {
			return m, false, ErrSyntax
		}
		i = SkipSpace(b, i+1)
	}
	s.first = false
	if i >= len(b) || b[i] != '"' {
		return m, false, ErrSyntax
	}
	m.Start, m.KeyStart = i, i+1
	if i, m.KeyPlain, err = String(b, i); err != nil {
		return m, false, err
	}
	m.KeyEnd = i - 1
	i = SkipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return m, false, ErrSyntax
	}
	m.ValStart = SkipSpace(b, i+1)
	if m.ValEnd, m.ValPlain, err = Value(b, m.ValStart); err != nil {
		return m, false, err
	}
	s.i = m.ValEnd
	return m, true, nil
}

// Finish checks that the closing brace was reached and only whitespace
// follows it.
func (s *Object) Finish() error {
	if !s.done || SkipSpace(s.b, s.i) != len(s.b) {
		return ErrSyntax
	}
	return nil
}

// Members calls fn with the decoded key (as DecodedKey) and the raw value
// of each top-level member of the JSON object obj, in order. An error from
// fn stops the walk and is returned.
func Members(obj []byte, fn func(key string, value []byte) error) error {
	var s Object
	if err := s.Begin(obj); err != nil {
		return err
	}
	for {
		m, ok, err := s.Next()
		if err != nil {
			return err
		}
		if !ok {
			return s.Finish()
		}
		key, err := m.DecodedKey(obj)
		if err != nil {
			return err
		}
		if err := fn(key, obj[m.ValStart:m.ValEnd]); err != nil {
			return err
		}
	}
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
func String(b []byte, i int) (end int, plain bool, err error) {
	start := i + 1
	plain, ascii := true, true
	for j := start; j < len(b); j++ {
		switch strClass[b[j]] {
		case classPlain:
		case classQuote:
			if plain && !ascii {
				plain = utf8.Valid(b[start:j])
			}
			return j + 1, plain, nil
		case classEscape:
			plain = false
			j++ // the escaped byte, a quote or not, does not end the string
		case classControl:
			plain = false
		case classHigh:
			ascii = false
		}
	}
	return 0, false, ErrSyntax
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
		return skipWhile(b, i+1, isNumberByte), false, nil
	case c >= 'a' && c <= 'z':
		return skipWhile(b, i+1, isLetter), false, nil
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

func skipWhile(b []byte, i int, ok func(byte) bool) int {
	for i < len(b) && ok(b[i]) {
		i++
	}
	return i
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' }

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// SmallUint parses a JSON integer of at most 18 digits without a sign or a
// leading zero, which every timestamp is, and reports whether v was one.
func SmallUint(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 || (v[0] == '0' && len(v) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// Number parses a JSON number as encoding/json does into a float64; a
// small integer (SmallUint) takes a path that does not allocate. null and
// every other value are errors.
func Number(v []byte) (float64, error) {
	if n, ok := SmallUint(v); ok {
		return float64(n), nil
	}
	if len(v) == 0 || !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) {
		return 0, ErrSyntax
	}
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		return 0, err
	}
	return f, nil
}
