package jwt_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/authgo/authgo/jwt"
)

var b64 = base64.RawURLEncoding

// sealCBC builds a dir + A256CBC-HS512 JWE by hand with any header and
// plaintext (padding included when pad is true), so tests can make tokens
// Encode refuses to make.
func sealCBC(t testing.TB, key []byte, header string, plaintext []byte, pad bool) string {
	t.Helper()
	if pad {
		n := 16 - len(plaintext)%16
		for range n {
			plaintext = append(plaintext, byte(n))
		}
	}
	iv := make([]byte, 16)
	rand.Read(iv)
	block, _ := aes.NewCipher(key[32:])
	ct := make([]byte, len(plaintext))
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, plaintext)
	h := b64.EncodeToString([]byte(header))
	mac := hmac.New(sha512.New, key[:32])
	mac.Write([]byte(h))
	mac.Write(iv)
	mac.Write(ct)
	var al [8]byte
	binary.BigEndian.PutUint64(al[:], uint64(len(h))*8)
	mac.Write(al[:])
	return h + ".." + b64.EncodeToString(iv) + "." + b64.EncodeToString(ct) + "." + b64.EncodeToString(mac.Sum(nil)[:32])
}

// sealGCM builds a dir + A256GCM JWE by hand.
func sealGCM(t testing.TB, key []byte, header string, plaintext []byte) string {
	t.Helper()
	block, _ := aes.NewCipher(key)
	g, _ := cipher.NewGCM(block)
	iv := make([]byte, 12)
	rand.Read(iv)
	h := b64.EncodeToString([]byte(header))
	sealed := g.Seal(nil, iv, plaintext, []byte(h))
	ct, tag := sealed[:len(sealed)-16], sealed[len(sealed)-16:]
	return h + ".." + b64.EncodeToString(iv) + "." + b64.EncodeToString(ct) + "." + b64.EncodeToString(tag)
}

// flip changes the first character of segment i of token to another valid
// base64url character.
func flip(token string, i int) string {
	p := strings.Split(token, ".")
	c := byte('A')
	if p[i][0] == 'A' {
		c = 'B'
	}
	p[i] = string(c) + p[i][1:]
	return strings.Join(p, ".")
}

