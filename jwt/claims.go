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
	var tc timeClaims
	if c.fastDecode(b, &tc) {
		return nil
	}
	type plain Claims // no methods: the reflection decoder
	return json.Unmarshal(b, (*plain)(c))
}

// fastDecode decodes b into c when b is in the fast path's subset, and
// reports whether it did; it also records iat, nbf and exp in tc, so a
// session decode reads the payload once. c is unchanged when it returns
// false.
func (c *Claims) fastDecode(b []byte, tc *timeClaims) bool {
	out := *c
	// One string for the whole payload; the claims are substrings of it,
	// one allocation instead of one per claim.
	var all string
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			// "key"
			if i >= len(b) || b[i] != '"' {
				return false
			}
			end, ok := plainEnd(b, i+1)
			if !ok {
				return false
			}
			key := b[i+1 : end]
			i = skipWS(b, end+1)
			if i >= len(b) || b[i] != ':' {
				return false
			}
			i = skipWS(b, i+1)
			if i >= len(b) {
				return false
			}
			var str *string
			var num *int64
			var bit int
			switch string(key) { // a key with an escape matches no case
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
				num, bit = &out.IssuedAt, claimIat
			case "exp":
				num, bit = &out.ExpiresAt, claimExp
			case "nbf":
				var ignored int64 // not a field of Claims, but checked
				num, bit = &ignored, claimNbf
			default:
				return false
			}
			switch {
			case str != nil && b[i] == '"':
				end, ok := plainEnd(b, i+1)
				if !ok {
					return false
				}
				if all == "" {
					all = string(b)
				}
				*str = all[i+1 : end]
				i = end + 1
			case str != nil && len(b)-i >= 4 && string(b[i:i+4]) == "null":
				i += 4 // as encoding/json: null leaves the field as it was
			case num != nil:
				j := i
				for j < len(b) && b[j] >= '0' && b[j] <= '9' {
					j++
				}
				// null, a sign, a fraction or an exponent: slow path.
				if j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E') {
					return false
				}
				n, ok := smallUint(b[i:j])
				if !ok {
					return false
				}
				*num = n
				tc.present |= bit
				switch bit {
				case claimIat:
					tc.iat = float64(n)
				case claimExp:
					tc.exp = float64(n)
				case claimNbf:
					tc.nbf = float64(n)
				}
				i = j
			default:
				return false
			}
			i = skipWS(b, i)
			if i >= len(b) {
				return false
			}
			if b[i] == '}' {
				i++
				break
			}
			if b[i] != ',' {
				return false
			}
			i = skipWS(b, i+1)
		}
	}
	if skipWS(b, i) != len(b) {
		return false
	}
	*c = out
	return true
}

func skipWS(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// strClass classifies bytes inside a JSON string for plainEnd: 0 for a byte
// that stands for itself, 1 for the closing quote, 2 for a backslash or a
// control character, 3 for a byte of a multi-byte UTF-8 sequence.
var strClass = func() (t [256]byte) {
	for i := range 0x20 {
		t[i] = 2
	}
	t['"'], t['\\'] = 1, 2
	for i := 0x80; i < 256; i++ {
		t[i] = 3
	}
	return t
}()

// plainEnd finds the closing quote of the JSON string whose contents start
// at b[i], and reports whether the contents need no decoding: no escape, no
// control character, valid UTF-8.
func plainEnd(b []byte, i int) (int, bool) {
	start, ascii := i, true
	for i < len(b) {
		switch strClass[b[i]] {
		case 0:
			i++
			continue
		case 1:
			return i, ascii || utf8.Valid(b[start:i])
		case 2:
			return 0, false
		}
		ascii = false
		i++
	}
	return 0, false
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
