package jwt

import (
	"bytes"
	"encoding/base64"
	"testing"
)

// FuzzBase64 holds the hand-written decoder to encoding/base64's strict
// unpadded URL decoder: same acceptance, same bytes.
func FuzzBase64(f *testing.F) {
	for _, s := range []string{"", "A", "AA", "AB", "AAA", "AAB", "AAAA", "-_-_", "a+b/", "YQ", "YWI", "YWJj", "YQ==", "Zm9v\n", "\xff\xff"} {
		f.Add([]byte(s))
	}
	ref := base64.RawURLEncoding.Strict()
	f.Fuzz(func(t *testing.T, src []byte) {
		if bytes.ContainsAny(src, "\r\n") {
			// encoding/base64 skips line breaks; a token has none, and
			// the hand-written decoder refuses them.
			if n := b64DecodedLen(len(src)); n >= 0 && b64Decode(make([]byte, n), src) {
				t.Fatalf("%q: a line break was accepted", src)
			}
			return
		}
		want, werr := ref.DecodeString(string(src))
		n := b64DecodedLen(len(src))
		if n < 0 {
			if werr == nil {
				t.Fatalf("%q: length refused, encoding/base64 decodes it", src)
			}
			return
		}
		got := make([]byte, n)
		ok := b64Decode(got, src)
		if ok != (werr == nil) {
			t.Fatalf("%q: ok=%v, encoding/base64 error %v", src, ok, werr)
		}
		if ok && !bytes.Equal(got, want) {
			t.Fatalf("%q: got %x, want %x", src, got, want)
		}
	})
}

func TestBase64AllBytes(t *testing.T) {
	for n := range 70 {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n)
		}
		enc := base64.RawURLEncoding.EncodeToString(b)
		got := make([]byte, b64DecodedLen(len(enc)))
		if !b64Decode(got, []byte(enc)) || !bytes.Equal(got, b) {
			t.Fatalf("length %d: %x, want %x", n, got, b)
		}
	}
}
