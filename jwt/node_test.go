package jwt_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/jwt"
)

// coreDecode asks @auth/core to decode each token; a token it refuses comes
// back as {"error": "<name>: <message>"}.
const coreDecodeScript = `
import { decode } from "@auth/core/jwt";
import { readFileSync } from "node:fs";
const { secret, salt, tokens } = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const token of tokens) {
  try { out.push(await decode({ token, secret, salt })); }
  catch (e) { out.push({ error: e.name + ": " + e.message }); }
}
console.log(JSON.stringify(out));
`

// coreEncode asks @auth/core to encode each payload.
const coreEncodeScript = `
import { encode } from "@auth/core/jwt";
import { readFileSync } from "node:fs";
const { secret, salt, maxAge, payloads } = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const token of payloads) out.push(await encode({ token, secret, salt, maxAge }));
console.log(JSON.stringify(out));
`

func runJSON(t *testing.T, script string, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	res := testenv.RunNode(t, script, b)
	if err := json.Unmarshal(res, out); err != nil {
		t.Fatalf("node output %q: %v", res, err)
	}
}

func coreDecode(t *testing.T, secret any, salt string, tokens ...string) []map[string]any {
	t.Helper()
	var out []map[string]any
	runJSON(t, coreDecodeScript, map[string]any{"secret": secret, "salt": salt, "tokens": tokens}, &out)
	return out
}

func coreEncode(t *testing.T, secret any, salt string, maxAge int, payloads ...any) []string {
	t.Helper()
	var out []string
	runJSON(t, coreEncodeScript, map[string]any{"secret": secret, "salt": salt, "maxAge": maxAge, "payloads": payloads}, &out)
	return out
}

// payloads used both ways: default claims, unicode, nested values, and one
// large enough to be chunked over two cookies.
func compatPayloads() []map[string]any {
	return []map[string]any{
		{"name": "Ada Lovelace", "email": "ada@example.com", "picture": nil, "sub": "user-1"},
		{"name": "Zoë Ångström 日本語 🦫", "email": "zoë@exämple.org", "sub": "ünï", "note": "line\nbreak \"quoted\" \\ \u2028"},
		{"sub": "u", "roles": []any{"admin", "user"}, "org": map[string]any{"id": float64(7), "tags": []any{}}, "n": 1.5, "ok": true},
		{"sub": "big", "blob": strings.Repeat("0123456789abcdef", 400)},
	}
}

