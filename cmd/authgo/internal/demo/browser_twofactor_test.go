package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// The admin of authgo demo signs in in Chromium and is taken through
// authgo's built-in two-factor pages, which must work without JavaScript
// under the pages' content security policies: the enrolment page (QR
// code image, key), the first code, the backup codes, Continue to the
// dashboard; then signed out and in again, the challenge page with the
// next code.
func TestBrowserTwoFactor(t *testing.T) {
	bctx := startChromium(t)
	app := newTestAppFrom(t, Config{DBPath: filepath.Join(t.TempDir(), "demo.db"), Strategy: "jwt", Secret: testSecret, Password: testPassword, AdminTwoFactor: true})
	base := app.srv.URL
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	where := func() string { t.Helper(); return browserLocation(t, ctx) }
	text := func(js string) string {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
		defer wcancel()
		if err := chromedp.Do(wctx, actions...); err != nil {
			t.Fatalf("%s: %v; the browser is at %s:\n%s", what, err, where(), text(`document.body.innerText`))
		}
	}
	login := func() {
		t.Helper()
		step("sign in",
			chromedp.Navigate(base+"/login"),
			chromedp.SendKeys(chromedp.CSS("#email"), "admin@example.com"),
			chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`#input-code`)),
		)
	}
	login()
	if w := where(); w != base+"/api/auth/two-factor/enroll" {
		t.Fatalf("after the password: %s", w)
	}
	if loaded := text(`String(document.querySelector('img').complete && document.querySelector('img').naturalWidth)`); loaded != "200" {
		t.Fatalf("the QR code image did not load (naturalWidth %s)", loaded)
	}
	secret := text(`document.querySelector('code').textContent`)
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	step("type the first code",
		chromedp.SendKeys(chromedp.CSS("#input-code"), code),
		chromedp.Submit(chromedp.CSS("#input-code")),
		chromedp.WaitVisible(chromedp.CSS("ul.backup-codes")),
	)
	if n := text(`String(document.querySelectorAll('ul.backup-codes li').length)`); n != "10" {
		t.Fatalf("%s backup codes shown", n)
	}
	step("continue",
		chromedp.Click(chromedp.CSS("p.home a")),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if w := where(); w != base+"/dashboard" {
		t.Fatalf("after Continue: %s", w)
	}
	step("sign out",
		chromedp.Click(chromedp.CSS("form[action='/signout'] button")),
		chromedp.WaitVisible(chromedp.CSS("a.button[href='/login']")),
	)
	login()
	if w := where(); w != base+"/api/auth/two-factor/challenge" || !strings.Contains(text(`document.body.innerText`), "Don't ask again") {
		t.Fatalf("second sign-in: %s", w)
	}
	next, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	step("type the next code",
		chromedp.SendKeys(chromedp.CSS("#input-code"), next),
		chromedp.Submit(chromedp.CSS("#input-code")),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if w := where(); w != base+"/dashboard" {
		t.Fatalf("after the challenge: %s", w)
	}
}
