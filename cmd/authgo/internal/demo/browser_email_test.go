package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/authgo/authgo"
)

// "Email me a sign-in link" as a person does it in Chromium, without
// JavaScript on the pages: the form, authgo's "Check your email" page, the
// mailbox, a click on the link, the button of its page, the dashboard of a
// new viewer; then the code typed on the "Check your email" page. Each
// step's navigation must pass the pages' content security policies.
func TestBrowserEmailSignIn(t *testing.T) {
	bctx := startChromium(t)
	app := newTestApp(t, authgo.StrategyJWT)
	base := app.srv.URL
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	where := func() string { t.Helper(); return browserLocation(t, ctx) }
	body := func() string {
		t.Helper()
		b, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
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
			t.Fatalf("%s: %v; the browser is at %s:\n%s", what, err, where(), body())
		}
	}

	step("ask for a link",
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#link-email"), "Lin@Example.com"),
		chromedp.Click(chromedp.CSS(`form[action="/login/email"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
	)
	if w := where(); !strings.HasPrefix(w, base+"/api/auth/verify-request") || !strings.Contains(body(), "Check your email") {
		t.Fatalf("after asking: %s", w)
	}
	step("open the mailbox and click the link",
		chromedp.Navigate(base+"/dev/mailbox"),
		chromedp.Click(chromedp.CSS(`.mail-text a[href*="/api/auth/callback/email"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.provider-email button`)),
	)
	if b := body(); !strings.Contains(b, "Sign in as lin@example.com") || strings.Contains(b, "another browser") {
		t.Fatalf("the link's page:\n%s", b)
	}
	step("press the button",
		chromedp.Click(chromedp.CSS(`form.provider-email button`)),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if w, b := where(), body(); w != base+"/dashboard" || !strings.Contains(b, "lin@example.com") || !strings.Contains(b, lowestRole) {
		t.Fatalf("after the button: %s:\n%s", w, b)
	}

	step("sign out and ask again",
		chromedp.Click(chromedp.CSS("form[action='/signout'] button")),
		chromedp.WaitVisible(chromedp.CSS("a.button[href='/login']")),
		chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#link-email"), "editor@example.com"),
		chromedp.Click(chromedp.CSS(`form[action="/login/email"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
	)
	m, ok := app.mail.Last("editor@example.com")
	code := mailCode.FindStringSubmatch(m.Text)
	if !ok || code == nil {
		t.Fatalf("no code mailed: %q", m.Text)
	}
	step("type the code",
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), code[1]),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if w, b := where(), body(); w != base+"/dashboard" || !strings.Contains(b, "Eddie Editor") {
		t.Fatalf("after the code: %s:\n%s", w, b)
	}
}
