package authgo_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/providers"
)

// nextAuthEmailScript drives next-auth/react's signIn("email", {email})
// in nextAuthBrowser, as a page of a Next.js app would. The mail is
// read from the test server's /test/mail (the user's mailbox); the link is
// then opened and its button pressed, as the user does in the browser.
const nextAuthEmailScript = nextAuthBrowser + `
const { getCsrfToken, getSession, signIn, signOut } = await import("next-auth/react");
const mail = async (to) => (await realFetch(base + "/test/mail?to=" + encodeURIComponent(to))).json();
const unescape = (s) => s.replace(/&#43;/g, "+").replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
const post = async (path, form) => {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
  return { status: res.status, location: res.headers.get("location") };
};
const out = {};
out.before = await getSession();

// The link: opening it shows a page with one button; pressing it signs in.
out.link = await signIn("email", { email: " Grace@Example.com ", redirect: false, redirectTo: "/dashboard" });
const page = await (await fetch((await mail("grace@example.com")).link)).text();
const form = {};
for (const [, k, v] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form[k] = unescape(v);
out.linkPress = await post("/api/auth/callback/email", form);
out.linkSession = await getSession();
await signOut({ redirect: false });

// The code, typed in the browser that asked.
out.code = await signIn("email", { email: "linus@example.com", redirect: false, redirectTo: "/code" });
out.codePress = await post("/api/auth/callback/email", { code: (await mail("linus@example.com")).code, csrfToken: await getCsrfToken() });
out.codeSession = await getSession();

// Errors come back as signIn's error, not as an exception.
out.invalid = await signIn("email", { email: "a@b@c.example", redirect: false });
await realFetch(base + "/test/mail-server", { method: "POST", body: "down" });
out.down = await signIn("email", { email: "ada@example.com", redirect: false });
console.log(JSON.stringify(out));
process.exit(0); // the client's BroadcastChannel would keep Node running
`

// signInResult is what next-auth/react's signIn returns with redirect:
// false.
type signInResult struct {
	Error  *string
	Status int
	OK     bool
	URL    *string
}

// next-auth/react's signIn("email", {email}) against an authgo server: the
// POST lands, the mail is sent, its link (page, then button) and its code
// sign in, getSession sees the user; a bad address and a mail server that
// is down come back as signIn's error (EmailSignin), the latter with 503.
func TestNextAuthReactClientEmail(t *testing.T) {
	mailbox := &email.Memory{}
	var down atomic.Bool
	sender := email.SenderFunc(func(ctx context.Context, m *email.Message) error {
		if down.Load() {
			return &email.SendError{Step: email.StepDial, Err: errors.New("connection refused")}
		}
		return mailbox.Send(ctx, m)
	})
	a := mustNew(t, authgo.Config{
		Secret: []string{testSecret}, LookupEnv: noEnv, TrustHost: true, Adapter: memory.New(),
		Providers: []authgo.Provider{providers.Email(providers.EmailConfig{Options: email.Options{Sender: sender}})},
	})
	mux := http.NewServeMux()
	mux.Handle("/api/auth/", a.Handler())
	mux.HandleFunc("GET /test/mail", func(w http.ResponseWriter, r *http.Request) {
		m, ok := mailbox.Last(r.URL.Query().Get("to"))
		if !ok {
			http.Error(w, "no mail", http.StatusNotFound)
			return
		}
		out := map[string]string{"link": linkPattern.FindString(m.Text)}
		if c := codePattern.FindStringSubmatch(m.Text); c != nil {
			out["code"] = c[1]
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("POST /test/mail-server", func(w http.ResponseWriter, r *http.Request) { down.Store(true) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	var out nextAuthEmailOut
	raw := testenv.RunNode(t, nextAuthEmailScript, nil, srv.URL)
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	checkNextAuthEmailResults(t, srv.URL, out)
	if mailbox.Len() != 2 {
		t.Errorf("%d mails sent, want 2", mailbox.Len())
	}
}

// nextAuthPress is a button press the next-auth script made: its status and Location.
type nextAuthPress struct {
	Status   int
	Location string
}

// nextAuthEmailOut is what nextAuthEmailScript prints.
type nextAuthEmailOut struct {
	Before                   *authgo.Session
	Link, Code, Invalid      signInResult
	Down                     signInResult
	LinkPress, CodePress     nextAuthPress
	LinkSession, CodeSession *authgo.Session
}

// checkNextAuthEmailResults checks what signIn, the presses and getSession returned.
func checkNextAuthEmailResults(t *testing.T, srvURL string, out nextAuthEmailOut) {
	t.Helper()
	verify := srvURL + "/api/auth/verify-request?provider=email&type=email"
	for name, r := range map[string]signInResult{"link": out.Link, "code": out.Code} {
		if r.Error != nil || !r.OK || r.Status != 200 || r.URL == nil || *r.URL != verify {
			t.Errorf("signIn(email) for the %s: %+v, want ok with url %s", name, r, verify)
		}
	}
	if out.Before != nil {
		t.Errorf("session before signing in: %+v", out.Before)
	}
	if out.LinkPress.Status != http.StatusFound || out.LinkPress.Location != srvURL+"/dashboard" {
		t.Errorf("pressing the link's button: %+v", out.LinkPress)
	}
	if s := out.LinkSession; s == nil || s.User == nil || s.User.Email != "grace@example.com" {
		t.Errorf("getSession after the link: %+v", s)
	}
	if out.CodePress.Status != http.StatusFound || out.CodePress.Location != srvURL+"/code" {
		t.Errorf("entering the code: %+v", out.CodePress)
	}
	if s := out.CodeSession; s == nil || s.User == nil || s.User.Email != "linus@example.com" {
		t.Errorf("getSession after the code: %+v", s)
	}
	if r := out.Invalid; r.Error == nil || *r.Error != "EmailSignin" || r.URL != nil {
		t.Errorf("signIn(email) with a bad address: %+v, want error EmailSignin", r)
	}
	if r := out.Down; r.Error == nil || *r.Error != "EmailSignin" || r.OK || r.Status != http.StatusServiceUnavailable {
		t.Errorf("signIn(email) with the mail server down: %+v, want error EmailSignin, status 503", r)
	}
}
