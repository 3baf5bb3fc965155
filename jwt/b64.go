package jwt

// Base64url decoding (RFC 4648 §5, no padding) of the token's segments.
//
// encoding/base64 does this correctly but spends about an eighth of a
// session decode on it; the lookup below, four characters to three bytes
// through tables that carry each character's value pre-shifted, takes about
// half as long. It is strict as base64.RawURLEncoding.Strict() is: no
// padding, no other characters, and zero bits left over at the end; a fuzz
// test holds it to exactly that decoder's results.

// b64Invalid marks a character outside the alphabet in the tables.
const b64Invalid = 1 << 31

// b64Tables holds, for each position in a group of four characters, every
// byte's 6-bit value shifted into place, or b64Invalid.
type b64Tables [4][256]uint32

var b64Dec = func() *b64Tables {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	t := new(b64Tables)
	for p := range 4 {
		for i := range 256 {
			t[p][i] = b64Invalid
		}
	}
	for v := range 64 {
		c := alphabet[v]
		t[0][c] = uint32(v) << 18
		t[1][c] = uint32(v) << 12
		t[2][c] = uint32(v) << 6
		t[3][c] = uint32(v)
	}
	return t
}()

// b64DecodedLen returns the decoded size of n characters, or -1 when no
// unpadded encoding has that length.
func b64DecodedLen(n int) int {
	if n%4 == 1 {
		return -1
	}
	return n/4*3 + [4]int{0, 0, 1, 2}[n%4]
}

// b64Decode decodes src into dst, which must be b64DecodedLen(len(src))
// long, and reports whether src was a valid strict encoding. src is a
// token's segment as it stands, a string, or bytes.
func b64Decode[S string | []byte](dst []byte, src S) bool {
	t := b64Dec
	var bad uint32
	j := 0
	full := len(src) / 4 * 4
	for i := 0; i < full; i += 4 {
		s := src[i : i+4]
		_ = s[3] // one bounds check for the four reads
		x := t[0][s[0]] | t[1][s[1]] | t[2][s[2]] | t[3][s[3]]
		bad |= x
		d := dst[j : j+3 : j+3]
		d[0], d[1], d[2] = byte(x>>16), byte(x>>8), byte(x)
		j += 3
	}
	switch rest := src[full:]; len(rest) {
	case 0:
	case 2:
		x := t[0][rest[0]] | t[1][rest[1]]
		if x&0xffff != 0 { // bits left over must be zero
			return false
		}
		bad |= x
		dst[j] = byte(x >> 16)
	case 3:
		x := t[0][rest[0]] | t[1][rest[1]] | t[2][rest[2]]
		if x&0xff != 0 {
			return false
		}
		bad |= x
		dst[j], dst[j+1] = byte(x>>16), byte(x>>8)
	default:
		return false
	}
	return bad&b64Invalid == 0
}
