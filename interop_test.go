package authgo_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/testenv"
)

// authCoreESM runs @auth/core's Auth() on requests described on stdin
// and prints, for each, the status, Location, Set-Cookie headers and body.
// Its config mirrors the Go side: same secret, a credentials provider that
// accepts Ada, and callbacks that put id and role in the session.
const authCoreESM = `
import { Auth } from "@auth/core";
import Credentials from "@auth/core/providers/credentials";
import { readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf8"));
const config = {
  secret: input.secret,
  trustHost: true,
  basePath: "/api/auth",
  providers: [Credentials({
    credentials: { email: {}, password: {} },
    authorize: async (c) => c.email === "ada@example.com" && c.password === "correct horse battery"
      ? { id: "user-1", name: "Ada Lovelace", email: "ada@example.com" } : null,
  })],
  callbacks: {
    jwt: ({ token, user }) => { if (user) token.role = "admin"; return token; },
    session: ({ session, token }) => { session.user.id = token.sub; session.user.role = token.role; return session; },
  },
};
const out = [];
for (const r of input.requests) {
  const req = new Request("http://localhost:3000" + r.path, { method: r.method, headers: r.headers, body: r.body });
  const res = await Auth(req, config);
  out.push({ status: res.status, location: res.headers.get("location"), cookies: res.headers.getSetCookie(), body: await res.text() });
}
console.log(JSON.stringify(out));
`

type coreResult struct {
	Status   int      `json:"status"`
	Location string   `json:"location"`
	Cookies  []string `json:"cookies"`
	Body     string   `json:"body"`
}

type coreRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

func runAuthCore(t *testing.T, reqs ...coreRequest) []coreResult {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"secret": testSecret, "requests": reqs})
	var out []coreResult
	if err := json.Unmarshal(testenv.RunNode(t, authCoreESM, in), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// cookieHeader turns Set-Cookie lines into a Cookie header.
func cookieHeader(setCookies []string) string {
	var parts []string
	for _, sc := range setCookies {
		nv, _, _ := strings.Cut(sc, ";")
		if strings.HasSuffix(nv, "=") {
			continue
		}
		parts = append(parts, nv)
	}
	return strings.Join(parts, "; ")
}

func goAuth(t *testing.T) *authgo.Auth {
	return mustNew(t, authgo.Config{Secret: []string{testSecret}, URL: "http://localhost:3000/api/auth", Providers: []authgo.Provider{testCredentials()}, LookupEnv: noEnv})
}

// A session signed in by @auth/core is read by authgo, and the session
// JSON matches what @auth/core answers for the same cookie.
func TestInteropAuthCoreSignInGoReads(t *testing.T) {
	res := runAuthCore(t, coreRequest{Method: "GET", Path: "/api/auth/csrf"})
	csrfCookie := cookieHeader(res[0].Cookies)
	var csrf struct{ CsrfToken string }
	_ = json.Unmarshal([]byte(res[0].Body), &csrf)
	form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {csrf.CsrfToken}, "callbackUrl": {"/dashboard"}}
	res = runAuthCore(t, coreRequest{Method: "POST", Path: "/api/auth/callback/credentials", Body: form.Encode(),
		Headers: map[string]string{"content-type": "application/x-www-form-urlencoded", "cookie": csrfCookie}})
	if res[0].Status != 302 || res[0].Location != "http://localhost:3000/dashboard" {
		t.Fatalf("@auth/core sign-in: %+v", res[0])
	}
	session := cookieHeader(res[0].Cookies)
	if !strings.Contains(session, "authjs.session-token=") {
		t.Fatalf("no session cookie from @auth/core: %v", res[0].Cookies)
	}
	a := goAuth(t)
	req := httptest.NewRequest("GET", "http://localhost:3000/api/auth/session", nil)
	req.Header.Set("Cookie", session)
	rec := httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, req)
	var goSession map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &goSession); err != nil || goSession == nil {
		t.Fatalf("authgo could not read @auth/core's session: %s", rec.Body)
	}
	res = runAuthCore(t, coreRequest{Method: "GET", Path: "/api/auth/session", Headers: map[string]string{"cookie": session}})
	var coreSession map[string]any
	_ = json.Unmarshal([]byte(res[0].Body), &coreSession)
	delete(goSession, "expires")
	delete(coreSession, "expires")
	g, _ := json.Marshal(goSession)
	c, _ := json.Marshal(coreSession)
	if string(g) != string(c) {
		t.Fatalf("session JSON differs:\n authgo    %s\n @auth/core %s", g, c)
	}
	// authgo's CSRF cookie is accepted by @auth/core, and the other way.
	rec = httptest.NewRecorder()
	a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost:3000/api/auth/csrf", nil))
	var goCSRF struct{ CSRFToken string }
	_ = json.Unmarshal(rec.Body.Bytes(), &goCSRF)
	res = runAuthCore(t, coreRequest{Method: "POST", Path: "/api/auth/signout", Body: url.Values{"csrfToken": {goCSRF.CSRFToken}}.Encode(),
		Headers: map[string]string{"content-type": "application/x-www-form-urlencoded", "cookie": cookieHeader(rec.Result().Header.Values("Set-Cookie")) + "; " + session}})
	if res[0].Status != 302 || strings.Contains(res[0].Location, "MissingCSRF") {
		t.Fatalf("@auth/core refused authgo's CSRF token: %+v", res[0])
	}
}

