package sqltest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
)

// InteropInput is the line of an Interop script that reads its input, a
// JSON object on stdin, into input.
const InteropInput = `const input = JSON.parse(await new Promise((ok) => { let s = ""; process.stdin.on("data", (d) => (s += d)); process.stdin.on("end", () => ok(s)); }));
`

// InteropScript is the end of an Interop script, after the lines that
// import the dialect's packages, read the input and set adapter (the
// Node app's Auth.js adapter on the test's tables) and close: it reads,
// through the adapter, the account and the session authgo wrote, asks
// @auth/core's own GET /session for authgo's session cookie, then writes
// a user, an account and a session of its own, as a sign-in would, and
// prints what it saw and made. (ES module imports are hoisted, so its
// own come first wherever it stands.)
const InteropScript = `
import { Auth } from "@auth/core";
import GitHub from "@auth/core/providers/github";
const out = {};

const acc = await adapter.getUserByAccount({ provider: input.provider, providerAccountId: input.providerAccountId });
out.userByAccount = acc && { id: String(acc.id), email: acc.email };
const sau = await adapter.getSessionAndUser(input.goToken);
out.sessionAndUser = sau && { userId: String(sau.session.userId), email: sau.user.email, expires: sau.session.expires.toISOString() };

const config = { secret: input.secret, trustHost: true, basePath: "/api/auth", adapter, session: { strategy: "database" },
  providers: [GitHub({ clientId: "id", clientSecret: "secret" })] };
const res = await Auth(new Request("http://localhost:3000/api/auth/session", { headers: { cookie: "authjs.session-token=" + input.goToken } }), config);
out.coreSession = await res.json();

const user = await adapter.createUser({ id: crypto.randomUUID(), name: "Node User", email: "node@example.com", emailVerified: null });
await adapter.linkAccount({ userId: user.id, type: "oauth", provider: "github", providerAccountId: "node-42", access_token: "gho_node", token_type: "bearer", scope: "read:user" });
const token = crypto.randomUUID();
await adapter.createSession({ sessionToken: token, userId: user.id, expires: new Date(Date.now() + 3600_000) });
out.nodeUserId = String(user.id);
out.nodeToken = token;
await close();
console.log(JSON.stringify(out));
`

// InteropSecret is the AUTH_SECRET both sides of Interop use.
const InteropSecret = "interop-secret-interop-secret-interop-secret"

