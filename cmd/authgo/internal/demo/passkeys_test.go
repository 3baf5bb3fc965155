package demo

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/authgo/authgo"
)

// The demo's passkeys in Chromium with a virtual authenticator: a user
// who signed in with a password adds a passkey on /settings and renames
// it, signs out, and signs in on /login with "Sign in with a passkey".
func TestBrowserPasskeys(t *testing.T) {
	bctx := startChromium(t)
	app := newTestApp(t, authgo.StrategyDatabase)
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	// A passkey's relying party is a host name, not 127.0.0.1.
	u, _ := url.Parse(app.srv.URL)
	base := "http://localhost:" + u.Port()
	off := false
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{EnableUI: &off}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
			IsUserVerified: true, AutomaticPresenceSimulation: true,
		}})
		if err != nil {
			return err
		}
		// The virtual authenticator answers an autofill request at once;
		// without autofill, the button is what signs in.
		_, err = cdp.Call(ctx, tg, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{
			Source: `PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);`})
		return err
	}))
	if err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
	at := func(path string) {
		t.Helper()
		for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
			if href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname + location.search : ""`)); err == nil && href == path {
				return
			}
		}
		t.Fatalf("the browser did not reach %s", path)
	}
	click := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[any](fmt.Sprintf(`setTimeout(() => document.querySelector(%q).click(), 0)`, sel))(ctx, tg)
			return err
		})
	}
	body := func() string {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	// Sign in with the password, then add a passkey on the settings page.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#email"), "viewer@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		click("form[action='/login'] button[type=submit]"),
	)
	if err != nil {
		t.Fatal(err)
	}
	at("/dashboard")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/settings"), click("#add-passkey")); err != nil {
		t.Fatal(err)
	}
	at("/settings?passkey=added")
	if b := body(); !strings.Contains(b, "The passkey was added") || !strings.Contains(b, "Never") {
		t.Fatalf("settings after adding a passkey: %q", b)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`form[action="/settings/passkeys/rename"] input[name=name]`), "Test laptop"),
		click(`form[action="/settings/passkeys/rename"] button`),
	)
	if err != nil {
		t.Fatal(err)
	}
	at("/settings?passkey=renamed")
	if b := body(); !strings.Contains(b, "Test laptop") {
		t.Fatalf("settings after the rename: %q", b)
	}
	// The passkey list fits a phone and a desktop.
	dir := os.Getenv("AUTHGO_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	tab := &demoTab{ctx: ctx, dir: dir}
	for _, vp := range []struct {
		name   string
		w, h   int
		mobile bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 800, false}} {
		if err := chromedp.Do(ctx, tab.viewport(vp.w, vp.h, vp.mobile)); err != nil {
			t.Fatal(err)
		}
		tab.look(t, "settings-passkeys-"+vp.name)
	}

	// Sign out, then "Sign in with a passkey".
	if err := chromedp.Do(ctx, click("form[action='/signout'] button")); err != nil {
		t.Fatal(err)
	}
	at("/")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), click("#passkey-signin")); err != nil {
		t.Fatal(err)
	}
	at("/dashboard")
	if b := body(); !strings.Contains(b, "viewer@example.com") {
		t.Fatalf("dashboard after the passkey sign-in: %q", b)
	}
	viewer, _ := app.db.GetUserByEmail(context.Background(), "viewer@example.com")
	list, err := app.auth.ListPasskeys(context.Background(), viewer.ID)
	if err != nil || len(list) != 1 || list[0].Name != "Test laptop" || list[0].LastUsedAt.IsZero() {
		t.Fatalf("the viewer's passkeys: %+v (%v)", list, err)
	}
}
