package authgo_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/testenv"
)

// nextAuthBrowser is the start of a script that runs next-auth/react's
// client functions against the server in argv[2]: a cookie jar wrapped
// around Node's fetch, as a browser keeps cookies, and a window.
const nextAuthBrowser = `
const base = process.argv[2];
process.env.NEXTAUTH_URL = base + "/api/auth";
const jar = new Map();
const realFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  if (typeof url === "string" && url.startsWith("/")) url = base + url; // as a browser resolves it
  const headers = new Headers(init.headers);
  if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => k + "=" + v).join("; "));
  const res = await realFetch(url, { ...init, headers, redirect: "manual" });
  for (const sc of res.headers.getSetCookie()) {
    const [nv, ...attrs] = sc.split(";");
    const i = nv.indexOf("=");
    const name = nv.slice(0, i), value = nv.slice(i + 1);
    if (value === "" || attrs.some((a) => /max-age=0/i.test(a.trim()))) jar.delete(name); else jar.set(name, value);
  }
  return res;
};
globalThis.window = { location: { href: base + "/", reload() {} } };
`

// nextAuthClientScript drives next-auth/react's client functions (the ones
// useSession, signIn and signOut call) in nextAuthBrowser.
const nextAuthClientScript = nextAuthBrowser + `
const { getProviders, getCsrfToken, getSession, signIn, signOut } = await import("next-auth/react");
const out = {};
out.providers = await getProviders();
out.csrf = (await getCsrfToken()).length;
out.before = await getSession();
out.wrong = await signIn("credentials", { email: "ada@example.com", password: "not the password", redirect: false });
out.right = await signIn("credentials", { email: "ada@example.com", password: "correct horse battery", redirect: false, redirectTo: "/dashboard" });
out.session = await getSession();
out.signOut = await signOut({ redirect: false, redirectTo: "/bye" });
out.after = await getSession();
console.log(JSON.stringify(out));
process.exit(0); // the client's BroadcastChannel would keep Node running
`

// The next-auth/react client talks to an authgo server as to a Next.js
// one: providers, CSRF, credentials sign-in with and without an error,
// the session, sign-out.
func TestNextAuthReactClient(t *testing.T) {
	a := mustNew(t, authgo.Config{Secret: []string{testSecret}, Providers: []authgo.Provider{adaOnly()}, LookupEnv: noEnv})
	mux := http.NewServeMux()
	mux.Handle("/api/auth/", a.Handler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var out struct {
		Providers map[string]struct{ ID, Type, SigninURL, CallbackURL string }
		CSRF      int
		Before    *authgo.Session
		Wrong     struct {
			Error, Code string
			Status      int
			OK          bool
			URL         *string
		}
		Right struct {
			Error  *string
			Status int
			OK     bool
			URL    string
		}
		Session *authgo.Session
		SignOut struct{ URL string }
		After   *authgo.Session
	}
	raw := testenv.RunNode(t, nextAuthClientScript, nil, srv.URL)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	if p := out.Providers["credentials"]; p.Type != "credentials" || p.CallbackURL != srv.URL+"/api/auth/callback/credentials" {
		t.Errorf("getProviders: %+v", out.Providers)
	}
	if out.CSRF != 64 || out.Before != nil {
		t.Errorf("getCsrfToken length %d, session before sign-in %+v", out.CSRF, out.Before)
	}
	if out.Wrong.Error != "CredentialsSignin" || out.Wrong.Code != "credentials" || out.Wrong.URL != nil {
		t.Errorf("signIn with a wrong password: %+v", out.Wrong)
	}
	if out.Right.Error != nil || !out.Right.OK || out.Right.URL != srv.URL+"/dashboard" {
		t.Errorf("signIn: %+v", out.Right)
	}
	if out.Session == nil || out.Session.User.Email != "ada@example.com" || out.Session.User.Role != "admin" {
		t.Errorf("getSession after sign-in: %+v", out.Session)
	}
	if out.SignOut.URL != srv.URL+"/bye" || out.After != nil {
		t.Errorf("signOut: %+v, session after: %+v", out.SignOut, out.After)
	}
}

// adaOnly accepts Ada with her password and nothing else.
func adaOnly() authgo.Provider {
	return credentialsFunc2(func(c authgo.Credentials) (*authgo.User, error) {
		u, ok := testUsers[c["email"]]
		if !ok || u.Password != c["password"] {
			return nil, nil
		}
		user := u.User
		return &user, nil
	})
}
