package authgo_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/testenv"
)

// authCoreEmailESM runs @auth/core's Auth() with an email provider and an
// in-memory adapter. "send" asks for a link and prints the link and the
// stored token; "callback" preloads tokens and opens a link.
const authCoreEmailESM = `
import { Auth } from "@auth/core";
import { readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf8"));
const tokens = new Map(), users = new Map();
for (const t of input.tokens ?? []) tokens.set(t.identifier + "\u0000" + t.token, { ...t, expires: new Date(t.expires) });
let sent = null;
const adapter = {
  createUser: async (u) => { const user = { ...u, id: u.id ?? crypto.randomUUID() }; users.set(user.id, user); return user; },
  getUser: async (id) => users.get(id) ?? null,
  getUserByEmail: async (e) => [...users.values()].find((u) => u.email === e) ?? null,
  getUserByAccount: async () => null,
  updateUser: async (u) => { const user = { ...users.get(u.id), ...u }; users.set(u.id, user); return user; },
  linkAccount: async (a) => a,
  createVerificationToken: async (t) => { tokens.set(t.identifier + "\u0000" + t.token, t); return t; },
  useVerificationToken: async ({ identifier, token }) => {
    const k = identifier + "\u0000" + token, t = tokens.get(k) ?? null; tokens.delete(k); return t;
  },
};
const config = {
  secret: input.secret, trustHost: true, basePath: "/api/auth", adapter, session: { strategy: "jwt" },
  providers: [{ id: "email", type: "email", name: "Email", maxAge: 86400,
    sendVerificationRequest: async (p) => { sent = p.url; } }],
};
const call = async (method, path, headers, body) => {
  const res = await Auth(new Request("http://localhost:3000" + path, { method, headers, body }), config);
  return { status: res.status, location: res.headers.get("location"), cookies: res.headers.getSetCookie() };
};
let out;
if (input.mode === "send") {
  const csrfRes = await Auth(new Request("http://localhost:3000/api/auth/csrf"), config);
  const { csrfToken } = await csrfRes.json();
  const cookie = csrfRes.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const r = await call("POST", "/api/auth/signin/email", { "content-type": "application/x-www-form-urlencoded", cookie },
    new URLSearchParams({ email: input.email, csrfToken, callbackUrl: "/dashboard" }).toString());
  out = { ...r, url: sent, tokens: [...tokens.values()].map((t) => ({ ...t, expires: t.expires.toISOString() })) };
} else {
  out = await call("GET", input.path, {});
}
console.log(JSON.stringify(out));
`

type coreEmail struct {
	Status   int    `json:"status"`
	Location string `json:"location"`
	URL      string `json:"url"`
	Tokens   []struct {
		Identifier string `json:"identifier"`
		Token      string `json:"token"`
		Expires    string `json:"expires"`
	} `json:"tokens"`
}

func runAuthCoreEmail(t *testing.T, in map[string]any) coreEmail {
	t.Helper()
	in["secret"] = testSecret
	b, _ := json.Marshal(in)
	var out coreEmail
	if err := json.Unmarshal(testenv.RunNode(t, authCoreEmailESM, b), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// A link that @auth/core made and stored (same database, same secret)
// signs in through authgo.
func TestInteropEmailLinkFromAuthCore(t *testing.T) {
	core := runAuthCoreEmail(t, map[string]any{"mode": "send", "email": "Ada@Example.com"})
	if core.Status != 302 || !strings.HasSuffix(core.Location, "/api/auth/verify-request?provider=email&type=email") || len(core.Tokens) != 1 {
		t.Fatalf("@auth/core send: %+v", core)
	}
	f := newEmailFixture(t, nil, nil)
	vt := core.Tokens[0]
	expires, _ := time.Parse(time.RFC3339, vt.Expires)
	if err := f.store.Adapter.CreateVerificationToken(context.Background(), adapter.VerificationToken{Identifier: vt.Identifier, Token: vt.Token, Expires: expires}); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(core.URL)
	// Its callbackUrl names @auth/core's origin (localhost:3000), which
	// the redirect rule maps to this app's.
	if got := location(t, f.confirm(f.url(u.RequestURI()))); got != f.url("") {
		t.Fatalf("authgo on @auth/core's link: %q", got)
	}
	if e := sessionEmail(f.fixture); e != "ada@example.com" {
		t.Fatalf("session %q", e)
	}
}

// A link that authgo made and stored signs in through @auth/core.
func TestInteropEmailLinkToAuthCore(t *testing.T) {
	f := newEmailFixture(t, nil, nil)
	location(t, f.ask("ada@example.com", nil))
	link, _ := f.lastMail("ada@example.com")
	var tokens []map[string]string
	for _, vt := range f.store.created {
		tokens = append(tokens, map[string]string{"identifier": vt.Identifier, "token": vt.Token, "expires": vt.Expires.UTC().Format(time.RFC3339)})
	}
	u, _ := url.Parse(link)
	core := runAuthCoreEmail(t, map[string]any{"mode": "callback", "path": u.RequestURI(), "tokens": tokens})
	if core.Status != 302 || strings.Contains(core.Location, "error") {
		t.Fatalf("@auth/core on authgo's link: %+v", core)
	}
	// A token it does not know is Auth.js's Verification error: the check
	// above did not pass by accident.
	bad := strings.Replace(u.RequestURI(), "token=", "token=0", 1)
	core = runAuthCoreEmail(t, map[string]any{"mode": "callback", "path": bad, "tokens": tokens})
	if !strings.Contains(core.Location, "error=Verification") {
		t.Fatalf("@auth/core on a wrong token: %+v", core)
	}
}
