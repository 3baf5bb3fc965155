package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/jwt"
)

const testSecret = "cli-test-secret-0123456789abcdef0123456789"

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("output %q is not a JSON object: %v", s, err)
	}
	return m
}

func TestTokenRoundTrip(t *testing.T) {
	code, tok, errOut := runCLI(t, `{"sub":"u1","name":"Zoë 🦫","roles":["admin"]}`, "token", "encode", "--secret", testSecret, "--max-age", "600")
	if code != 0 || errOut != "" {
		t.Fatalf("encode: exit %d, stderr %q", code, errOut)
	}
	tok = strings.TrimSpace(tok)
	if strings.Count(tok, ".") != 4 {
		t.Fatalf("encode printed %q", tok)
	}
	code, out, errOut := runCLI(t, tok+"\n", "token", "decode", "--secret", testSecret)
	if code != 0 || errOut != "" {
		t.Fatalf("decode: exit %d, stderr %q", code, errOut)
	}
	m := decodeJSON(t, out)
	if m["sub"] != "u1" || m["name"] != "Zoë 🦫" || m["exp"].(float64)-m["iat"].(float64) != 600 {
		t.Fatalf("payload %v", m)
	}

	// The token is a real Auth.js token: the jwt package reads it too.
	c, _ := jwt.NewCodec([]string{testSecret})
	if _, err := c.Decode(tok, jwt.DefaultSalt); err != nil {
		t.Fatal(err)
	}

	// Secrets from AUTH_SECRET, a comma list with the right one second.
	t.Setenv("AUTH_SECRET", "other-secret, "+testSecret)
	if code, out, _ := runCLI(t, tok, "token", "decode"); code != 0 || decodeJSON(t, out)["sub"] != "u1" {
		t.Fatalf("decode with AUTH_SECRET list: exit %d", code)
	}
	// AUTH_SECRET_1 comes first, so it encrypts.
	t.Setenv("AUTH_SECRET_1", "newest-secret")
	_, tok2, _ := runCLI(t, `{}`, "token", "encode")
	newest, _ := jwt.NewCodec([]string{"newest-secret"})
	if _, err := newest.Decode(strings.TrimSpace(tok2), jwt.DefaultSalt); err != nil {
		t.Fatalf("token made with AUTH_SECRET_1 set: %v", err)
	}

	// Another salt.
	_, tok3, _ := runCLI(t, `{"a":1}`, "token", "encode", "--secret", testSecret, "--salt", "__Secure-authjs.session-token")
	if code, _, errOut := runCLI(t, tok3, "token", "decode", "--secret", testSecret); code != 1 || !strings.Contains(errOut, "--salt") {
		t.Fatalf("decode under the wrong salt: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := runCLI(t, tok3, "token", "decode", "--secret", testSecret, "--salt", "__Secure-authjs.session-token"); code != 0 {
		t.Fatalf("decode with --salt: exit %d", code)
	}
}

func TestTokenDecodeCookieHeader(t *testing.T) {
	c, _ := jwt.NewCodec([]string{testSecret})
	big, err := c.Encode(map[string]any{"sub": "big", "blob": strings.Repeat("x", 6000)}, jwt.DefaultSalt, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	const chunk = 3936 // Auth.js's chunk size
	var parts []string
	for i := 0; i*chunk < len(big); i++ {
		parts = append(parts, big[i*chunk:min((i+1)*chunk, len(big))])
	}
	if len(parts) < 3 {
		t.Fatalf("token of %d chars made %d chunks", len(big), len(parts))
	}
	// Out of order, among other cookies, with a "Cookie:" prefix.
	line := "Cookie: theme=dark; authjs.session-token.2=" + parts[2] +
		"; authjs.session-token.0=" + parts[0] + "; authjs.csrf-token=abc%7Cdef; authjs.session-token.1=" + parts[1]
	code, out, errOut := runCLI(t, line+"\n", "token", "decode", "--secret", testSecret)
	if code != 0 {
		t.Fatalf("chunked Cookie header: exit %d, stderr %q", code, errOut)
	}
	if m := decodeJSON(t, out); m["sub"] != "big" || len(m["blob"].(string)) != 6000 {
		t.Fatalf("payload sub=%v", m["sub"])
	}
	// Without the prefix, and the https cookie found without --salt.
	sec, _ := c.Encode(map[string]any{"sub": "secure"}, "__Secure-authjs.session-token", time.Hour)
	code, out, errOut = runCLI(t, "a=b; __Secure-authjs.session-token="+sec, "token", "decode", "--secret", testSecret)
	if code != 0 || decodeJSON(t, out)["sub"] != "secure" {
		t.Fatalf("https cookie: exit %d, stderr %q", code, errOut)
	}
	// A URL-encoded bare value.
	small, _ := c.Encode(map[string]any{"sub": "enc"}, jwt.DefaultSalt, time.Hour)
	code, out, _ = runCLI(t, strings.Replace(small, ".", "%2E", 1), "token", "decode", "--secret", testSecret)
	if code != 0 || decodeJSON(t, out)["sub"] != "enc" {
		t.Fatalf("URL-encoded token: exit %d", code)
	}
	// A header without the session cookie.
	code, _, errOut = runCLI(t, "a=b; c=d", "token", "decode", "--secret", testSecret)
	if code != 1 || !strings.Contains(errOut, "no authjs.session-token") {
		t.Fatalf("no session cookie: exit %d, stderr %q", code, errOut)
	}
}

func TestTokenErrors(t *testing.T) {
	c, _ := jwt.NewCodec([]string{testSecret}, jwt.WithClock(func() time.Time { return time.Now().Add(-2 * time.Hour) }))
	expired, _ := c.Encode(map[string]any{"sub": "old"}, jwt.DefaultSalt, time.Hour)
	good, _ := c.Encode(map[string]any{"sub": "x"}, jwt.DefaultSalt, 0)
	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		want        string
	}{
		{"garbage", "not-a-token", []string{"--secret", testSecret}, 1, "malformed"},
		{"tampered", good[:len(good)-3] + "AAA", []string{"--secret", testSecret}, 1, "decryption failed"},
		{"wrong secret", good, []string{"--secret", "some-other-secret"}, 1, "wrong secret"},
		{"expired", expired, []string{"--secret", testSecret}, 1, "token expired"},
		{"empty", "  \n", []string{"--secret", testSecret}, 1, "no token"},
		{"no secret", good, nil, 2, "no secret"},
		{"bad flag", good, []string{"--nope"}, 2, "flag provided but not defined"},
		{"extra argument", good, []string{"--secret", testSecret, good}, 2, "unexpected argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AUTH_SECRET", "")
			code, out, errOut := runCLI(t, tc.stdin, append([]string{"token", "decode"}, tc.args...)...)
			if code != tc.code || out != "" || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, out, errOut, tc.code, tc.want)
			}
			if tc.code == 1 && strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Fatalf("stderr is more than one line: %q", errOut)
			}
			for _, secret := range []string{testSecret, "some-other-secret"} {
				if strings.Contains(errOut, secret) {
					t.Fatal("stderr holds a secret")
				}
			}
			if len(tc.stdin) > 20 && strings.Contains(errOut, tc.stdin) {
				t.Fatal("stderr holds the token")
			}
		})
	}
	for _, tc := range []struct {
		stdin string
		args  []string
		code  int
	}{
		{`[1,2]`, nil, 1},
		{`{"a":`, nil, 1},
		{`"s"`, nil, 1},
		{`{}`, []string{"--max-age", "0"}, 2},
		{`{}`, []string{"--max-age", "x"}, 2},
	} {
		code, out, errOut := runCLI(t, tc.stdin, append([]string{"token", "encode", "--secret", testSecret}, tc.args...)...)
		if code != tc.code || out != "" || errOut == "" {
			t.Errorf("encode %q %v: exit %d, stdout %q, stderr %q", tc.stdin, tc.args, code, out, errOut)
		}
	}
}