func TestDecodeBadInput(t *testing.T) {
	const now = 1_800_000_000
	key, _ := jwt.DeriveKey(vecSecret, jwt.DefaultSalt, jwt.EncA256CBCHS512)
	gcmKey, _ := jwt.DeriveKey(vecSecret, jwt.DefaultSalt, jwt.EncA256GCM)
	kidHdr := `{"alg":"dir","enc":"A256CBC-HS512","kid":"` + jwt.KeyID(key) + `"}`
	noKid := `{"alg":"dir","enc":"A256CBC-HS512"}`
	good := `{"sub":"u","exp":1800003600}`
	c := mustCodec(t, []string{vecSecret}, at(now))
	valid, err := c.Encode(map[string]any{"sub": "u"}, jwt.DefaultSalt, 0)
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(valid, ".")
	otherKey, _ := jwt.DeriveKey("another-secret", jwt.DefaultSalt, jwt.EncA256CBCHS512)

	cases := []struct {
		name  string
		token string
		want  error
	}{
		{"empty", "", jwt.ErrMalformed},
		{"garbage", "not a token", jwt.ErrMalformed},
		{"truncated", valid[:len(valid)-5], jwt.ErrMalformed},
		{"truncated to the header", p[0], jwt.ErrMalformed},
		{"four segments", strings.Join(p[:4], "."), jwt.ErrMalformed},
		{"six segments", valid + ".x", jwt.ErrMalformed},
		{"encrypted key with dir", p[0] + ".AAAA." + strings.Join(p[2:], "."), jwt.ErrMalformed},
		{"bad base64 header", "e!" + valid[2:], jwt.ErrMalformed},
		{"padded base64 iv", p[0] + ".." + p[2] + "==." + p[3] + "." + p[4], jwt.ErrMalformed},
		{"bad base64 iv", p[0] + ".." + "!" + p[2][1:] + "." + p[3] + "." + p[4], jwt.ErrMalformed},
		{"bad base64 ciphertext", p[0] + ".." + p[2] + "." + "*" + p[3][1:] + "." + p[4], jwt.ErrMalformed},
		{"bad base64 tag", p[0] + ".." + p[2] + "." + p[3] + "." + "$" + p[4][1:], jwt.ErrMalformed},
		{"short iv", p[0] + ".." + p[2][:20] + "." + p[3] + "." + p[4], jwt.ErrMalformed},
		{"short tag", p[0] + ".." + p[2] + "." + p[3] + "." + p[4][:40], jwt.ErrMalformed},
		{"ciphertext not whole blocks", p[0] + ".." + p[2] + "." + p[3][:len(p[3])-4] + "." + p[4], jwt.ErrMalformed},
		{"empty ciphertext", p[0] + ".." + p[2] + ".." + p[4], jwt.ErrMalformed},
		{"tampered header kid", b64.EncodeToString([]byte(`{"alg":"dir","enc":"A256CBC-HS512","kid":"x`+jwt.KeyID(key)[1:]+`"}`)) + "." + strings.Join(p[1:], "."), jwt.ErrNoMatchingSecret},
		{"tampered header order", b64.EncodeToString([]byte(`{"enc":"A256CBC-HS512","alg":"dir","kid":"`+jwt.KeyID(key)+`"}`)) + "." + strings.Join(p[1:], "."), jwt.ErrDecryption},
		{"tampered iv", flip(valid, 2), jwt.ErrDecryption},
		{"tampered ciphertext", flip(valid, 3), jwt.ErrDecryption},
		{"tampered tag", flip(valid, 4), jwt.ErrDecryption},
		{"wrong secret with kid", sealCBC(t, otherKey, `{"alg":"dir","enc":"A256CBC-HS512","kid":"`+jwt.KeyID(otherKey)+`"}`, []byte(good), true), jwt.ErrNoMatchingSecret},
		{"wrong secret without kid", sealCBC(t, otherKey, noKid, []byte(good), true), jwt.ErrDecryption},
		{"bad padding under a valid tag", sealCBC(t, key, kidHdr, []byte(`{"sub":"u"}01234`), false), jwt.ErrDecryption},
		{"zero padding under a valid tag", sealCBC(t, key, kidHdr, append([]byte(`{"sub":"u"}     `), make([]byte, 16)...), false), jwt.ErrDecryption},
		{"expired", sealCBC(t, key, kidHdr, []byte(`{"exp":1799999985}`), true), jwt.ErrExpired},
		{"nbf in the future", sealCBC(t, key, kidHdr, []byte(`{"nbf":1800000016,"exp":1800003600}`), true), jwt.ErrNotYetValid},
		{"alg A256KW", sealCBC(t, key, `{"alg":"A256KW","enc":"A256CBC-HS512"}`, []byte(good), true), jwt.ErrUnsupported},
		{"alg none", b64.EncodeToString([]byte(`{"alg":"none"}`)) + ".." + p[2] + "." + p[3] + "." + p[4], jwt.ErrMalformed},
		{"enc unknown", sealCBC(t, key, `{"alg":"dir","enc":"A128CBC-HS256"}`, []byte(good), true), jwt.ErrUnsupported},
		{"zip", sealCBC(t, key, `{"alg":"dir","enc":"A256CBC-HS512","zip":"DEF"}`, []byte(good), true), jwt.ErrUnsupported},
		{"crit", sealCBC(t, key, `{"alg":"dir","enc":"A256CBC-HS512","crit":["x"],"x":1}`, []byte(good), true), jwt.ErrUnsupported},
		{"header in other case", sealCBC(t, key, `{"ALG":"dir","ENC":"A256CBC-HS512"}`, []byte(good), true), jwt.ErrMalformed},
		{"header not an object", sealCBC(t, key, `["dir"]`, []byte(good), true), jwt.ErrMalformed},
		{"kid not a string", sealCBC(t, key, `{"alg":"dir","enc":"A256CBC-HS512","kid":7}`, []byte(good), true), jwt.ErrMalformed},
		{"payload array", sealCBC(t, key, kidHdr, []byte(`[1,2]`), true), jwt.ErrMalformed},
		{"payload null", sealCBC(t, key, kidHdr, []byte(`null`), true), jwt.ErrMalformed},
		{"payload string", sealCBC(t, key, kidHdr, []byte(`"s"`), true), jwt.ErrMalformed},
		{"payload invalid JSON", sealCBC(t, key, kidHdr, []byte(`{"a":}`), true), jwt.ErrMalformed},
		{"payload trailing data", sealCBC(t, key, kidHdr, []byte(`{"a":1} x`), true), jwt.ErrMalformed},
		{"payload empty", sealCBC(t, key, kidHdr, nil, true), jwt.ErrMalformed},
		{"exp a string", sealCBC(t, key, kidHdr, []byte(`{"exp":"1900000000"}`), true), jwt.ErrMalformed},
		{"iat null", sealCBC(t, key, kidHdr, []byte(`{"iat":null}`), true), jwt.ErrMalformed},
		{"nbf an object", sealCBC(t, key, kidHdr, []byte(`{"nbf":{}}`), true), jwt.ErrMalformed},
		{"escaped exp key expired", sealCBC(t, key, kidHdr, []byte(`{"\u0065xp":1000}`), true), jwt.ErrExpired},
		{"duplicate exp, last wins", sealCBC(t, key, kidHdr, []byte(`{"exp":1900000000,"exp":1000}`), true), jwt.ErrExpired},
		{"gcm tampered", flip(sealGCM(t, gcmKey, `{"alg":"dir","enc":"A256GCM"}`, []byte(good)), 3), jwt.ErrDecryption},
		{"gcm cbc-sized iv", func() string {
			q := strings.Split(sealGCM(t, gcmKey, `{"alg":"dir","enc":"A256GCM"}`, []byte(good)), ".")
			return q[0] + ".." + p[2] + "." + q[3] + "." + q[4]
		}(), jwt.ErrMalformed},
		{"huge", valid[:len(p[0])+2] + strings.Repeat("A", jwt.MaxTokenSize), jwt.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := c.Decode(tc.token, jwt.DefaultSalt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode = %v, %v; want error %v", m, err, tc.want)
			}
			if m != nil {
				t.Fatalf("Decode returned claims %v with an error", m)
			}
			if strings.Contains(err.Error(), vecSecret) || (len(tc.token) > 20 && strings.Contains(err.Error(), tc.token)) {
				t.Fatalf("error %q leaks the secret or the token", err)
			}
		})
	}
	// Sanity: the hand-made tokens are right when nothing is wrong with them.
	for _, tok := range []string{
		sealCBC(t, key, kidHdr, []byte(good), true),
		sealCBC(t, key, noKid, []byte(good), true),
		sealGCM(t, gcmKey, `{"alg":"dir","enc":"A256GCM","kid":"`+jwt.KeyID(gcmKey)+`"}`, []byte(good)),
		sealGCM(t, gcmKey, `{"alg":"dir","enc":"A256GCM"}`, []byte(good)),
		sealCBC(t, key, `{"alg":"dir","enc":"A256CBC-HS512","typ":"JWT","kid":"`+jwt.KeyID(key)+`"}`, []byte(good), true),
	} {
		if m, err := c.Decode(tok, jwt.DefaultSalt); err != nil || m["sub"] != "u" {
			t.Fatalf("hand-made token: %v %v", m, err)
		}
	}
}

