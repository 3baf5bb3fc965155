package jwt_test

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authgo/authgo/jwt"
)

// Test vectors from the reference (verified against @auth/core 0.41.3).
const (
	vecSecret    = "test-secret-0123456789abcdef0123456789abcdef"
	vecKey       = "adeb8f2f94d0972e809e94b4c67445eb50dd61c053446cc33ef1c255a2b1bd5940439b6a439c1f27310c605eaa3d00a81f98365e50bb5a4df03ecce855b38eb7"
	vecKid       = "9E7QXx4DCQ1ODqnrsoJeKyBiTUQhXJZzsEevLBH8Ch2o_Dej27OxcC5EbbMLOFh0bG_9QnoIET15bVhi-d6szA"
	vecSecureKey = "649261df76879f62a5c6e400e0c8b81f95387083dd73dfdec58ba0d34ae48aed7141be2ceb049a56ca9f4f312d1a046f53240cb7827c3dde6c3576143b3ae335"
	vecSecureKid = "y3o8_RTwaVBWT0ff0dkmubKfoDRbgZ4OCUvPTUw1RSF0Xd3R2DTcaGtpyjMt5m5jeJRsKdsWm6VSTytf8d6Qsg"
	vecToken     = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoiOUU3UVh4NERDUTFPRHFucnNvSmVLeUJpVFVRaFhKWnpzRWV2TEJIOENoMm9fRGVqMjdPeGNDNUViYk1MT0ZoMGJHXzlRbm9JRVQxNWJWaGktZDZzekEifQ..Ber4MdqIkTmu-nzKphnhrw.HPAiwj61IUWBb_pD_zWFz-q1sq-O4855sTsTKUIsoDcImZ1AKFM6NCyC_vfcLXm57WXU0HPFxfFfdoKw3mzoDNkeeDk3A7j1_HeTo3xuruvvELVGcbj9pP7ezOUPUTezjo9tgn2CtqnyE7Phjma30Zcn4-3vDadpzNtzaQet6a938q_CqXN_r1IMdEPFAPtgtL9uj3aYiIreJuDzX1WoaQ.4jFvU-x2rpfASSugdFwQa66Zh1jxqut1dJ4kxSfh-Yo"
	vecPayload   = `{"name":"Ada Lovelace","email":"ada@example.com","picture":null,"sub":"user-1","iat":1795334138,"exp":2110694138,"jti":"9028edb3-7d85-4ef6-81ff-7628d6131329"}`
	vecIat       = 1795334138
)

// at returns a clock fixed at unix second s.
func at(s int64) jwt.Option {
	return jwt.WithClock(func() time.Time { return time.Unix(s, 0) })
}

