package demo

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/testenv"
)

// browserLocation is the URL the browser of ctx is at.
func browserLocation(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// startChromium starts headless Chromium for the test (skipped without
// one, failed under CI) and returns the context of its first tab. The
// browser ends with the test.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	path := testenv.Chromium(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	// The first Do starts the browser; it runs without a timeout, which
	// would end the browser with it.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return bctx
}

// report is what the browser tests read from a page.
type report struct {
	Path         string
	Title        string
	H1           []string
	Alert        string
	Body         string
	ScrollWidth  float64
	HeaderHeight float64
	Nav          []string // the header's links
	Who          string   // the header's account area
	Background   string
	ActionHeight float64 // the tallest button of the sessions table
}

// inspect collects a report.
const inspect = `({
	Path: location.pathname,
	Title: document.title,
	H1: [...document.querySelectorAll('h1')].map(e => e.textContent.trim()),
	Alert: (document.querySelector('[role=alert]') || {textContent: ''}).textContent.trim(),
	Body: document.body.innerText,
	ScrollWidth: document.documentElement.scrollWidth,
	HeaderHeight: document.querySelector('header.top').getBoundingClientRect().height,
	Nav: [...document.querySelectorAll('header nav a')].map(a => a.textContent.trim()),
	Who: document.querySelector('header .who').innerText.trim(),
	Background: getComputedStyle(document.body).backgroundColor,
	ActionHeight: Math.max(0, ...[...document.querySelectorAll('td.action button')].map(b => b.getBoundingClientRect().height)),
})`

