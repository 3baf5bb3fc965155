package passkey_test

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/mfa"
)

// With a second factor required of every user, a passkey sign-in (the
// device and its user verification: two factors) is not sent to set one
// up: signing up and signing in land in the app. The same policy sends a
// sign-in that proved one factor to enrolment (the second factor's own
// tests show that).
func TestPasskeyIsTwoFactors(t *testing.T) {
	a := newApp(t, nil, nil, func(c *authgo.Config) {
		c.TwoFactor = authgo.TwoFactorConfig{TOTP: mfa.TOTP{}, RequiredForAll: true}
	})
	ctx, _ := browserTab(t)
	signin := a.origin + "/api/auth/signin?callbackUrl=" + a.origin + "/"
	err := chromedp.Do(ctx,
		chromedp.Navigate(signin),
		chromedp.SendKeys(chromedp.CSS(`form.provider-passkey input[name=email]`), "two@example.com"),
		clickLater(`form.provider-passkey button[value=register]`),
	)
	if err == nil {
		err = waitForHome(ctx, a)
	}
	if err != nil {
		t.Fatalf("passkey sign-up under a second-factor policy: %v", err)
	}
	if got := who(t, ctx, a); got != "two@example.com" {
		t.Fatalf("after the passkey sign-up the app says %q", got)
	}
	signOut(t, ctx, a)
	if err := chromedp.Do(ctx, chromedp.Navigate(signin)); err != nil {
		t.Fatal(err)
	}
	if err := waitForHome(ctx, a); err != nil { // the autofill request signs in
		t.Fatal(err)
	}
	if got := who(t, ctx, a); got != "two@example.com" {
		t.Fatalf("after the passkey sign-in the app says %q", got)
	}
}
