package authgo_test

// Attacks on the session cookie's JWE, sent through GET /api/auth/session
// as a browser would send them. Each forged token is built with go-jose, a
// JOSE implementation this project did not write, and differs from a token
// the server accepts (the control case) only in what the attack changes, so
// every refusal below is a refusal of that change.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/jwt"
)

const sessionCookie = "authjs.session-token"

// jweClaims are the claims of a session token for testUsers' Ada.
func jweClaims(exp time.Time) map[string]any {
	now := time.Now()
	return map[string]any{
		"sub": "user-1", "name": "Ada Lovelace", "email": "ada@example.com",
		"iat": now.Unix(), "exp": exp.Unix(), "jti": "4b1d7f51-3b0c-4b7e-9a35-0c8a1f2a6d11",
	}
}

// sealJWE encrypts claims as a compact JWE with alg dir, the given enc and
// key, and extra protected headers.
func sealJWE(t *testing.T, key []byte, enc jose.ContentEncryption, claims any, extra map[jose.HeaderKey]any) string {
	t.Helper()
	opts := (&jose.EncrypterOptions{ExtraHeaders: extra}).WithType("JWT")
	e, err := jose.NewEncrypter(enc, jose.Recipient{Algorithm: jose.DIRECT, Key: key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	pt, _ := json.Marshal(claims)
	obj, err := e.Encrypt(pt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// deriveKey is Auth.js's key for secret and salt (the cookie name).
func deriveKey(t *testing.T, secret, salt, enc string) []byte {
	t.Helper()
	k, err := jwt.DeriveKey(secret, salt, enc)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// sessionWith asks f's /session with the cookies given and returns the
// status and body.
func sessionWith(t *testing.T, f *fixture, cookies ...*http.Cookie) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.url("/api/auth/session"), nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAttackJWEForgedSessionTokensAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	key := deriveKey(t, testSecret, sessionCookie, jwt.EncA256CBCHS512)
	valid := jweClaims(time.Now().Add(time.Hour))

	// Control: a token go-jose seals with Auth.js's key is accepted, so the
	// refusals below come from what each case changes.
	if code, body := sessionWith(t, f, &http.Cookie{Name: sessionCookie, Value: sealJWE(t, key, jose.A256CBC_HS512, valid, nil)}); code != 200 || !strings.Contains(body, `"ada@example.com"`) {
		t.Fatalf("control token refused: %d %s", code, body)
	}

	b64 := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(valid)
	attackerKey := make([]byte, 64)
	for i := range attackerKey {
		attackerKey[i] = byte(i)
	}
	attackerJWK := jose.JSONWebKey{Key: attackerKey, KeyID: "attacker"}
	secureKey := deriveKey(t, testSecret, "__Secure-"+sessionCookie, jwt.EncA256CBCHS512)
	csrfKey := deriveKey(t, testSecret, "authjs.csrf-token", jwt.EncA256CBCHS512)
	otherSecretKey := deriveKey(t, strings.Repeat("q", 40), sessionCookie, jwt.EncA256CBCHS512)

	cases := map[string]string{
		// An unsigned JWS: alg "none" must never be accepted.
		"alg none JWS": b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64(payload) + ".",
		// A JWS MACed with the very key the JWE uses: a signed-only token
		// is not a session token.
		"HS512 JWS with the session key": hs512JWS(t, key[:], payload),
		// A weaker content encryption than Auth.js's is not negotiable.
		"enc A128CBC-HS256": sealJWE(t, key[:32], jose.A128CBC_HS256, valid, nil),
		// The attacker's own key, offered in the header: keys come only from
		// the secret.
		"embedded jwk": sealJWE(t, attackerKey, jose.A256CBC_HS512, valid, map[jose.HeaderKey]any{"jwk": attackerJWK}),
		"jku header":   sealJWE(t, attackerKey, jose.A256CBC_HS512, valid, map[jose.HeaderKey]any{"jku": "https://evil.example/keys"}),
		// Keys are separated by cookie name: a token for another cookie,
		// or for the https cookie, does not open as this one.
		"token for the __Secure- cookie": sealJWE(t, secureKey, jose.A256CBC_HS512, valid, nil),
		"token for the CSRF cookie":      sealJWE(t, csrfKey, jose.A256CBC_HS512, valid, nil),
		"another app's secret":           sealJWE(t, otherSecretKey, jose.A256CBC_HS512, valid, nil),
		// Compressed payloads (zip bombs) are refused as Auth.js refuses them.
		"zip DEF": sealJWE(t, key, jose.A256CBC_HS512, valid, map[jose.HeaderKey]any{"zip": "DEF"}),
		// crit names extensions the reader must understand.
		"crit header": sealJWE(t, key, jose.A256CBC_HS512, valid, map[jose.HeaderKey]any{"crit": []string{"exp"}, "exp": 1}),
		// Expired beyond Auth.js's 15 s clock tolerance.
		"expired": sealJWE(t, key, jose.A256CBC_HS512, jweClaims(time.Now().Add(-time.Minute)), nil),
		// A kid that names no configured secret.
		"unknown kid": sealJWE(t, key, jose.A256CBC_HS512, valid, map[jose.HeaderKey]any{"kid": "not-a-key-id"}),
	}
	for name, tok := range cases {
		code, body := sessionWith(t, f, &http.Cookie{Name: sessionCookie, Value: tok})
		if code != 200 || body != "null" {
			t.Errorf("%s: accepted or errored: %d %s", name, code, body)
		}
	}
	if n := strings.Count(f.logs.String(), "ada@example.com"); n != 0 {
		t.Errorf("a forged token's email reached the log %d times", n)
	}
}

// hs512JWS is a compact JWS over payload MACed with HS512 under key.
func hs512JWS(t *testing.T, key, payload []byte) string {
	t.Helper()
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS512, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	out, err := obj.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A session token too large for one cookie is chunked (.0, .1, …). Chunks
// of two genuine tokens spliced together do not make a token.
func TestAttackJWESplicedChunksAreRefused(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) {
		c.Callbacks.JWT = func(_ context.Context, p authgo.JWTParams) (*authgo.Token, error) {
			t := p.Token.Clone()
			if t.Extra == nil {
				t.Extra = map[string]any{}
			}
			t.Extra["blob"] = strings.Repeat("x", 3000) // two chunks of at most 3936 bytes
			return t, nil
		}
	})
	chunks := func(email, pw string) []*http.Cookie {
		g := newFixtureBrowser(f)
		location(t, g.signIn(email, pw))
		var out []*http.Cookie
		for i := 0; ; i++ {
			c := g.cookie(sessionCookie + "." + strconv.Itoa(i))
			if c == nil {
				break
			}
			out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
		}
		if len(out) != 2 {
			t.Fatalf("%d chunks after sign-in, want 2", len(out))
		}
		return out
	}
	ada := chunks("ada@example.com", "correct horse battery")
	grace := chunks("grace@example.com", "another long secret")
	if _, body := sessionWith(t, f, ada...); !strings.Contains(body, "ada@example.com") {
		t.Fatalf("control: Ada's own chunks give %s", body)
	}
	for name, cs := range map[string][]*http.Cookie{
		"Ada's head, Grace's tail": {ada[0], grace[1]},
		"Grace's head, Ada's tail": {grace[0], ada[1]},
		"chunks in reverse":        {{Name: ada[0].Name, Value: ada[1].Value}, {Name: ada[1].Name, Value: ada[0].Value}},
		"head only":                {ada[0]},
	} {
		if code, body := sessionWith(t, f, cs...); code != 200 || body != "null" {
			t.Errorf("%s: %d %s", name, code, body)
		}
	}
}

// newFixtureBrowser is a second browser (its own cookie jar) on f's server.
func newFixtureBrowser(f *fixture) *fixture {
	g := *f
	jar, _ := cookiejar.New(nil)
	g.client = &http.Client{Jar: jar, CheckRedirect: f.client.CheckRedirect}
	return &g
}
