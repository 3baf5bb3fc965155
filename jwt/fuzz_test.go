package jwt_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/authgo/authgo/jwt"
)

// FuzzDecode feeds Decode arbitrary tokens, and arbitrary payloads sealed
// under the right key so the claim checks and JSON paths are reached. It
// checks that nothing panics, that every error is one of the sentinels (or
// a type error from the destination), that what Decode accepts is what
// encoding/json reads, and that Encode output round trips.
func FuzzDecode(f *testing.F) {
	const now = 1_800_000_000
	c := mustCodec(f, []string{vecSecret}, at(now))
	valid, _ := c.Encode(map[string]any{"sub": "u"}, jwt.DefaultSalt, 0)
	f.Add(vecToken, []byte(vecPayload), "Ada")
	f.Add(valid, []byte(`{"exp":1800000100,"name":"x"}`), "Zoë 🦫")
	f.Add("a.b.c.d.e", []byte(`{"\u0065xp":1}`), "")
	f.Add("....", []byte(`[]`), "\x00\xff")
	f.Add(valid[:40], []byte(`{"name":"a\"b","iat":null,"exp":1e20,"nbf":-1}`), "\"")
	f.Add("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAAAAAAAAAAAAAA.AA.AAAAAAAAAAAAAAAAAAAAAA", []byte(`{"a":[{"b":"}"}]}`), "x")
	key, _ := jwt.DeriveKey(vecSecret, jwt.DefaultSalt, jwt.EncA256CBCHS512)
	hdr := `{"alg":"dir","enc":"A256CBC-HS512","kid":"` + jwt.KeyID(key) + `"}`
	sentinels := []error{jwt.ErrMalformed, jwt.ErrUnsupported, jwt.ErrNoMatchingSecret, jwt.ErrDecryption, jwt.ErrExpired, jwt.ErrNotYetValid}
	isSentinel := func(err error) bool {
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return true
			}
		}
		return false
	}
	f.Fuzz(func(t *testing.T, token string, payload []byte, name string) {
		// 1. Arbitrary tokens.
		m, err := c.Decode(token, jwt.DefaultSalt)
		if err != nil && !isSentinel(err) {
			t.Fatalf("Decode error %v is no sentinel", err)
		}
		if err == nil && m == nil {
			t.Fatal("Decode succeeded with nil claims")
		}

		// 2. Arbitrary payloads under the right key.
		tok := sealCBC(t, key, hdr, append([]byte(nil), payload...), true)
		m, err = c.Decode(tok, jwt.DefaultSalt)
		var want map[string]any
		jerr := json.Unmarshal(payload, &want)
		switch {
		case err == nil:
			if jerr != nil || want == nil {
				t.Fatalf("Decode accepted %q, which encoding/json refuses (%v)", payload, jerr)
			}
			if !reflect.DeepEqual(m, want) {
				t.Fatalf("Decode(%q) = %v, encoding/json reads %v", payload, m, want)
			}
		case !isSentinel(err):
			t.Fatalf("Decode(%q) error %v is no sentinel", payload, err)
		case jerr != nil && !errors.Is(err, jwt.ErrMalformed):
			t.Fatalf("invalid JSON %q gave %v, want ErrMalformed", payload, err)
		}
		// The typed fast path agrees with encoding/json on the same payload.
		if err == nil {
			var got, ref jwt.Claims
			gerr := c.DecodeInto(tok, jwt.DefaultSalt, &got)
			type plain jwt.Claims
			rerr := json.Unmarshal(payload, (*plain)(&ref))
			if (gerr == nil) != (rerr == nil) || got != ref {
				t.Fatalf("DecodeInto(%q) = %+v, %v; encoding/json: %+v, %v", payload, got, gerr, ref, rerr)
			}
		}

		// 3. Encode round trips.
		tok, err = c.Encode(map[string]any{"name": name, "iat": name}, jwt.DefaultSalt, 0)
		if err != nil {
			t.Fatal(err)
		}
		var cl jwt.Claims
		if err := c.DecodeInto(tok, jwt.DefaultSalt, &cl); err != nil {
			t.Fatalf("round trip of %q: %v", name, err)
		}
		if utf8.ValidString(name) && cl.Name != name {
			t.Fatalf("round trip of %q gave %q", name, cl.Name)
		}
		if cl.IssuedAt != now || cl.ExpiresAt == 0 || cl.ID == "" {
			t.Fatalf("round trip claims %+v", cl)
		}
	})
}
