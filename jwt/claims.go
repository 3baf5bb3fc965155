package jwt

import (
	"encoding/json"

	"github.com/authgo/authgo/internal/jsonscan"
)

// Claims decoding has a fast path because a session is read on every
// request and encoding/json spends more time on these ~250 bytes (a
// validating pre-scan, then reflection per field) than AES and HMAC do; the
// package's budget is twice the raw crypto. The fast path accepts only a
// strict subset of JSON that it validates completely: an object whose
// members are the seven Claims keys (and nbf) with plain strings (no
// escapes, no control characters, valid UTF-8), null, or small non-negative
// integers for iat, exp and nbf. Anything else — another key, an escape, a
// nested value, a type mismatch — falls back to encoding/json, so the
// result and the errors are always exactly those of json.Unmarshal.

// UnmarshalJSON decodes a JSON object into c, with the results of
// json.Unmarshal on the struct's field tags, faster for the shape Auth.js
// writes.
func (c *Claims) UnmarshalJSON(b []byte) error {
	var tc timeClaims
	if c.fastDecode(b, &tc) {
		return nil
	}
	type plain Claims // no methods: the reflection decoder
	return json.Unmarshal(b, (*plain)(c))
}

// fastDecode decodes b into c when b is in the fast path's subset, and
// reports whether it did; it also records iat, nbf and exp in tc, so a
// session decode reads the payload once. c and tc are unchanged when it
// returns false.
func (c *Claims) fastDecode(b []byte, tc *timeClaims) bool {
	r := claimsReader{b: b, out: *c}
	var s jsonscan.Object
	s.Reset(b)
	for s.Next() {
		if m := s.Member(); !m.KeyPlain || !r.member(m) {
			return false
		}
	}
	if s.Err() != nil {
		return false
	}
	*c, *tc = r.out, r.tc
	return true
}

// claimsReader holds the state of one fastDecode.
type claimsReader struct {
	b   []byte
	out Claims
	tc  timeClaims
	// all is b as one string, made on the first string claim: the claims
	// are substrings of it, one allocation instead of one per claim.
	all string
}

// member reads one member into r.out, and reports whether it is in the
// fast path's subset.
func (r *claimsReader) member(m *jsonscan.Member) bool {
	switch string(m.Key(r.b)) {
	case "name":
		return r.str(m, &r.out.Name)
	case "email":
		return r.str(m, &r.out.Email)
	case "picture":
		return r.str(m, &r.out.Picture)
	case "sub":
		return r.str(m, &r.out.Subject)
	case "jti":
		return r.str(m, &r.out.ID)
	case "iat":
		return r.num(m, claimIat, &r.out.IssuedAt)
	case "exp":
		return r.num(m, claimExp, &r.out.ExpiresAt)
	case "nbf":
		var ignored int64 // not a field of Claims, but checked
		return r.num(m, claimNbf, &ignored)
	}
	return false
}

// str reads a plain string or null (which, as in encoding/json, leaves the
// field as it was).
func (r *claimsReader) str(m *jsonscan.Member, dst *string) bool {
	if m.ValPlain {
		if r.all == "" {
			r.all = string(r.b)
		}
		*dst = r.all[m.ValStart+1 : m.ValEnd-1]
		return true
	}
	return string(m.Value(r.b)) == "null"
}

// num reads a small non-negative integer; null, a sign, a fraction or an
// exponent take the slow path.
func (r *claimsReader) num(m *jsonscan.Member, bit int, dst *int64) bool {
	n, ok := jsonscan.SmallUint(m.Value(r.b))
	if ok {
		*dst = n
		r.tc.set(bit, float64(n))
	}
	return ok
}
