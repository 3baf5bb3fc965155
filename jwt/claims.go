package jwt

import (
	"encoding/json"
	"unicode/utf8"
)

// Claims decoding has a hand-written fast path because a session is read on
// every request and encoding/json spends more time on these ~250 bytes
// (a validating pre-scan, then reflection per field) than AES and HMAC do;
// the package's budget is twice the raw crypto. The fast path accepts only a
// strict subset of JSON that it validates completely: an object whose
// members are the seven Claims keys with plain strings (no escapes, no
// control characters, valid UTF-8), null, or small non-negative integers for
// iat and exp. Anything else — another key, an escape, a nested value, a
// type mismatch — falls back to encoding/json, so the result and the errors
// are always exactly those of json.Unmarshal.

// UnmarshalJSON decodes a JSON object into c, with the results of
// json.Unmarshal on the struct's field tags, faster for the shape Auth.js
// writes.
func (c *Claims) UnmarshalJSON(b []byte) error {
	if c.fastDecode(b) {
		return nil
	}
	type plain Claims // no methods: the reflection decoder
	return json.Unmarshal(b, (*plain)(c))
}

// fastDecode decodes b into c when b is in the fast path's subset, and
// reports whether it did. c is unchanged when it returns false.
func (c *Claims) fastDecode(b []byte) bool {
	out := *c
	// One string for the whole payload; the claims are substrings of it,
	// one allocation instead of one per claim.
	all := string(b)
	var s objScanner
	if s.begin(b) != nil {
		return false
	}
	for {
		m, ok, err := s.next()
		if err != nil || m.escaped {
			return false
		}
		if !ok {
			break
		}
		var str *string
		var num *int64
		switch string(b[m.keyStart:m.keyEnd]) {
		case "name":
			str = &out.Name
		case "email":
			str = &out.Email
		case "picture":
			str = &out.Picture
		case "sub":
			str = &out.Subject
		case "jti":
			str = &out.ID
		case "iat":
			num = &out.IssuedAt
		case "exp":
			num = &out.ExpiresAt
		default:
			return false
		}
		v := b[m.valStart:m.valEnd]
		if string(v) == "null" {
			continue // as encoding/json: null leaves the field as it was
		}
		if str != nil {
			if !plainString(v) {
				return false
			}
			*str = all[m.valStart+1 : m.valEnd-1]
			continue
		}
		n, ok := smallUint(v)
		if !ok {
			return false
		}
		*num = n
	}
	if s.finish() != nil {
		return false
	}
	*c = out
	return true
}

// plainString reports whether the JSON string v needs no unescaping: no
// backslash, no control character, valid UTF-8.
func plainString(v []byte) bool {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return false
	}
	v = v[1 : len(v)-1]
	ascii := true
	for _, ch := range v {
		if ch < 0x20 || ch == '\\' || ch == '"' {
			return false
		}
		if ch >= utf8.RuneSelf {
			ascii = false
		}
	}
	return ascii || utf8.Valid(v)
}

// smallUint parses a JSON integer of at most 18 digits without a sign or a
// leading zero.
func smallUint(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 || (v[0] == '0' && len(v) > 1) {
		return 0, false
	}
	var n int64
	for _, ch := range v {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		n = n*10 + int64(ch-'0')
	}
	return n, true
}