// Interop checks that a Node app's @auth/core with its adapter and authgo,
// on the same tables, read each other's database sessions and accounts.
// authgo signs in first (user with a role, account github/go-7, session);
// run then runs the Node side with authgo's session token and returns
// what it printed: the JSON of the user by that account and the session
// and user by that token (read through the Node adapter), @auth/core's GET
// /session answer for authgo's cookie, and the id and session token of
// the user, github/node-42 account and session it made. authgo then reads
// those, through the adapter and its own GET /session.
func Interop(t *testing.T, a *authsql.Adapter, run func(goToken string) []byte) {
	t.Helper()
	ctx := context.Background()

	// authgo signs a user in: user (with a role), account, session.
	u, err := a.CreateUserAndLinkAccount(ctx, adapter.User{Name: "Go User", Email: "go@example.com", Role: "admin"},
		adapter.Account{Type: "oauth", Provider: "github", ProviderAccountID: "go-7", AccessToken: "gho_go", TokenType: "bearer"})
	if err != nil {
		t.Fatal(err)
	}
	goToken := "go-session-" + u.ID
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)
	if _, err := a.CreateSession(ctx, adapter.Session{SessionToken: goToken, UserID: u.ID, Expires: expires, UserAgent: "Go test", IP: "192.0.2.7"}); err != nil {
		t.Fatal(err)
	}

	// The expiry as stored: drizzle's MySQL session.expires is a TIMESTAMP
	// of whole seconds, so the database cuts (MariaDB) or rounds (MySQL)
	// the milliseconds; both sides must read that same instant.
	stored, _, err := a.GetSessionAndUser(ctx, goToken)
	if err != nil || stored == nil {
		t.Fatalf("authgo reads its own session: %+v, %v", stored, err)
	}
	if d := stored.Expires.Sub(expires); d <= -time.Second || d >= time.Second {
		t.Fatalf("authgo stored the expiry %s as %s", expires, stored.Expires)
	}
	expires = stored.Expires

	var out interopOut
	if err := json.Unmarshal(run(goToken), &out); err != nil {
		t.Fatal(err)
	}
	checkNodeReadsGo(t, out, u.ID, expires)

	// authgo reads what the Node app wrote, through the adapter and
	// through its own GET /session.
	checkGoReadsNodeAccount(t, a, out)
	auth, err := authgo.New(authgo.Config{Secret: []string{InteropSecret}, URL: "http://localhost:3000/api/auth", Adapter: a,
		LookupEnv: func(string) (string, bool) { return "", false }})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "http://localhost:3000/api/auth/session", nil)
	req.AddCookie(&http.Cookie{Name: "authjs.session-token", Value: out.NodeToken})
	rec := httptest.NewRecorder()
	auth.Handler().ServeHTTP(rec, req)
	var s struct {
		User struct{ ID, Name, Email string } `json:"user"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil || s.User.Email != "node@example.com" || s.User.Name != "Node User" {
		t.Errorf("authgo's GET /session for the Node app's cookie: %d %s", rec.Code, rec.Body)
	}
	// The role authgo keeps beside the host's tables is still there.
	if got, _ := a.GetUser(ctx, u.ID); got == nil || got.Role != "admin" {
		t.Errorf("authgo's user after the Node app ran = %+v, want role admin", got)
	}
	// Signing out on either side ends the session for both.
	if _, err := a.DeleteSession(ctx, out.NodeToken); err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	auth.Handler().ServeHTTP(rec, req)
	if strings.Contains(rec.Body.String(), "node@example.com") {
		t.Errorf("a deleted session still answers: %s", rec.Body)
	}
}

// interopOut is what Interop's run prints.
type interopOut struct {
	UserByAccount  *struct{ ID, Email string }
	SessionAndUser *struct{ UserID, Email, Expires string }
	CoreSession    struct {
		User    map[string]any `json:"user"`
		Expires string         `json:"expires"`
	}
	NodeUserID, NodeToken string
}

// checkNodeReadsGo: the Node adapter and @auth/core read authgo's user
// userID, its account and its session (expiring at expires).
func checkNodeReadsGo(t *testing.T, out interopOut, userID string, expires time.Time) {
	t.Helper()
	if out.UserByAccount == nil || out.UserByAccount.ID != userID || out.UserByAccount.Email != "go@example.com" {
		t.Errorf("the Node adapter's getUserByAccount of authgo's account = %+v, want user %s", out.UserByAccount, userID)
	}
	if out.SessionAndUser == nil || out.SessionAndUser.UserID != userID || out.SessionAndUser.Email != "go@example.com" {
		t.Errorf("the Node adapter's getSessionAndUser of authgo's session = %+v", out.SessionAndUser)
	} else if got, _ := time.Parse(time.RFC3339Nano, out.SessionAndUser.Expires); !got.Equal(expires) {
		t.Errorf("the Node adapter reads authgo's expiry as %s, want %s", out.SessionAndUser.Expires, expires.Format(time.RFC3339Nano))
	}
	if out.CoreSession.User["email"] != "go@example.com" || out.CoreSession.User["name"] != "Go User" {
		t.Errorf("@auth/core's GET /session for authgo's cookie = %+v", out.CoreSession)
	}
}

// checkGoReadsNodeAccount: authgo's adapter reads the Node app's user and account.
func checkGoReadsNodeAccount(t *testing.T, a adapter.Adapter, out interopOut) {
	t.Helper()
	ctx := context.Background()
	if got, err := a.GetUserByAccount(ctx, "github", "node-42"); err != nil || got == nil || got.ID != out.NodeUserID || got.Email != "node@example.com" {
		t.Errorf("authgo GetUserByAccount of the Node app's account = %+v, %v (Node user %s)", got, err, out.NodeUserID)
	}
	if acc, err := a.GetAccount(ctx, "github", "node-42"); err != nil || acc == nil || acc.AccessToken != "gho_node" || acc.Scope != "read:user" {
		t.Errorf("authgo GetAccount of the Node app's account = %+v, %v", acc, err)
	}
}
