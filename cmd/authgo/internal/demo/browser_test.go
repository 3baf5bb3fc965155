package demo

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/testenv"
)

// TestBrowser uses the demo as a person would, in headless Chromium: the
// browser sends its own Origin and Sec-Fetch-Site headers, so this also
// proves the cross-origin checks let the app's real forms through. Each
// page is checked at a phone and a desktop size (no sideways scrolling,
// one h1) and saved as a screenshot in $AUTHGO_SCREENSHOT_DIR (or a
// temporary directory).
func TestBrowser(t *testing.T) {
	path := testenv.Chromium(t)
	app := newTestApp(t, authgo.StrategyDatabase)
	dir := os.Getenv("AUTHGO_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}

	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.UserDataDir(t.TempDir()))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()

	type report struct {
		Path        string
		H1          []string
		Alert       string
		Body        string
		ScrollWidth float64
		InnerWidth  float64
	}
	const inspect = `({
		Path: location.pathname,
		H1: [...document.querySelectorAll('h1')].map(e => e.textContent.trim()),
		Alert: (document.querySelector('[role=alert]') || {textContent: ''}).textContent.trim(),
		Body: document.body.innerText,
		ScrollWidth: document.documentElement.scrollWidth,
		InnerWidth: window.innerWidth,
	})`
	look := func(t *testing.T, name string) report {
		t.Helper()
		r, err := chromedp.Run(ctx, chromedp.Evaluate[report](inspect))
		if err != nil {
			t.Fatalf("inspect %s: %v", name, err)
		}
		if r.ScrollWidth > r.InnerWidth {
			t.Errorf("%s scrolls sideways: %v > %v", name, r.ScrollWidth, r.InnerWidth)
		}
		if len(r.H1) != 1 {
			t.Errorf("%s has %d h1", name, len(r.H1))
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		file := filepath.Join(dir, "demo-"+name+".png")
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", file)
		return r
	}
	viewport := func(w, h int, mobile bool) chromedp.Action[chromedp.Void] {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateLandscape}
		if mobile {
			opts = []chromedp.EmulateViewportOption{chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)}
		}
		return chromedp.EmulateViewport(int64(w), int64(h), opts...)
	}

	base := app.srv.URL
	// Signed out, the dashboard leads to the login page.
	if err := chromedp.Do(ctx, viewport(390, 844, true), chromedp.Navigate(base+"/dashboard")); err != nil {
		t.Fatal(err)
	}
	if r := look(t, "login-phone"); r.Path != "/login" || r.H1[0] != "Sign in" {
		t.Fatalf("signed-out /dashboard showed %s %q", r.Path, r.H1)
	}
	// A wrong password shows the one message.
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), "editor@example.com"),
		chromedp.SendKeys(chromedp.CSS("#password"), "not the password"),
		chromedp.Click(chromedp.CSS("form.card button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#form-error")),
	)
	if err != nil {
		t.Fatalf("wrong password: %v", err)
	}
	if r := look(t, "login-error-phone"); r.Alert != msgWrongCredentials {
		t.Errorf("alert %q", r.Alert)
	}
	// The right one signs in and goes back to the dashboard.
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Click(chromedp.CSS("form.card button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")),
	)
	if err != nil {
		t.Fatalf("sign in: %v", err)
	}
	r := look(t, "dashboard-phone")
	if r.Path != "/dashboard" || !strings.Contains(r.Body, "Eddie Editor") || !strings.Contains(r.Body, "editor@example.com") {
		t.Errorf("dashboard: %s %q", r.Path, r.Body)
	}
	// Write a post through the form.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/posts"),
		chromedp.SendKeys(chromedp.CSS("#title"), "Written in Chromium"),
		chromedp.SendKeys(chromedp.CSS("#content"), "Hello from a real browser."),
		chromedp.Click(chromedp.CSS("form[action='/posts'] button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("ul.posts")),
	)
	if err != nil {
		t.Fatalf("new post: %v", err)
	}
	if r := look(t, "posts-phone"); !strings.Contains(r.Body, "Written in Chromium") {
		t.Errorf("post not listed: %q", r.Body)
	}
	// Every page at both sizes.
	for _, vp := range []struct {
		name   string
		w, h   int
		mobile bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 800, false}} {
		for _, p := range []string{"/", "/dashboard", "/settings", "/posts", "/editor", "/admin"} {
			if err := chromedp.Do(ctx, viewport(vp.w, vp.h, vp.mobile), chromedp.Navigate(base+p)); err != nil {
				t.Fatal(err)
			}
			name := strings.Trim(strings.ReplaceAll(p, "/", ""), "") + "-" + vp.name
			if p == "/" {
				name = "home-" + vp.name
			}
			r := look(t, name)
			if p == "/admin" && r.Path != "/unauthorized" {
				t.Errorf("editor opened /admin: %s", r.Path)
			}
		}
	}
	// Sign out with the header's button.
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/dashboard"),
		chromedp.Click(chromedp.CSS("form[action='/signout'] button")),
		chromedp.WaitVisible(chromedp.CSS("a.button[href='/login']")),
	)
	if err != nil {
		t.Fatalf("sign out: %v", err)
	}
	if r := look(t, "signed-out-phone"); r.Path != "/" {
		t.Errorf("after sign-out: %s", r.Path)
	}
}
