package jwt

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// This file walks the top level of a JSON object without building it. Two
// jobs need that and nothing in encoding/json does them without decoding the
// whole payload into a map first: reading the registered time claims (iat,
// nbf, exp) before the payload is unmarshalled into the caller's own type,
// and replacing iat/exp/jti in an encoded payload. The walker is lenient
// about the syntax inside values it skips; every payload it reads on decode
// is also passed through json.Unmarshal, which rejects invalid JSON.

var errSyntax = errors.New("invalid JSON object")

// member locates one top-level "key": value pair by byte offsets.
type member struct {
	start            int  // the key's opening quote
	keyStart, keyEnd int  // the key's bytes, inside the quotes
	escaped          bool // the key holds an escape
	valStart, valEnd int
}

// objScanner iterates over the members of a JSON object.
type objScanner struct {
	b     []byte
	i     int
	first bool
	done  bool
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *objScanner) skipSpace() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

// begin positions the scanner after the opening brace.
func (s *objScanner) begin(b []byte) error {
	*s = objScanner{b: b, first: true}
	s.skipSpace()
	if s.i >= len(b) || b[s.i] != '{' {
		return errSyntax
	}
	s.i++
	return nil
}

// next returns the next member; ok is false after the closing brace.
func (s *objScanner) next() (m member, ok bool, err error) {
	if s.done {
		return m, false, nil
	}
	s.skipSpace()
	if s.i >= len(s.b) {
		return m, false, errSyntax
	}
	if s.b[s.i] == '}' {
		s.i++
		s.done = true
		return m, false, nil
	}
	if !s.first {
		if s.b[s.i] != ',' {
			return m, false, errSyntax
		}
		s.i++
		s.skipSpace()
	}
	s.first = false
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return m, false, errSyntax
	}
	m.start = s.i
	m.keyStart = s.i + 1
	end, esc, err := skipString(s.b, s.i)
	if err != nil {
		return m, false, err
	}
	m.keyEnd, m.escaped = end-1, esc
	s.i = end
	s.skipSpace()
	if s.i >= len(s.b) || s.b[s.i] != ':' {
		return m, false, errSyntax
	}
	s.i++
	s.skipSpace()
	m.valStart = s.i
	end, _, err = skipValue(s.b, s.i)
	if err != nil {
		return m, false, err
	}
	m.valEnd = end
	s.i = end
	return m, true, nil
}

// finish checks that only whitespace follows the object.
func (s *objScanner) finish() error {
	s.skipSpace()
	if !s.done || s.i != len(s.b) {
		return errSyntax
	}
	return nil
}

// skipString returns the offset after the string starting at b[i] == '"'
// and whether it holds an escape. It looks for quotes with IndexByte
// (vectorised) and counts the backslashes before each one.
func skipString(b []byte, i int) (int, bool, error) {
	esc := false
	j := i + 1
	for {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return 0, false, errSyntax
		}
		q += j
		if !esc && bytes.IndexByte(b[j:q], '\\') < 0 {
			return q + 1, false, nil
		}
		esc = true
		n := 0
		for k := q - 1; k > i && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return q + 1, true, nil
		}
		j = q + 1 // an escaped quote
	}
}

// skipValue returns the offset after the value starting at b[i], and for a
// string whether it holds an escape.
func skipValue(b []byte, i int) (int, bool, error) {
	if i >= len(b) {
		return 0, false, errSyntax
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '{' || c == '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, false, nil
				}
			case '"':
				end, _, err := skipString(b, i)
				if err != nil {
					return 0, false, err
				}
				i = end - 1
			}
		}
		return 0, false, errSyntax
	case c == '-' || (c >= '0' && c <= '9'):
		j := i + 1
		for j < len(b) && isNumberByte(b[j]) {
			j++
		}
		return j, false, nil
	case c >= 'a' && c <= 'z':
		j := i + 1
		for j < len(b) && b[j] >= 'a' && b[j] <= 'z' {
			j++
		}
		return j, false, nil
	}
	return 0, false, errSyntax
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// keyIs reports whether member m's key is name, unescaping it if needed.
func (m *member) keyIs(b []byte, name string) bool {
	if !m.escaped {
		return string(b[m.keyStart:m.keyEnd]) == name
	}
	var k string
	if json.Unmarshal(b[m.start:m.keyEnd+1], &k) != nil {
		return false
	}
	return k == name
}

// registered time claims
const (
	claimIat = 1 << iota
	claimNbf
	claimExp
)

// timeClaims holds the iat, nbf and exp values found in a payload.
type timeClaims struct {
	present       int
	iat, nbf, exp float64
}

// readTimeClaims reads iat, nbf and exp from the top level of payload. It
// fails when payload is not an object or one of them is not a number (as
// jose does: JSON null is not a number).
func readTimeClaims(payload []byte) (timeClaims, error) {
	var tc timeClaims
	var s objScanner
	if err := s.begin(payload); err != nil {
		return tc, errors.New("payload is not a JSON object")
	}
	for {
		m, ok, err := s.next()
		if err != nil {
			return tc, err
		}
		if !ok {
			break
		}
		var bit int
		var dst *float64
		switch {
		case m.keyIs(payload, "exp"):
			bit, dst = claimExp, &tc.exp
		case m.keyIs(payload, "nbf"):
			bit, dst = claimNbf, &tc.nbf
		case m.keyIs(payload, "iat"):
			bit, dst = claimIat, &tc.iat
		default:
			continue
		}
		v, err := parseNumber(payload[m.valStart:m.valEnd])
		if err != nil {
			return tc, errors.New("claim " + string(payload[m.keyStart:m.keyEnd]) + " is not a number")
		}
		tc.present |= bit
		*dst = v
	}
	if err := s.finish(); err != nil {
		return tc, err
	}
	return tc, nil
}

// parseNumber parses a JSON number; small non-negative integers (every
// timestamp) take a path that does not allocate.
func parseNumber(b []byte) (float64, error) {
	if len(b) == 0 {
		return 0, errSyntax
	}
	if len(b) <= 15 && (b[0] != '0' || len(b) == 1) {
		var n int64
		allDigits := true
		for _, c := range b {
			if c < '0' || c > '9' {
				allDigits = false
				break
			}
			n = n*10 + int64(c-'0')
		}
		if allDigits {
			return float64(n), nil
		}
	}
	if !(b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		return 0, errSyntax
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return 0, err
	}
	return v, nil
}

// appendClaims rewrites the JSON object obj without its top-level iat, exp
// and jti members, appends the given ones, and returns the result appended
// to dst. An empty obj or null counts as {}.
func appendClaims(dst, obj []byte, iat, exp int64, jti string) ([]byte, error) {
	dst = append(dst, '{')
	if len(obj) > 0 && string(obj) != "null" {
		var s objScanner
		if err := s.begin(obj); err != nil {
			return nil, err
		}
		for {
			m, ok, err := s.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			if m.keyIs(obj, "iat") || m.keyIs(obj, "exp") || m.keyIs(obj, "jti") {
				continue
			}
			dst = append(dst, obj[m.start:m.valEnd]...)
			dst = append(dst, ',')
		}
		if err := s.finish(); err != nil {
			return nil, err
		}
	}
	dst = append(dst, `"iat":`...)
	dst = strconv.AppendInt(dst, iat, 10)
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, exp, 10)
	dst = append(dst, `,"jti":"`...)
	dst = append(dst, jti...)
	dst = append(dst, `"}`...)
	return dst, nil
}
