package passkey_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
	"github.com/evanw/esbuild/pkg/api"

	"github.com/authgo/authgo/internal/testenv"
)

// clientEntry exposes next-auth/webauthn's signIn (and next-auth/react's
// signOut and getSession) to the test page, as an app's bundle would.
const clientEntry = `
import { signIn } from "next-auth/webauthn";
import { signOut, getSession } from "next-auth/react";
window.nextAuth = { signIn, signOut, getSession };
`

// bundleClient bundles the real next-auth client (from the pinned npm
// packages, with @simplewebauthn/browser, its WebAuthn peer) for the
// browser, as a Next.js app's build would: NEXTAUTH_URL points it at base.
func bundleClient(t *testing.T, base string) []byte {
	t.Helper()
	nodeDir := testenv.NodeDir(t)
	entry := filepath.Join(t.TempDir(), "entry.js")
	if err := os.WriteFile(entry, []byte(clientEntry), 0o644); err != nil {
		t.Fatal(err)
	}
	res := api.Build(api.BuildOptions{
		EntryPoints: []string{entry},
		Bundle:      true,
		Format:      api.FormatIIFE,
		Platform:    api.PlatformBrowser,
		NodePaths:   []string{filepath.Join(nodeDir, "node_modules")},
		Define: map[string]string{
			"process.env.NEXTAUTH_URL": fmt.Sprintf("%q", base), "process.env.NEXTAUTH_URL_INTERNAL": "undefined",
			"process.env.VERCEL_URL": "undefined", "process.env.NODE_ENV": `"production"`,
		},
		Write: false,
	})
	if len(res.Errors) > 0 || len(res.OutputFiles) != 1 {
		t.Fatalf("bundle next-auth/webauthn: %+v", res.Errors)
	}
	return res.OutputFiles[0].Contents
}

// signInResult is what next-auth/webauthn's signIn returns with
// redirect: false.
type signInResult struct {
	Error  *string `json:"error"`
	Status int     `json:"status"`
	OK     bool    `json:"ok"`
	URL    *string `json:"url"`
}

// next-auth/webauthn's signIn("passkey") against authgo, in Chromium with a
// virtual authenticator: register (a new user), sign out, authenticate;
// and register a second passkey while signed in.
func TestNextAuthWebAuthnClient(t *testing.T) {
	var bundle []byte
	client := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/client/":
			fmt.Fprint(w, `<!DOCTYPE html><title>client</title><script src="bundle.js"></script>`)
		case "/client/bundle.js":
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(bundle)
		default:
			http.NotFound(w, r)
		}
	})
	a := newApp(t, client, nil)
	bundle = bundleClient(t, a.origin+"/api/auth")
	ctx, authID := browserTab(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(a.origin+"/client/")); err != nil {
		t.Fatal(err)
	}
	tab := nextAuthTab{t, ctx}
	call, email := tab.signIn, tab.email

	r := call(`nextAuth.signIn("passkey", {action: "register", email: "lin@example.com", redirect: false, redirectTo: "/done"})`)
	if !r.OK || r.Error != nil || r.URL == nil || !strings.HasSuffix(*r.URL, "/done") {
		t.Fatalf("register: %+v", r)
	}
	if got := email(); got != "lin@example.com" {
		t.Fatalf("after register the session is %q", got)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`nextAuth.signOut({redirect: false})`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	if got := email(); got != "" {
		t.Fatalf("after signOut the session is %q", got)
	}
	r = call(`nextAuth.signIn("passkey", {redirect: false, redirectTo: "/again"})`)
	if !r.OK || r.Error != nil || r.URL == nil || !strings.HasSuffix(*r.URL, "/again") {
		t.Fatalf("authenticate: %+v", r)
	}
	if got := email(); got != "lin@example.com" {
		t.Fatalf("after authenticate the session is %q", got)
	}

	// Signed in, "register" on the same authenticator is refused by the
	// browser: the options exclude the user's credential.
	u, _ := a.db.GetUserByEmail(context.Background(), "lin@example.com")
	_, err := chromedp.Run(ctx, chromedp.Evaluate[any](`nextAuth.signIn("passkey", {action: "register", redirect: false})`, chromedp.EvalAwaitPromise))
	if err == nil || !strings.Contains(err.Error(), "previously registered") {
		t.Fatalf("register on the authenticator that holds the user's passkey: %v, want the browser's InvalidStateError", err)
	}
	addSecondPasskey(t, a, tab, authID, u.ID)
}

// nextAuthTab runs next-auth/react calls in a Chromium tab.
type nextAuthTab struct {
	t   *testing.T
	ctx context.Context
}

// signIn evaluates js, a nextAuth.signIn call, and returns its result.
func (tab nextAuthTab) signIn(js string) signInResult {
	tab.t.Helper()
	r, err := chromedp.Run(tab.ctx, chromedp.Evaluate[signInResult](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tab.t.Fatalf("%s: %v", js, err)
	}
	return r
}

// email returns the session's user's email as getSession sees it, or "".
func (tab nextAuthTab) email() string {
	tab.t.Helper()
	s, err := chromedp.Run(tab.ctx, chromedp.Evaluate[string](`nextAuth.getSession().then(s => s ? s.user.email : "")`, chromedp.EvalAwaitPromise))
	if err != nil {
		tab.t.Fatal(err)
	}
	return s
}

// addSecondPasskey: on another authenticator (a new phone) "register" adds
// a second passkey to the signed-in account of userID, which then signs in.
func addSecondPasskey(t *testing.T, a *app, tab nextAuthTab, authID webauthn.AuthenticatorID, userID string) {
	t.Helper()
	ctx, call, email := tab.ctx, tab.signIn, tab.email
	// On another authenticator (a new phone) it adds a second passkey to
	// the account, which then signs in.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, webauthn.RemoveVirtualAuthenticator, webauthn.RemoveVirtualAuthenticatorParams{AuthenticatorID: authID})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	addAuthenticator(t, ctx)
	r := call(`nextAuth.signIn("passkey", {action: "register", redirect: false, redirectTo: "/settings"})`)
	if !r.OK || r.Error != nil {
		t.Fatalf("register a second passkey: %+v", r)
	}
	if rows, _ := a.db.ListAuthenticatorsByUserID(context.Background(), userID); len(rows) != 2 {
		t.Fatalf("after adding a passkey the user has %d", len(rows))
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`nextAuth.signOut({redirect: false})`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	r = call(`nextAuth.signIn("passkey", {redirect: false})`)
	if !r.OK || r.Error != nil || email() != "lin@example.com" {
		t.Fatalf("sign in with the second passkey: %+v", r)
	}
}
