package jwt

import (
	"errors"
	"strconv"

	"github.com/authgo/authgo/internal/jsonscan"
)

// The two jobs below walk the top level of the payload with the shared
// scanner in internal/jsonscan rather than encoding/json, which would
// decode the whole payload into a map first: reading the registered time
// claims (iat, nbf, exp) before the payload is unmarshalled into the
// caller's own type, and replacing iat/exp/jti in an encoded payload. Every
// payload read on decode is also passed through json.Unmarshal, which
// rejects invalid JSON.

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

// set records the value of the time claim bit.
func (tc *timeClaims) set(bit int, v float64) {
	tc.present |= bit
	switch bit {
	case claimIat:
		tc.iat = v
	case claimNbf:
		tc.nbf = v
	case claimExp:
		tc.exp = v
	}
}

// timeClaim returns the bit of a registered time claim's member, or 0.
func timeClaim(payload []byte, m *jsonscan.Member) int {
	switch {
	case m.KeyIs(payload, "exp"):
		return claimExp
	case m.KeyIs(payload, "nbf"):
		return claimNbf
	case m.KeyIs(payload, "iat"):
		return claimIat
	}
	return 0
}

// readTimeClaims reads iat, nbf and exp from the top level of payload. It
// fails when payload is not an object or one of them is not a number (as
// jose does: JSON null is not a number).
func readTimeClaims(payload []byte) (timeClaims, error) {
	var tc timeClaims
	var s jsonscan.Object
	s.Reset(payload)
	for s.Next() {
		m := s.Member()
		bit := timeClaim(payload, m)
		if bit == 0 {
			continue
		}
		v, err := jsonscan.Number(m.Value(payload))
		if err != nil {
			return tc, errors.New("claim " + string(m.Key(payload)) + " is not a number")
		}
		tc.set(bit, v)
	}
	if err := s.Err(); err != nil {
		return tc, errors.New("payload is not a JSON object")
	}
	return tc, nil
}

// appendClaims rewrites the JSON object obj without its top-level iat, exp
// and jti members, appends the given ones, and returns the result appended
// to dst. An empty obj or null counts as {}.
func appendClaims(dst, obj []byte, iat, exp int64, jti []byte) ([]byte, error) {
	dst = append(dst, '{')
	if len(obj) > 0 && string(obj) != "null" {
		var err error
		if dst, err = appendMembersExcept(dst, obj, "iat", "exp", "jti"); err != nil {
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

// appendMembersExcept appends each member of the object obj whose key is
// none of the three given, followed by a comma.
func appendMembersExcept(dst, obj []byte, a, b, c string) ([]byte, error) {
	var s jsonscan.Object
	s.Reset(obj)
	for s.Next() {
		m := s.Member()
		if m.KeyIs(obj, a) || m.KeyIs(obj, b) || m.KeyIs(obj, c) {
			continue
		}
		dst = append(dst, obj[m.Start:m.ValEnd]...)
		dst = append(dst, ',')
	}
	return dst, s.Err()
}