func mustCodec(t testing.TB, secrets []string, opts ...jwt.Option) *jwt.Codec {
	t.Helper()
	c, err := jwt.NewCodec(secrets, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDeriveKeyVectors(t *testing.T) {
	for _, tc := range []struct{ salt, key, kid string }{
		{"authjs.session-token", vecKey, vecKid},
		{"__Secure-authjs.session-token", vecSecureKey, vecSecureKid},
	} {
		k, err := jwt.DeriveKey(vecSecret, tc.salt, jwt.EncA256CBCHS512)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(k); got != tc.key {
			t.Errorf("DeriveKey(%q) = %s, want %s", tc.salt, got, tc.key)
		}
		if got := jwt.KeyID(k); got != tc.kid {
			t.Errorf("KeyID(%q key) = %s, want %s", tc.salt, got, tc.kid)
		}
	}
	k, err := jwt.DeriveKey(vecSecret, jwt.DefaultSalt, jwt.EncA256GCM)
	if err != nil || len(k) != 32 {
		t.Fatalf("A256GCM key: len %d, err %v", len(k), err)
	}
	// HKDF output is a prefix-stable stream: the 32-byte key is the first
	// half of the 64-byte one.
	if hex.EncodeToString(k) != vecKey[:64] {
		t.Errorf("A256GCM key %x is not the first 32 bytes of the CBC key", k)
	}
	if _, err := jwt.DeriveKey(vecSecret, jwt.DefaultSalt, "A128GCM"); !errors.Is(err, jwt.ErrUnsupported) {
		t.Errorf("DeriveKey(A128GCM) error = %v, want ErrUnsupported", err)
	}
	if _, err := jwt.DeriveKey("", jwt.DefaultSalt, jwt.EncA256GCM); err == nil {
		t.Error("DeriveKey with an empty secret succeeded")
	}
}

func TestDecodeVectorToken(t *testing.T) {
	c := mustCodec(t, []string{vecSecret}, at(vecIat+60))
	got, err := c.Decode(vecToken, jwt.DefaultSalt)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(vecPayload), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode = %v, want %v", got, want)
	}

	var cl jwt.Claims
	if err := c.DecodeInto(vecToken, jwt.DefaultSalt, &cl); err != nil {
		t.Fatal(err)
	}
	wantCl := jwt.Claims{Name: "Ada Lovelace", Email: "ada@example.com", Subject: "user-1",
		IssuedAt: 1795334138, ExpiresAt: 2110694138, ID: "9028edb3-7d85-4ef6-81ff-7628d6131329"}
	if cl != wantCl {
		t.Fatalf("DecodeInto = %+v, want %+v", cl, wantCl)
	}

	// The same token under the https cookie name is another key.
	if _, err := c.Decode(vecToken, "__Secure-authjs.session-token"); !errors.Is(err, jwt.ErrNoMatchingSecret) {
		t.Fatalf("Decode with the wrong salt: %v, want ErrNoMatchingSecret", err)
	}
	// Expired at exp+15 (exp <= now-15), still valid one second before.
	if _, err := mustCodec(t, []string{vecSecret}, at(2110694138+14)).Decode(vecToken, jwt.DefaultSalt); err != nil {
		t.Fatalf("within tolerance: %v", err)
	}
	if _, err := mustCodec(t, []string{vecSecret}, at(2110694138+15)).Decode(vecToken, jwt.DefaultSalt); !errors.Is(err, jwt.ErrExpired) {
		t.Fatalf("at exp+15: %v, want ErrExpired", err)
	}
}

func TestNewCodecErrors(t *testing.T) {
	if _, err := jwt.NewCodec(nil); err == nil {
		t.Error("NewCodec(nil) succeeded")
	}
	if _, err := jwt.NewCodec([]string{"a", ""}); err == nil {
		t.Error("NewCodec with an empty secret succeeded")
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestEncodeSetsClaimsAndHeader(t *testing.T) {
	const now = 1_800_000_000
	c := mustCodec(t, []string{vecSecret}, at(now))
	tok, err := c.Encode(map[string]any{"sub": "u1", "iat": 1, "exp": "x", "jti": "old", "role": "admin"}, jwt.DefaultSalt, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 5 || parts[1] != "" {
		t.Fatalf("token %q is not a dir compact JWE", tok)
	}
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	if want := `{"alg":"dir","enc":"A256CBC-HS512","kid":"` + vecKid + `"}`; string(hdr) != want {
		t.Fatalf("header = %s, want %s", hdr, want)
	}
	if iv, _ := base64.RawURLEncoding.DecodeString(parts[2]); len(iv) != 16 {
		t.Fatalf("IV length %d", len(iv))
	}
	m, err := c.Decode(tok, jwt.DefaultSalt)
	if err != nil {
		t.Fatal(err)
	}
	if m["iat"] != float64(now) || m["exp"] != float64(now+3600) || m["sub"] != "u1" || m["role"] != "admin" {
		t.Fatalf("claims = %v", m)
	}
	if jti, _ := m["jti"].(string); !uuidRE.MatchString(jti) {
		t.Fatalf("jti %q is not a UUID v4", m["jti"])
	}
	tok2, _ := c.Encode(map[string]any{"sub": "u1"}, jwt.DefaultSalt, time.Hour)
	m2, _ := c.Decode(tok2, jwt.DefaultSalt)
	if m2["jti"] == m["jti"] {
		t.Fatal("two tokens share a jti")
	}

}

// TestEncodeDefaultsAndErrors covers the default max age, nil and struct
// claims, and the claims and ages Encode refuses.
func TestEncodeDefaultsAndErrors(t *testing.T) {
	const now = 1_800_000_000
	c := mustCodec(t, []string{vecSecret}, at(now))
	tok, err := c.Encode(nil, jwt.DefaultSalt, 0)
	if err != nil {
		t.Fatal(err)
	}
	var cl jwt.Claims
	if err := c.DecodeInto(tok, jwt.DefaultSalt, &cl); err != nil {
		t.Fatal(err)
	}
	if cl.ExpiresAt != now+int64(jwt.DefaultMaxAge/time.Second) || cl.IssuedAt != now {
		t.Fatalf("claims %+v", cl)
	}
	tok, err = c.Encode(jwt.Claims{Name: "Zoë 🦫", Subject: "s", IssuedAt: 5}, jwt.DefaultSalt, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	cl = jwt.Claims{}
	if err := c.DecodeInto(tok, jwt.DefaultSalt, &cl); err != nil {
		t.Fatal(err)
	}
	if cl.Name != "Zoë 🦫" || cl.IssuedAt != now || cl.ExpiresAt != now+60 {
		t.Fatalf("claims %+v", cl)
	}

	for _, bad := range []any{[]int{1}, "str", 42, json.RawMessage(`[1]`)} {
		if _, err := c.Encode(bad, jwt.DefaultSalt, 0); err == nil {
			t.Errorf("Encode(%#v) succeeded", bad)
		}
	}
	if _, err := c.Encode(nil, jwt.DefaultSalt, -time.Second); err == nil {
		t.Error("Encode with a negative maxAge succeeded")
	}
	if _, err := c.Encode(map[string]any{"f": func() {}}, jwt.DefaultSalt, 0); err == nil {
		t.Error("Encode of an unmarshalable value succeeded")
	}
}

func TestRotation(t *testing.T) {
	oldC := mustCodec(t, []string{"old-secret"})
	newC := mustCodec(t, []string{"new-secret", "old-secret"})
	oldTok, err := oldC.Encode(map[string]any{"v": "old"}, jwt.DefaultSalt, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := newC.Decode(oldTok, jwt.DefaultSalt)
	if err != nil || m["v"] != "old" {
		t.Fatalf("rotated codec reading an old token: %v %v", m, err)
	}
	newTok, _ := newC.Encode(map[string]any{"v": "new"}, jwt.DefaultSalt, 0)
	if _, err := oldC.Decode(newTok, jwt.DefaultSalt); !errors.Is(err, jwt.ErrNoMatchingSecret) {
		t.Fatalf("old codec reading a new token: %v, want ErrNoMatchingSecret", err)
	}
	k, _ := jwt.DeriveKey("new-secret", jwt.DefaultSalt, jwt.EncA256CBCHS512)
	hdr, _ := base64.RawURLEncoding.DecodeString(strings.Split(newTok, ".")[0])
	if !strings.Contains(string(hdr), jwt.KeyID(k)) {
		t.Fatalf("new token is not encrypted with the first secret: %s", hdr)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := mustCodec(t, []string{"s1", "s2"})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			salt := []string{jwt.DefaultSalt, "__Secure-" + jwt.DefaultSalt}[i%2]
			for j := range 50 {
				tok, err := c.Encode(map[string]any{"i": i, "j": j}, salt, 0)
				if err != nil {
					errs <- err
					return
				}
				var got struct{ I, J int }
				if err := c.DecodeInto(tok, salt, &got); err != nil || got.I != i || got.J != j {
					errs <- errors.New("concurrent round trip mismatch")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
