// Package uuid makes the UUIDs authgo stores and sends: random ones
// (version 4) for ids and token ids, and name-based ones (version 5) for
// the stable user id of OAuth users without an adapter. Both are a few
// lines over crypto/rand, crypto/sha1 and encoding/hex (RFC 9562), written
// here so the root module does not need github.com/google/uuid (one module
// fewer in every app's graph) and the hot path's token id allocates
// nothing (Append).
package uuid

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
)

// Append appends the text form (RFC 9562 §4) of the random (version 4)
// UUID made of the 16 bytes r, after setting r's version and variant bits.
func Append(dst []byte, r *[16]byte) []byte {
	r[6] = r[6]&0x0f | 0x40
	r[8] = r[8]&0x3f | 0x80
	return appendText(dst, r)
}

// New returns a new random (version 4) UUID in its text form.
func New() string {
	var r [16]byte
	rand.Read(r[:]) // never fails (crypto/rand)
	return string(Append(make([]byte, 0, 36), &r))
}

// NewSHA1 returns the name-based (version 5, SHA-1) UUID of name in the
// namespace ns (RFC 9562 §5.5), in its text form.
func NewSHA1(ns [16]byte, name []byte) string {
	h := sha1.New()
	h.Write(ns[:])
	h.Write(name)
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return string(appendText(make([]byte, 0, 36), &u))
}

// appendText appends u as 8-4-4-4-12 lower-case hex digits.
func appendText(dst []byte, u *[16]byte) []byte {
	b := u[:]
	for i, g := range [5]int{4, 2, 2, 2, 6} {
		if i > 0 {
			dst = append(dst, '-')
		}
		dst = hex.AppendEncode(dst, b[:g])
		b = b[g:]
	}
	return dst
}

// MustParse returns the 16 bytes of the UUID s in its text form; it panics
// when s is not one (for constants, such as a namespace).
func MustParse(s string) [16]byte {
	var u [16]byte
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		panic("uuid: not a UUID: " + s)
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	if _, err := hex.Decode(u[:], []byte(hexDigits)); err != nil {
		panic("uuid: not a UUID: " + s)
	}
	return u
}
