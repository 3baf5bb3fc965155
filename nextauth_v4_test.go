package authgo_test

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/testenv"
)

// v4TokenScript makes a NextAuth v4 session token the way next-auth 4.x
// does (HKDF with an empty salt and v4's info string, JWE dir + A256GCM, no
// kid), with jose and @panva/hkdf, the libraries next-auth itself uses.
const v4TokenScript = `
import { EncryptJWT } from "jose";
import { hkdf } from "@panva/hkdf";
import { readFileSync } from "node:fs";
const { secret } = JSON.parse(readFileSync(0, "utf8"));
const key = await hkdf("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32);
const now = (Date.now() / 1000) | 0;
const token = await new EncryptJWT({ name: "Ada Lovelace", email: "ada@example.com", picture: null, sub: "user-1" })
  .setProtectedHeader({ alg: "dir", enc: "A256GCM" }).setIssuedAt().setExpirationTime(now + 3600)
  .setJti(crypto.randomUUID()).encrypt(key);
console.log(token);
`

// With AcceptNextAuthV4, a v4 session cookie is read and replaced by a v5
// one; without it, it is ignored.
func TestNextAuthV4SessionUpgrade(t *testing.T) {
	in, _ := json.Marshal(map[string]string{"secret": testSecret})
	v4 := strings.TrimSpace(string(testenv.RunNode(t, v4TokenScript, in)))
	get := func(a *authgo.Auth) (*httptest.ResponseRecorder, string) {
		req := httptest.NewRequest("GET", "http://localhost:3000/api/auth/session", nil)
		req.Header.Set("Cookie", "next-auth.session-token="+v4)
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, req)
		b, _ := io.ReadAll(rec.Body)
		return rec, string(b)
	}
	plain := mustNew(t, authgo.Config{Secret: []string{testSecret}, Providers: []authgo.Provider{testCredentials()}, LookupEnv: noEnv})
	if _, body := get(plain); body != "null" {
		t.Fatalf("v4 cookie read without AcceptNextAuthV4: %s", body)
	}
	a := mustNew(t, authgo.Config{Secret: []string{testSecret}, Providers: []authgo.Provider{testCredentials()}, LookupEnv: noEnv,
		Session: authgo.SessionConfig{AcceptNextAuthV4: true}})
	rec, body := get(a)
	if !strings.Contains(body, `"email":"ada@example.com"`) || !strings.Contains(body, `"id":"user-1"`) {
		t.Fatalf("v4 session not read: %s", body)
	}
	set := strings.Join(rec.Result().Header.Values("Set-Cookie"), "\n")
	if !strings.Contains(set, "authjs.session-token=ey") || !strings.Contains(set, "next-auth.session-token=; Path=/; Max-Age=0") {
		t.Fatalf("v4 cookie not replaced by a v5 one:\n%s", set)
	}
	// The new v5 cookie reads on its own.
	req := httptest.NewRequest("GET", "http://localhost:3000/", nil)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge >= 0 {
			req.AddCookie(c)
		}
	}
	if s, err := a.Session(nil, req); err != nil || s == nil || s.User.Email != "ada@example.com" {
		t.Fatalf("upgraded cookie: %+v %v", s, err)
	}
}