// TestBrowser uses the demo as a person would, in headless Chromium: the
// browser sends its own Origin and Sec-Fetch-Site headers, so this also
// proves the cross-origin checks let the app's real forms through. Each
// page is checked at a phone and a desktop size (no sideways scrolling,
// one h1) and saved as a screenshot in $AUTHGO_SCREENSHOT_DIR (or a
// temporary directory).
func TestBrowser(t *testing.T) {
	bctx := startChromium(t)
	app := newTestApp(t, authgo.StrategyDatabase)
	dir := os.Getenv("AUTHGO_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()

	tab := &demoTab{ctx: ctx, dir: dir, width: 390}
	look, viewport := tab.look, tab.viewport

	base := app.srv.URL
	// Signed out, the dashboard leads to the login page.
	if err := chromedp.Do(ctx, viewport(390, 844, true), chromedp.Navigate(base+"/dashboard")); err != nil {
		t.Fatal(err)
	}
	if r := look(t, "login-phone"); r.Path != "/login" || r.H1[0] != "Sign in" {
		t.Fatalf("signed-out /dashboard showed %s %q", r.Path, r.H1)
	} else if r.Who != "" {
		t.Errorf("the login page's header offers %q", r.Who)
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
	// A second session, so that the settings page has a "Sign out" button.
	app.browser("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36").mustLogin("editor@example.com")
	// Every page at both sizes, light and dark.
	checkEveryPage(t, tab, base)
	if err := chromedp.Do(ctx, viewport(390, 844, true), colorScheme("light")); err != nil {
		t.Fatal(err)
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

// demoTab is the browser tab of TestBrowser.
type demoTab struct {
	ctx context.Context
	dir string // where screenshots go
	// width is the viewport's: a phone's layout viewport grows to fit a
	// page wider than the screen, so window.innerWidth would hide it.
	width float64
}

// look reads the page in the tab, checks that it is no wider than the
// screen and has one h1, and saves a screenshot as demo-<name>.png.
func (d *demoTab) look(t *testing.T, name string) report {
	t.Helper()
	r, err := chromedp.Run(d.ctx, chromedp.Evaluate[report](inspect))
	if err != nil {
		t.Fatalf("inspect %s: %v", name, err)
	}
	if r.ScrollWidth > d.width {
		t.Errorf("%s is wider than the %v px screen: scrollWidth %v", name, d.width, r.ScrollWidth)
	}
	if len(r.H1) != 1 {
		t.Errorf("%s has %d h1", name, len(r.H1))
	}
	png, err := chromedp.Run(d.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(d.dir, "demo-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", file)
	return r
}

// viewport emulates a screen of w×h CSS pixels, a phone's when mobile.
func (d *demoTab) viewport(w, h int, mobile bool) chromedp.Action[chromedp.Void] {
	d.width = float64(w)
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateLandscape}
	if mobile {
		opts = []chromedp.EmulateViewportOption{chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)}
	}
	return chromedp.EmulateViewport(int64(w), int64(h), opts...)
}

// checkEveryPage looks at every page of a signed-in editor at a phone's
// and a desktop's size, in the light and the dark scheme.
func checkEveryPage(t *testing.T, tab *demoTab, base string) {
	t.Helper()
	ctx, look, viewport := tab.ctx, tab.look, tab.viewport
	for _, vp := range []struct {
		name      string
		w, h      int
		mobile    bool
		maxHeader float64
	}{{"phone", 390, 844, true, 100}, {"desktop", 1280, 800, false, 70}} {
		for _, scheme := range []string{"light", "dark"} {
			if err := chromedp.Do(ctx, viewport(vp.w, vp.h, vp.mobile), colorScheme(scheme)); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"/", "/dashboard", "/settings", "/posts", "/editor", "/admin"} {
				if err := chromedp.Do(ctx, chromedp.Navigate(base+p)); err != nil {
					t.Fatal(err)
				}
				name := strings.ReplaceAll(p, "/", "")
				if p == "/" {
					name = "home"
				}
				name += "-" + vp.name + "-" + scheme
				checkLayout(t, name, p, look(t, name), vp.mobile, vp.maxHeader, scheme == "dark")
			}
		}
	}
}

// checkLayout checks what every page of an editor shows at a size and a
// colour scheme: a short header with only the links an editor can open,
// the scheme's background, a one-line "Sign out" per other session.
func checkLayout(t *testing.T, name, path string, r report, mobile bool, maxHeader float64, dark bool) {
	t.Helper()
	if path == "/admin" && r.Path != "/unauthorized" {
		t.Errorf("editor opened /admin: %s", r.Path)
	}
	if r.HeaderHeight > maxHeader {
		t.Errorf("%s: header %.0f px tall, want <= %.0f", name, r.HeaderHeight, maxHeader)
	}
	if nav := strings.Join(r.Nav, " "); nav != "Dashboard Posts Editor Settings" {
		t.Errorf("%s: an editor's header links %q", name, nav)
	}
	if isDark := r.Background == "rgb(21, 23, 28)"; isDark != dark {
		t.Errorf("%s: background %s, dark expected: %v", name, r.Background, dark)
	}
	if path == "/settings" && (r.ActionHeight == 0 || !mobile && r.ActionHeight > 36) {
		t.Errorf("%s: the sessions' Sign out button is %.0f px tall: missing or wrapped", name, r.ActionHeight)
	}
	if path == "/" && r.Title != "authgo demo" {
		t.Errorf("home title %q", r.Title)
	}
}

// colorScheme emulates the browser's prefers-color-scheme.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// TestBrowserOAuthButtons clicks every "Sign in with …" button of the
// login page in Chromium, with each provider at a real IdP on another
// origin (oauth2-mock-server): the browser must go to the IdP, come back
// to the callback and land on the dashboard signed in as that provider's
// user. Chromium applies the page's CSP form-action to the redirects that
// follow a form post, so this fails while the login page sends
// form-action 'self'.
func TestBrowserOAuthButtons(t *testing.T) {
	bctx := startChromium(t)
	issuer := startIdP(t)
	app := newTestAppWithEnv(t, authgo.StrategyJWT, idpEnv(issuer))
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	defer cancel()
	base := app.srv.URL

	// The documents the browser requests, redirects included.
	var mu sync.Mutex
	var visited []string
	err := chromedp.Listen(bctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Type == network.ResourceTypeDocument {
			mu.Lock()
			visited = append(visited, e.Request.URL)
			mu.Unlock()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	visits := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := visited
		visited = nil
		return out
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login")); err != nil {
		t.Fatal(err)
	}
	buttons, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('form[action^="/api/auth/signin/"]:not([data-webauthn-options]) button')].map(b => b.textContent.trim())`))
	if err != nil {
		t.Fatal(err)
	}
	if len(buttons) != len(idpProviders) {
		t.Fatalf("login page shows %d provider buttons %q, want %d", len(buttons), buttons, len(idpProviders))
	}

	for _, id := range idpProviders {
		client := id + "-client"
		err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/login"),
			// Record the login page's CSP violations (DevTools may run
			// script on a page whose policy forbids it).
			chromedp.Evaluate[chromedp.Void](`window.violations = [];
				document.addEventListener('securitypolicyviolation', e => violations.push(e.effectiveDirective + ' blocked ' + e.blockedURI))`),
		)
		if err != nil {
			t.Fatalf("%s: login page: %v", id, err)
		}
		visits()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[action="/api/auth/signin/`+id+`"] button`))); err != nil {
			t.Fatalf("%s: click: %v", id, err)
		}
		// Wait for the dashboard, but not for long: a blocked redirect
		// leaves the browser on the login page.
		wctx, wcancel := context.WithTimeout(ctx, 15*time.Second)
		err = chromedp.Do(wctx, chromedp.WaitVisible(chromedp.CSS("dl.facts")))
		wcancel()
		where, _ := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			violations, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.violations || []`))
			t.Fatalf("%s: the button did not sign in: the browser is at %s (%v); CSP violations %q; documents requested %q",
				id, where, err, violations, visits())
		}
		body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		if where != base+"/dashboard" || !strings.Contains(body, "User of "+client) || !strings.Contains(body, client+"@example.com") {
			t.Errorf("%s: at %s, want the dashboard of %s@example.com: %q", id, where, client, body)
		}
		checkOAuthRoundTrip(t, id, visits(), base, issuer)
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS("form[action='/signout'] button")),
			chromedp.WaitVisible(chromedp.CSS("a.button[href='/login']")),
		)
		if err != nil {
			t.Fatalf("%s: sign out: %v", id, err)
		}
	}
}

// checkOAuthRoundTrip checks the documents the browser requested after a
// click on provider id's button: the sign-in post, the IdP's authorization
// endpoint for the provider's client, the app's callback with a code, the
// dashboard — in that order, nothing else.
func checkOAuthRoundTrip(t *testing.T, id string, visited []string, base, issuer string) {
	t.Helper()
	want := []func(u *url.URL) bool{
		func(u *url.URL) bool { return u.String() == base+"/api/auth/signin/"+id },
		func(u *url.URL) bool {
			return strings.HasPrefix(u.String(), issuer+"/authorize?") && u.Query().Get("client_id") == id+"-client"
		},
		func(u *url.URL) bool {
			return strings.HasPrefix(u.String(), base+"/api/auth/callback/"+id+"?") && u.Query().Get("code") != ""
		},
		func(u *url.URL) bool { return u.String() == base+"/dashboard" },
	}
	ok := len(visited) == len(want)
	for i := 0; ok && i < len(want); i++ {
		u, err := url.Parse(visited[i])
		ok = err == nil && want[i](u)
	}
	if !ok {
		t.Errorf("%s: the browser requested %q; want the sign-in post, %s/authorize, the callback, the dashboard", id, visited, issuer)
	}
}
