package jwt_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/jwt"
)

// benchClaims are the claims Auth.js puts in a session token at sign-in.
var benchClaims = map[string]any{
	"name":    "Ada Lovelace",
	"email":   "ada@example.com",
	"picture": "https://avatars.example.com/u/1?v=4",
	"sub":     "2b0b6a7c-3f51-4b8e-9a51-2f3f3c1c6d1e",
}

func benchToken(b *testing.B) (*jwt.Codec, string) {
	b.Helper()
	c := mustCodec(b, []string{vecSecret})
	tok, err := c.Encode(benchClaims, jwt.DefaultSalt, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	return c, tok
}

// BenchmarkDecode measures DecodeInto a struct of the default claims, what
// a Go backend does per request with a Next.js session cookie. The struct
// is reused, so the figure is the codec's own cost.
func BenchmarkDecode(b *testing.B) {
	c, tok := benchToken(b)
	var cl jwt.Claims
	b.SetBytes(int64(len(tok)))
	b.ReportAllocs()
	testenv.ReportCPU(b)
	for b.Loop() {
		cl = jwt.Claims{}
		if err := c.DecodeInto(tok, jwt.DefaultSalt, &cl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeMap measures Decode into a map.
func BenchmarkDecodeMap(b *testing.B) {
	c, tok := benchToken(b)
	b.ReportAllocs()
	testenv.ReportCPU(b)
	for b.Loop() {
		if _, err := c.Decode(tok, jwt.DefaultSalt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncode measures Encode of the default claims from a struct.
func BenchmarkEncode(b *testing.B) {
	c := mustCodec(b, []string{vecSecret})
	cl := jwt.Claims{Name: "Ada Lovelace", Email: "ada@example.com",
		Picture: "https://avatars.example.com/u/1?v=4", Subject: "2b0b6a7c-3f51-4b8e-9a51-2f3f3c1c6d1e"}
	b.ReportAllocs()
	testenv.ReportCPU(b)
	for b.Loop() {
		if _, err := c.Encode(cl, jwt.DefaultSalt, time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawCBCHMAC is the floor for BenchmarkDecode: the authentication
// (HMAC-SHA-512 over AAD, IV, ciphertext and AL, constant-time compare) and
// AES-256-CBC decryption of the same token, from bytes already decoded,
// with the cipher, CBC mode and HMAC prepared once — no base64, no JSON, no
// checks.
func BenchmarkRawCBCHMAC(b *testing.B) {
	_, tok := benchToken(b)
	p := strings.Split(tok, ".")
	aad := []byte(p[0])
	iv, _ := b64.DecodeString(p[2])
	ct, _ := b64.DecodeString(p[3])
	tag, _ := b64.DecodeString(p[4])
	key, _ := jwt.DeriveKey(vecSecret, jwt.DefaultSalt, jwt.EncA256CBCHS512)
	block, _ := aes.NewCipher(key[32:])
	mac := hmac.New(sha512.New, key[:32])
	var al [8]byte
	binary.BigEndian.PutUint64(al[:], uint64(len(aad))*8)
	pt := make([]byte, len(ct))
	// One decrypter re-armed per call, as the codec does with its pool.
	dec := cipher.NewCBCDecrypter(block, iv)
	sum := make([]byte, 0, 64)
	b.SetBytes(int64(len(tok)))
	b.ReportAllocs()
	testenv.ReportCPU(b)
	for b.Loop() {
		mac.Reset()
		mac.Write(aad)
		mac.Write(iv)
		mac.Write(ct)
		mac.Write(al[:])
		if subtle.ConstantTimeCompare(mac.Sum(sum[:0])[:32], tag) != 1 {
			b.Fatal("tag mismatch")
		}
		dec.(interface{ SetIV([]byte) }).SetIV(iv)
		dec.CryptBlocks(pt, ct)
	}
	if pt[0] != '{' {
		b.Fatal("raw decryption did not yield JSON")
	}
}
