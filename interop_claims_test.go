package authgo_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/limittest"
	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/jwt"
)

// docsPatternESM is a Next.js app's auth config written as the Auth.js
// documentation shows (guides "Extending the session" and "Role based
// access control"): the jwt callback copies user.id and user.role into
// the token at sign-in, the session callback reads token.id and
// token.role. It answers GET /api/auth/session for the cookie on stdin.
const docsPatternESM = `
import { Auth } from "@auth/core";
import Credentials from "@auth/core/providers/credentials";
import { readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf8"));
const config = {
  secret: input.secret, trustHost: true, basePath: "/api/auth",
  providers: [Credentials({ credentials: {}, authorize: async () => null })],
  callbacks: {
    jwt({ token, user }) { if (user) { token.id = user.id; token.role = user.role; } return token; },
    session({ session, token }) { session.user.id = token.id; session.user.role = token.role; return session; },
  },
};
const res = await Auth(new Request("http://localhost:3000/api/auth/session", { headers: { cookie: input.cookie } }), config);
console.log(await res.text());
`

// TestInteropDocsPatternCallbacks: a token authgo issues carries "id"
// beside "sub", and "role" only when the user has one, so a Next.js app
// whose callbacks follow the Auth.js documentation shows the same id and
// role as authgo's own session.
func TestInteropDocsPatternCallbacks(t *testing.T) {
	for _, email := range []string{"ada@example.com", "norole@example.com"} {
		user := limittest.Users["ada@example.com"].User
		if email != "ada@example.com" {
			user = authgo.User{ID: "user-9", Name: "No Role", Email: email}
		}
		a := mustNew(t, authgo.Config{Secret: []string{testSecret}, URL: "http://localhost:3000/api/auth", LookupEnv: noEnv,
			Providers: []authgo.Provider{credentialsFunc(func() (*authgo.User, error) { u := user; return &u, nil })}})
		rec := httptest.NewRecorder()
		if _, err := a.SignIn(rec, httptest.NewRequest("POST", "http://localhost:3000/login", nil), "credentials",
			authgo.SignInOptions{Credentials: map[string]string{"email": email, "password": "correct horse battery"}}); err != nil {
			t.Fatal(err)
		}
		cookie := cookieHeader(rec.Result().Header.Values("Set-Cookie"))

		// The token itself.
		codec, err := jwt.NewCodec([]string{testSecret})
		if err != nil {
			t.Fatal(err)
		}
		name, value, _ := strings.Cut(cookie, "=")
		claims, err := codec.Decode(value, name)
		if err != nil {
			t.Fatal(err)
		}
		if claims["id"] != user.ID || claims["sub"] != user.ID {
			t.Errorf("%s: token id %v, sub %v; want both %q", email, claims["id"], claims["sub"], user.ID)
		}
		if role, has := claims["role"]; (user.Role == "") == has || (has && role != user.Role) {
			t.Errorf("%s: token role %v (present %v), want %q", email, role, has, user.Role)
		}

		// The docs-pattern app reads the same id and role.
		in, _ := json.Marshal(map[string]string{"secret": testSecret, "cookie": cookie})
		var core struct {
			User map[string]any `json:"user"`
		}
		if err := json.Unmarshal(testenv.RunNode(t, docsPatternESM, in), &core); err != nil {
			t.Fatal(err)
		}
		if core.User["id"] != user.ID || core.User["email"] != email {
			t.Errorf("%s: the docs-pattern app's session user = %v, want id %q", email, core.User, user.ID)
		}
		if role, _ := core.User["role"].(string); role != user.Role {
			t.Errorf("%s: the docs-pattern app's role = %v, want %q", email, core.User["role"], user.Role)
		}
	}
}

// TestTokenIDClaim: "id" equal to "sub" is the Subject again and is not
// kept twice; an "id" that a Next.js callback set to something else is
// kept and written back as it came.
func TestTokenIDClaim(t *testing.T) {
	for in, want := range map[string]string{
		`{"sub":"u1","id":"u1"}`:   `{"sub":"u1","id":"u1"}`,
		`{"id":"u1","sub":"u1"}`:   `{"sub":"u1","id":"u1"}`,
		`{"sub":"u1"}`:             `{"sub":"u1","id":"u1"}`,
		`{"sub":"u1","id":"acct"}`: `{"sub":"u1","id":"acct"}`,
		`{"id":"only"}`:            `{"id":"only"}`,
	} {
		var tok authgo.Token
		if err := json.Unmarshal([]byte(in), &tok); err != nil {
			t.Fatal(err)
		}
		if id, ok := tok.Extra["id"]; ok && id == tok.Subject {
			t.Errorf("%s: the id equal to sub is kept in Extra too", in)
		}
		got, err := json.Marshal(tok)
		if err != nil || string(got) != want {
			t.Errorf("%s: written back as %s (%v), want %s", in, got, err, want)
		}
	}
}