func TestGoEncodeCoreDecode(t *testing.T) {
	for _, salt := range []string{jwt.DefaultSalt, "__Secure-authjs.session-token"} {
		c := mustCodec(t, []string{vecSecret})
		var toks []string
		for _, p := range compatPayloads() {
			tok, err := c.Encode(p, salt, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			toks = append(toks, tok)
		}
		got := coreDecode(t, vecSecret, salt, toks...)
		for i, p := range compatPayloads() {
			if e, ok := got[i]["error"]; ok {
				t.Fatalf("core refused Go token %d (salt %s): %v", i, salt, e)
			}
			for k, v := range p {
				if !reflect.DeepEqual(got[i][k], v) {
					t.Errorf("payload %d claim %s: core read %#v, want %#v", i, k, got[i][k], v)
				}
			}
			iat, exp := got[i]["iat"].(float64), got[i]["exp"].(float64)
			if exp-iat != 3600 {
				t.Errorf("payload %d: exp-iat = %v, want 3600", i, exp-iat)
			}
			if jti, _ := got[i]["jti"].(string); !uuidRE.MatchString(jti) {
				t.Errorf("payload %d: jti %q", i, got[i]["jti"])
			}
		}
	}
}

func TestCoreEncodeGoDecode(t *testing.T) {
	for _, salt := range []string{jwt.DefaultSalt, "__Secure-authjs.session-token"} {
		toks := coreEncode(t, vecSecret, salt, 3600, anySlice(compatPayloads())...)
		c := mustCodec(t, []string{vecSecret})
		for i, p := range compatPayloads() {
			m, err := c.Decode(toks[i], salt)
			if err != nil {
				t.Fatalf("Go refused core token %d (salt %s): %v", i, salt, err)
			}
			for k, v := range p {
				if !reflect.DeepEqual(m[k], v) {
					t.Errorf("payload %d claim %s: Go read %#v, want %#v", i, k, m[k], v)
				}
			}
			if m["exp"].(float64)-m["iat"].(float64) != 3600 {
				t.Errorf("payload %d: iat %v exp %v", i, m["iat"], m["exp"])
			}
		}
		// Typed decode of core's default claims.
		var cl jwt.Claims
		if err := c.DecodeInto(toks[0], salt, &cl); err != nil || cl.Name != "Ada Lovelace" || cl.Subject != "user-1" || cl.ID == "" {
			t.Fatalf("DecodeInto core token: %+v %v", cl, err)
		}
		// Core's token under the other salt is refused.
		other := jwt.DefaultSalt
		if salt == other {
			other = "__Secure-authjs.session-token"
		}
		if _, err := c.Decode(toks[0], other); !errors.Is(err, jwt.ErrNoMatchingSecret) {
			t.Fatalf("core token under salt %s: %v", other, err)
		}
	}
	// Expired core token: maxAge -60 gives exp = now-60.
	tok := coreEncode(t, vecSecret, jwt.DefaultSalt, -60, map[string]any{"sub": "x"})[0]
	if _, err := mustCodec(t, []string{vecSecret}).Decode(tok, jwt.DefaultSalt); !errors.Is(err, jwt.ErrExpired) {
		t.Fatalf("expired core token: %v", err)
	}
}

func anySlice(ps []map[string]any) []any {
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

func TestRotationAgainstCore(t *testing.T) {
	oldS, newS := "old-secret-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "new-secret-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	rotated := []string{newS, oldS}

	// core made tokens with the old secret and with the rotated list; Go
	// with the rotated list reads both.
	coreToks := coreEncode(t, []string{oldS}, jwt.DefaultSalt, 600, map[string]any{"v": "old"})
	coreToks = append(coreToks, coreEncode(t, rotated, jwt.DefaultSalt, 600, map[string]any{"v": "new"})...)
	goRot := mustCodec(t, rotated)
	for i, want := range []string{"old", "new"} {
		m, err := goRot.Decode(coreToks[i], jwt.DefaultSalt)
		if err != nil || m["v"] != want {
			t.Fatalf("Go rotated codec on core token %d: %v %v", i, m, err)
		}
	}
	// Go with only the old secret cannot read core's new token.
	if _, err := mustCodec(t, []string{oldS}).Decode(coreToks[1], jwt.DefaultSalt); !errors.Is(err, jwt.ErrNoMatchingSecret) {
		t.Fatalf("old-only Go codec on a new core token: %v", err)
	}

	// Go made tokens with the old secret and the rotated list; core with
	// the rotated list reads both, and core with the old one only refuses
	// the new token with its own "no matching decryption secret".
	oldTok, _ := mustCodec(t, []string{oldS}).Encode(map[string]any{"v": "old"}, jwt.DefaultSalt, 0)
	newTok, _ := goRot.Encode(map[string]any{"v": "new"}, jwt.DefaultSalt, 0)
	got := coreDecode(t, rotated, jwt.DefaultSalt, oldTok, newTok)
	if got[0]["v"] != "old" || got[1]["v"] != "new" {
		t.Fatalf("core rotated decode of Go tokens: %v", got)
	}
	got = coreDecode(t, []string{oldS}, jwt.DefaultSalt, newTok)
	if e, _ := got[0]["error"].(string); !strings.Contains(e, "no matching decryption secret") {
		t.Fatalf("core old-only decode of a new Go token: %v", got)
	}
}

// joseScript builds tokens with jose and @panva/hkdf (the libraries
// @auth/core itself uses) for the cases core's encode never makes: A256GCM
// with and without kid, a v5 CBC token without kid, and a NextAuth v4
// session token. It prints the tokens and core's decode of the GCM ones.
const joseScript = `
import { EncryptJWT, calculateJwkThumbprint, base64url } from "jose";
import { hkdf } from "@panva/hkdf";
import { decode } from "@auth/core/jwt";
import { readFileSync } from "node:fs";
const { secret, salt, payload } = JSON.parse(readFileSync(0, "utf8"));
const info = "Auth.js Generated Encryption Key (" + salt + ")";
const gcmKey = await hkdf("sha256", secret, salt, info, 32);
const cbcKey = await hkdf("sha256", secret, salt, info, 64);
const gcmKid = await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(gcmKey) }, "sha256");
const now = (Date.now() / 1000) | 0;
const make = (hdr, key) => new EncryptJWT(payload).setProtectedHeader(hdr)
  .setIssuedAt(now).setExpirationTime(now + 3600).setJti(crypto.randomUUID()).encrypt(key);
const gcm = await make({ alg: "dir", enc: "A256GCM", kid: gcmKid }, gcmKey);
const gcmNoKid = await make({ alg: "dir", enc: "A256GCM" }, gcmKey);
const cbcNoKid = await make({ alg: "dir", enc: "A256CBC-HS512" }, cbcKey);
const v4Key = await hkdf("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32);
const v4 = await make({ alg: "dir", enc: "A256GCM" }, v4Key);
const coreReads = [];
for (const token of [gcm, gcmNoKid, cbcNoKid]) coreReads.push(await decode({ token, secret, salt }));
console.log(JSON.stringify({ gcm, gcmNoKid, cbcNoKid, v4, coreReads }));
`

func TestJoseVariants(t *testing.T) {
	payload := map[string]any{"sub": "gcm-user", "name": "Grace 🦫"}
	var out struct {
		GCM, GCMNoKid, CBCNoKid, V4 string
		CoreReads                   []map[string]any
	}
	runJSON(t, joseScript, map[string]any{"secret": vecSecret, "salt": jwt.DefaultSalt, "payload": payload}, &out)
	for i, r := range out.CoreReads {
		if r["sub"] != "gcm-user" {
			t.Fatalf("core itself did not read variant %d: %v", i, r)
		}
	}
	c := mustCodec(t, []string{vecSecret})
	for name, tok := range map[string]string{"A256GCM": out.GCM, "A256GCM without kid": out.GCMNoKid, "A256CBC-HS512 without kid": out.CBCNoKid} {
		m, err := c.Decode(tok, jwt.DefaultSalt)
		if err != nil || m["sub"] != "gcm-user" || m["name"] != "Grace 🦫" {
			t.Errorf("%s: %v %v", name, m, err)
		}
	}
	// v4: read with DecodeV4, with the secret second in the list too.
	for _, secrets := range [][]string{{vecSecret}, {"newer-secret", vecSecret}} {
		var cl jwt.Claims
		if err := mustCodec(t, secrets).DecodeV4(out.V4, &cl); err != nil || cl.Subject != "gcm-user" || cl.ExpiresAt-cl.IssuedAt != 3600 {
			t.Errorf("DecodeV4 with %d secrets: %+v %v", len(secrets), cl, err)
		}
	}
	if _, err := c.Decode(out.V4, jwt.DefaultSalt); !errors.Is(err, jwt.ErrDecryption) {
		t.Errorf("v5 Decode of a v4 token: %v, want ErrDecryption", err)
	}
	var m map[string]any
	if err := mustCodec(t, []string{"other"}).DecodeV4(out.V4, &m); !errors.Is(err, jwt.ErrDecryption) {
		t.Errorf("DecodeV4 with the wrong secret: %v", err)
	}
}