// TestCoreTokens decodes with the CLI a token @auth/core made, and has
// @auth/core decode one the CLI made.
func TestCoreTokens(t *testing.T) {
	script := `
import { encode, decode } from "@auth/core/jwt";
import { readFileSync } from "node:fs";
const { secret, goToken } = JSON.parse(readFileSync(0, "utf8"));
const salt = "authjs.session-token";
const token = await encode({ token: { name: "Ada Lovelace", email: "ada@example.com", picture: null, sub: "user-1" }, secret, salt });
const fromGo = await decode({ token: goToken, secret, salt });
console.log(JSON.stringify({ token, fromGo }));
`
	_, goTok, _ := runCLI(t, `{"sub":"from-cli","n":[1,2]}`, "token", "encode", "--secret", testSecret)
	in, _ := json.Marshal(map[string]string{"secret": testSecret, "goToken": strings.TrimSpace(goTok)})
	var res struct {
		Token  string
		FromGo map[string]any
	}
	if err := json.Unmarshal(testenv.RunNode(t, script, in), &res); err != nil {
		t.Fatal(err)
	}
	if res.FromGo["sub"] != "from-cli" {
		t.Fatalf("@auth/core read the CLI token as %v", res.FromGo)
	}
	code, out, errOut := runCLI(t, "Cookie: authjs.session-token="+res.Token, "token", "decode", "--secret", testSecret)
	if code != 0 {
		t.Fatalf("CLI on a core token: exit %d, stderr %q", code, errOut)
	}
	m := decodeJSON(t, out)
	if m["name"] != "Ada Lovelace" || m["sub"] != "user-1" || m["picture"] != nil || m["jti"] == nil {
		t.Fatalf("payload %v", m)
	}
}