func TestNoKidUsesFirstSecretOnly(t *testing.T) {
	key0, _ := jwt.DeriveKey("first", jwt.DefaultSalt, jwt.EncA256CBCHS512)
	key1, _ := jwt.DeriveKey("second", jwt.DefaultSalt, jwt.EncA256CBCHS512)
	noKid := `{"alg":"dir","enc":"A256CBC-HS512"}`
	c := mustCodec(t, []string{"first", "second"})
	if _, err := c.Decode(sealCBC(t, key0, noKid, []byte(`{}`), true), jwt.DefaultSalt); err != nil {
		t.Fatalf("no-kid token of the first secret: %v", err)
	}
	if _, err := c.Decode(sealCBC(t, key1, noKid, []byte(`{}`), true), jwt.DefaultSalt); !errors.Is(err, jwt.ErrDecryption) {
		t.Fatalf("no-kid token of the second secret: %v, want ErrDecryption (Auth.js tries only the first)", err)
	}
	withKid := `{"alg":"dir","enc":"A256CBC-HS512","kid":"` + jwt.KeyID(key1) + `"}`
	if _, err := c.Decode(sealCBC(t, key1, withKid, []byte(`{}`), true), jwt.DefaultSalt); err != nil {
		t.Fatalf("kid token of the second secret: %v", err)
	}
}

func TestDecodeIntoErrors(t *testing.T) {
	c := mustCodec(t, []string{vecSecret})
	tok, _ := c.Encode(map[string]any{"sub": 5}, jwt.DefaultSalt, 0)
	var s struct {
		Sub string `json:"sub"`
	}
	err := c.DecodeInto(tok, jwt.DefaultSalt, &s)
	if err == nil {
		t.Fatal("DecodeInto a mismatched type succeeded")
	}
	if errors.Is(err, jwt.ErrMalformed) || errors.Is(err, jwt.ErrDecryption) {
		t.Fatalf("a type mismatch is reported as a token problem: %v", err)
	}
	if err := c.DecodeInto(tok, jwt.DefaultSalt, s); err == nil {
		t.Fatal("DecodeInto a non-pointer succeeded")
	}
}

func TestDecodeV4(t *testing.T) {
	// A v4 key made independently of the package's own derivation is
	// checked against the Node reference in node_test.go; here the
	// rotation and refusal rules.
	c := mustCodec(t, []string{"v5-secret"})
	var m map[string]any
	if err := c.DecodeV4(vecToken, &m); !errors.Is(err, jwt.ErrUnsupported) {
		t.Fatalf("DecodeV4 of a v5 token: %v, want ErrUnsupported", err)
	}
	gcmKey, _ := jwt.DeriveKey(vecSecret, jwt.DefaultSalt, jwt.EncA256GCM)
	v5gcm := sealGCM(t, gcmKey, `{"alg":"dir","enc":"A256GCM"}`, []byte(`{}`))
	if err := mustCodec(t, []string{vecSecret}).DecodeV4(v5gcm, &m); !errors.Is(err, jwt.ErrDecryption) {
		t.Fatalf("DecodeV4 of a v5 A256GCM token: %v, want ErrDecryption", err)
	}
}