// A session signed in by authgo is read by @auth/core, with the same JSON.
func TestInteropGoSignInAuthCoreReads(t *testing.T) {
	a := goAuth(t)
	rec := httptest.NewRecorder()
	if _, err := a.SignIn(rec, httptest.NewRequest("POST", "http://localhost:3000/login", nil), "credentials", authgo.SignInOptions{Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"}}); err != nil {
		t.Fatal(err)
	}
	session := cookieHeader(rec.Result().Header.Values("Set-Cookie"))
	res := runAuthCore(t, coreRequest{Method: "GET", Path: "/api/auth/session", Headers: map[string]string{"cookie": session}})
	var core map[string]any
	if err := json.Unmarshal([]byte(res[0].Body), &core); err != nil || core == nil {
		t.Fatalf("@auth/core could not read authgo's session: %+v", res[0])
	}
	user := core["user"].(map[string]any)
	if user["email"] != "ada@example.com" || user["name"] != "Ada Lovelace" || user["id"] != "user-1" || user["role"] != "admin" {
		t.Fatalf("@auth/core session %v", core)
	}
	// And the CSRF endpoints, providers JSON, unknown-action answers agree.
	res = runAuthCore(t,
		coreRequest{Method: "GET", Path: "/api/auth/providers"},
		coreRequest{Method: "GET", Path: "/api/auth/nope"},
		coreRequest{Method: "GET", Path: "/api/auth/session"},
	)
	for i, path := range []string{"/api/auth/providers", "/api/auth/nope", "/api/auth/session"} {
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "http://localhost:3000"+path, nil))
		if rec.Code != res[i].Status || !jsonEqual(rec.Body.String(), res[i].Body) {
			t.Errorf("%s: authgo %d %s, @auth/core %d %s", path, rec.Code, rec.Body, res[i].Status, res[i].Body)
		}
	}
}

func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

// Error answers agree with @auth/core's for the same requests: status, the
// Location (path and query) or the JSON body.
func TestInteropErrorAnswers(t *testing.T) {
	a := goAuth(t)
	form := "application/x-www-form-urlencoded"
	cases := []coreRequest{
		{Method: "GET", Path: "/api/auth/nope"},
		{Method: "GET", Path: "/api/auth/signin/credentials"},
		{Method: "GET", Path: "/api/auth/session?callbackUrl=javascript:alert(1)"},
		{Method: "POST", Path: "/api/auth/session", Body: "data=x", Headers: map[string]string{"content-type": form}},
		{Method: "POST", Path: "/api/auth/callback/credentials", Body: "email=ada%40example.com&password=whatever1", Headers: map[string]string{"content-type": form}},
		{Method: "POST", Path: "/api/auth/signout", Body: "callbackUrl=%2Fx", Headers: map[string]string{"content-type": form}},
		{Method: "POST", Path: "/api/auth/signin", Body: "", Headers: map[string]string{"content-type": form}},
		{Method: "POST", Path: "/api/auth/callback/credentials", Body: "email=ada%40example.com&password=whatever1", Headers: map[string]string{"content-type": form, "x-auth-return-redirect": "1"}},
	}
	core := runAuthCore(t, cases...)
	for i, c := range cases {
		req := httptest.NewRequest(c.Method, "http://localhost:3000"+c.Path, strings.NewReader(c.Body))
		for k, v := range c.Headers {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, req)
		want := core[i]
		if rec.Code != want.Status || rec.Header().Get("Location") != want.Location {
			t.Errorf("%s %s: authgo %d %q, @auth/core %d %q", c.Method, c.Path, rec.Code, rec.Header().Get("Location"), want.Status, want.Location)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); strings.HasPrefix(ct, "application/json") && !jsonEqual(rec.Body.String(), want.Body) {
			t.Errorf("%s %s: authgo body %s, @auth/core %s", c.Method, c.Path, rec.Body, want.Body)
		}
	}
}
