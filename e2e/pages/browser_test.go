package pages_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/authgo/authgo/internal/pages"
	"github.com/authgo/authgo/internal/testenv"
)

// The browser tests serve each page from an httptest server and look at it
// in headless Chromium at a phone and a desktop size: the expected elements
// are there and visible, form controls are wide and tall enough to use, the
// page does not scroll sideways, text has enough contrast, focus is visible.
// Full-page screenshots go to $AUTHGO_SCREENSHOT_DIR (or a temporary
// directory) so a person can look at them.

// startBrowser starts one Chromium for the test and returns a context whose
// children open tabs in it.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := testenv.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	// The first Do starts the browser; it must not run under a timeout, or
	// the timeout would end the browser with it.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return bctx
}

// newTab opens a tab in the browser of bctx and returns a context for it
// that gives up after a minute, so a stuck page fails the test instead of
// hanging it.
func newTab(t *testing.T, bctx context.Context) context.Context {
	t.Helper()
	tctx, cancelTab := chromedp.NewContext(bctx)
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tctx, time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func screenshotDir(t *testing.T) string {
	if d := os.Getenv("AUTHGO_SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatalf("screenshot dir: %v", err)
		}
		return d
	}
	return t.TempDir()
}

const logoSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48" viewBox="0 0 160 48">` +
	`<rect width="48" height="48" rx="10" fill="#0f766e"/><path d="M14 30 L24 14 L34 30 Z" fill="#fff"/>` +
	`<text x="58" y="32" font-family="sans-serif" font-size="22" font-weight="700" fill="#0f766e">Acme</text></svg>`

// recorded holds the form the credentials test handler received.
type recorded struct {
	mu   sync.Mutex
	form url.Values
}

func (r *recorded) get() url.Values { r.mu.Lock(); defer r.mu.Unlock(); return r.form }

// pageServer serves every scenario of the browser tests.
func pageServer(t *testing.T, rec *recorded) *httptest.Server {
	mux := http.NewServeMux()
	must := func(err error) {
		if err != nil {
			t.Errorf("render: %v", err)
		}
	}
	credentials := pages.Provider{ID: "credentials", Name: "Email and password", Type: pages.TypeCredentials,
		SigninURL: "/api/auth/signin/credentials", CallbackURL: "/api/auth/callback/credentials",
		Fields: []pages.Field{
			{Name: "email", Label: "Email", Type: "email", Placeholder: "you@example.com", Required: true},
			{Name: "password", Label: "Password", Type: "password", Required: true},
		}}
	all := []pages.Provider{
		{ID: "github", Name: "GitHub", Type: pages.TypeOAuth, SigninURL: "/api/auth/signin/github"},
		{ID: "google", Name: "Google", Type: pages.TypeOIDC, SigninURL: "/api/auth/signin/google"},
		{ID: "resend", Name: "Email", Type: pages.TypeEmail, SigninURL: "/api/auth/signin/resend"},
		credentials,
	}
	brand := pages.Theme{BrandColor: "#0f766e", Logo: "/logo.svg"}
	mux.HandleFunc("GET /logo.svg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		fmt.Fprint(w, logoSVG)
	})
	mux.HandleFunc("GET /signin", func(w http.ResponseWriter, r *http.Request) {
		must(pages.RenderSignIn(w, 200, pages.SignIn{Providers: all, CSRFToken: "csrf-token-value", CallbackURL: "/dashboard"}))
	})
	mux.HandleFunc("GET /signin-error", func(w http.ResponseWriter, r *http.Request) {
		must(pages.RenderSignIn(w, 200, pages.SignIn{Theme: brand, Providers: all, CSRFToken: "csrf-token-value", CallbackURL: "/dashboard",
			Error: "CredentialsSignin", Notice: "Too many attempts. Try again in 12 minutes.",
			FieldErrors: map[string]string{"email": "Enter an email address like you@example.com."}}))
	})
	mux.HandleFunc("GET /signin-oauth", func(w http.ResponseWriter, r *http.Request) {
		must(pages.RenderSignIn(w, 200, pages.SignIn{Providers: all[:2], CSRFToken: "c", CallbackURL: "/"}))
	})
	passkey := pages.Provider{ID: "passkey", Name: "Passkey", Type: pages.TypeWebAuthn, SigninURL: "/api/auth/signin/passkey", CallbackURL: "/api/auth/callback/passkey",
		Passkey: &pages.Passkey{OptionsURL: "/api/auth/webauthn-options/passkey", CallbackURL: "/api/auth/callback/passkey", ScriptURL: "/api/auth/webauthn.js", SignUp: true}}
	mux.HandleFunc("GET /signin-passkey", func(w http.ResponseWriter, r *http.Request) {
		must(pages.RenderSignIn(w, 200, pages.SignIn{Providers: []pages.Provider{all[0], passkey, credentials}, CSRFToken: "c", CallbackURL: "/"}))
	})
	mux.HandleFunc("GET /api/auth/webauthn.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(pages.WebAuthnScript())
	})
	mux.HandleFunc("GET /signin-dark", func(w http.ResponseWriter, r *http.Request) {
		must(pages.RenderSignIn(w, 200, pages.SignIn{Theme: pages.Theme{ColorScheme: pages.SchemeDark}, Providers: all, CSRFToken: "c", CallbackURL: "/"}))
	})
	mux.HandleFunc("GET /signin-credentials", func(w http.ResponseWriter, r *http.Request) {
		must(pages.RenderSignIn(w, 200, pages.SignIn{Providers: []pages.Provider{credentials}, CSRFToken: "csrf-token-value",
			CallbackURL: "http://app.example/after?x=1&y=2"}))
	})
	mux.HandleFunc("GET /signin-hostile", func(w http.ResponseWriter, r *http.Request) {
		evil := `"><script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">`
		must(pages.RenderSignIn(w, 200, pages.SignIn{Providers: []pages.Provider{
			{ID: "x", Name: evil, Type: pages.TypeOAuth, SigninURL: "javascript:document.title='pwned'"},
		}, CSRFToken: evil, CallbackURL: evil, Error: evil, Notice: evil}))
	})
	mux.HandleFunc("GET /signout", func(w http.ResponseWriter, r *http.Request) {
		must(pages.RenderSignOut(w, 200, pages.SignOut{Theme: brand, Action: "/api/auth/signout", CSRFToken: "c"}))
	})
	mux.HandleFunc("GET /error", func(w http.ResponseWriter, r *http.Request) {
		// A light brand colour: the button text must turn dark to stay readable.
		must(pages.RenderError(w, pages.Error{Theme: pages.Theme{BrandColor: "#fde047"}, Code: "Verification", SignInURL: "/api/auth/signin", HomeURL: "/"}))
	})
	mux.HandleFunc("GET /verify-request", func(w http.ResponseWriter, r *http.Request) {
		must(pages.RenderVerifyRequest(w, 200, pages.VerifyRequest{Host: "app.example.com", HomeURL: "/"}))
	})
	mux.HandleFunc("POST /api/auth/callback/credentials", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		rec.mu.Lock()
		rec.form = r.PostForm
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!DOCTYPE html><title>Posted</title><p id="posted">posted</p>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// report is what the page-inspection script returns.
type report struct {
	Title       string   `json:"title"`
	H1          []string `json:"h1"`
	BodyClass   string   `json:"bodyClass"`
	ScrollWidth float64  `json:"scrollWidth"`
	InnerWidth  float64  `json:"innerWidth"`
	Alert       string   `json:"alert"`
	Logo        string   `json:"logo"` // "none", "loaded" or "broken"
	Controls    []struct {
		Kind     string  `json:"kind"` // input, button or link
		Name     string  `json:"name"`
		Text     string  `json:"text"`
		Label    string  `json:"label"`
		Visible  bool    `json:"visible"`
		Width    float64 `json:"width"`
		Height   float64 `json:"height"`
		Contrast float64 `json:"contrast"`
	} `json:"controls"`
	TextContrast []struct {
		Text     string  `json:"text"`
		Contrast float64 `json:"contrast"`
	} `json:"textContrast"`
	Scripts int `json:"scripts"`
	// ProviderLogos are the logos of the provider buttons.
	ProviderLogos []struct {
		Loaded        bool    `json:"loaded"`
		Width         float64 `json:"width"`
		Button        string  `json:"button"`
		ButtonBg      string  `json:"buttonBg"`
		ButtonOutline string  `json:"buttonOutline"`
	} `json:"providerLogos"`
	CardTop     float64 `json:"cardTop"`
	CardBottom  float64 `json:"cardBottom"`
	InnerHeight float64 `json:"innerHeight"`
}

// inspect collects what the assertions need in one evaluation. Contrast is
// computed as WCAG 2 defines it, against the nearest opaque background.
const inspect = `(() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return {r:p[0], g:p[1], b:p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const bgOf = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a >= 0.99) return c; } return {r:255, g:255, b:255, a:1}; };
  const contrast = el => { const fg = parse(getComputedStyle(el).color), bg = bgOf(el);
    const a = lum(fg), b = lum(bg); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
  const visible = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0'; };
  const q = s => Array.from(document.querySelectorAll(s));
  const img = document.querySelector('img.logo');
  const controls = [];
  for (const e of q('input:not([type=hidden]), button, a')) {
    const r = e.getBoundingClientRect();
    controls.push({ kind: e.tagName === 'INPUT' ? 'input' : e.tagName === 'BUTTON' ? 'button' : 'link',
      name: e.name || '', text: e.textContent.trim(), label: e.labels && e.labels.length ? e.labels[0].textContent.trim() : '',
      visible: visible(e), width: r.width, height: r.height, contrast: contrast(e) });
  }
  const textContrast = q('h1, label, .card p, .divider, .field-error, [role=alert] p').map(e => ({ text: e.textContent.trim().slice(0, 40), contrast: contrast(e) }));
  const alert = document.querySelector('[role=alert]');
  const providerLogos = q('img.provider-logo').map(i => { const b = i.closest('button'), s = getComputedStyle(b);
    return { loaded: i.complete && i.naturalWidth > 0, width: i.getBoundingClientRect().width, button: b.textContent.trim(),
      buttonBg: s.backgroundColor, buttonOutline: s.borderTopColor }; });
  const card = document.querySelector('.card').getBoundingClientRect();
  return { title: document.title, h1: q('h1').map(e => e.textContent.trim()), bodyClass: document.body.className,
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
    alert: alert ? alert.textContent.replace(/\s+/g, ' ').trim() : '',
    logo: !img ? 'none' : (img.complete && img.naturalWidth > 0 ? 'loaded' : 'broken'),
    controls, textContrast, scripts: document.scripts.length, providerLogos,
    cardTop: card.top, cardBottom: card.bottom, innerHeight: window.innerHeight };
})()`

type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

var viewports = []viewport{{"phone", 390, 844, true}, {"desktop", 1280, 800, false}}

func setViewport(vp viewport, dark bool) chromedp.Action[chromedp.Void] {
	scheme := "light"
	if dark {
		scheme = "dark"
	}
	opts := []chromedp.EmulateViewportOption{chromedp.EmulateLandscape}
	if vp.mobile {
		opts = []chromedp.EmulateViewportOption{chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)}
	}
	return chromedp.Steps(
		chromedp.EmulateViewport(vp.width, vp.height, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
			})
			return err
		}),
	)
}

func TestBrowserPages(t *testing.T) {
	bctx := startBrowser(t)
	srv := pageServer(t, &recorded{})
	dir := screenshotDir(t)

	presets := []string{"Sign in with GitHub", "Sign in with Google"}
	scenarios := map[string]pageWant{
		"signin": {logos: presets, title: "Sign In", h1: "Sign in", bodyClass: "__next-auth-theme-auto", logo: "none",
			inputs:  []string{"Email", "Email", "Password"},
			buttons: []string{"Sign in with GitHub", "Sign in with Google", "Sign in with Email", "Sign in with Email and password"}},
		"signin-auto-dark": {logos: presets, title: "Sign In", h1: "Sign in", bodyClass: "__next-auth-theme-auto", logo: "none",
			inputs:  []string{"Email", "Email", "Password"},
			buttons: []string{"Sign in with GitHub", "Sign in with Google", "Sign in with Email", "Sign in with Email and password"},
			darkBg:  true, prefersDrk: true},
		"signin-error": {logos: presets, title: "Sign In", h1: "Sign in", bodyClass: "__next-auth-theme-auto", logo: "loaded",
			alert:   "Sign in failed. Check the details you provided are correct. Too many attempts. Try again in 12 minutes.",
			inputs:  []string{"Email", "Email", "Password"},
			buttons: []string{"Sign in with GitHub", "Sign in with Google", "Sign in with Email", "Sign in with Email and password"}},
		"signin-dark": {logos: presets, title: "Sign In", h1: "Sign in", bodyClass: "__next-auth-theme-dark", logo: "none",
			inputs:  []string{"Email", "Email", "Password"},
			buttons: []string{"Sign in with GitHub", "Sign in with Google", "Sign in with Email", "Sign in with Email and password"},
			darkBg:  true},
		"signin-passkey": {logos: presets[:1], title: "Sign In", h1: "Sign in", bodyClass: "__next-auth-theme-auto", logo: "none",
			inputs:  []string{"Email", "Email", "Password"},
			buttons: []string{"Sign in with GitHub", "Sign in with Passkey", "Create an account with a passkey", "Sign in with Email and password"}},
		"signin-oauth": {logos: presets, centred: true, title: "Sign In", h1: "Sign in", bodyClass: "__next-auth-theme-auto", logo: "none",
			buttons: presets},
		"signout": {title: "Sign Out", h1: "Sign out", bodyClass: "__next-auth-theme-auto", logo: "loaded",
			buttons: []string{"Sign out"}},
		"error": {title: "Error", h1: "Unable to sign in", bodyClass: "__next-auth-theme-auto", logo: "none",
			buttons: []string{"Sign in"}},
		"verify-request": {title: "Verify Request", h1: "Check your email", bodyClass: "__next-auth-theme-auto", logo: "none"},
	}
	for name, w := range scenarios {
		for _, vp := range viewports {
			t.Run(name+"/"+vp.name, func(t *testing.T) {
				ctx := newTab(t, bctx)
				path := "/" + strings.TrimSuffix(name, "-auto-dark")
				if err := chromedp.Do(ctx, setViewport(vp, w.prefersDrk), chromedp.Navigate(srv.URL+path)); err != nil {
					t.Fatalf("load %s: %v", path, err)
				}
				r, err := chromedp.Run(ctx, chromedp.Evaluate[report](inspect))
				if err != nil {
					t.Fatalf("inspect: %v", err)
				}
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				file := filepath.Join(dir, name+"-"+vp.name+".png")
				if err := os.WriteFile(file, png, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screenshot %s", file)

				if r.Title != w.title || len(r.H1) != 1 || r.H1[0] != w.h1 || r.BodyClass != w.bodyClass {
					t.Errorf("title %q h1 %q body class %q", r.Title, r.H1, r.BodyClass)
				}
				if r.Alert != w.alert {
					t.Errorf("alert %q, want %q", r.Alert, w.alert)
				}
				if r.Logo != w.logo {
					t.Errorf("logo %s, want %s", r.Logo, w.logo)
				}
				if r.ScrollWidth > r.InnerWidth {
					t.Errorf("horizontal overflow: scrollWidth %v > innerWidth %v", r.ScrollWidth, r.InnerWidth)
				}
				if r.InnerWidth != float64(vp.width) {
					t.Errorf("innerWidth %v, want %d (viewport meta)", r.InnerWidth, vp.width)
				}
				checkLogos(t, r, w.logos)
				checkCardPlace(t, r, vp, w.centred)
				checkControls(t, r, vp, w)
				for _, tc := range r.TextContrast {
					if tc.Contrast < 4.5 {
						t.Errorf("text %q has contrast %.2f, want >= 4.5", tc.Text, tc.Contrast)
					}
				}
				bg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
				if err != nil {
					t.Fatal(err)
				}
				if isDark := bg == "rgb(13, 17, 23)"; isDark != w.darkBg {
					t.Errorf("body background %s, dark expected: %v", bg, w.darkBg)
				}
			})
		}
	}
}

// pageWant is what a page scenario of TestBrowserPages must show.
type pageWant struct {
	title, h1  string
	bodyClass  string
	alert      string
	logo       string
	inputs     []string // labels of the visible inputs, in order
	buttons    []string // texts of the buttons and button-like links
	darkBg     bool     // the body is expected dark
	prefersDrk bool     // emulate prefers-color-scheme: dark
	logos      []string // the buttons whose provider logo shows, in order
	centred    bool     // the card is short enough to sit mid-screen on a desktop
}

// checkControls checks every control of r: visible, touch-sized, wide on a
// phone, contrasted, labelled; and the visible inputs and buttons in order.
func checkControls(t *testing.T, r report, vp viewport, w pageWant) {
	t.Helper()
	var inputs, buttons []string
	for _, c := range r.Controls {
		if !c.Visible {
			t.Errorf("%s %q%q is not visible", c.Kind, c.Name, c.Text)
			continue
		}
		if c.Kind == "link" && c.Text != "Sign in" {
			continue // plain text links
		}
		if c.Height < 44 {
			t.Errorf("%s %q%q is %.0f px tall, want >= 44 (touch target)", c.Kind, c.Name, c.Text, c.Height)
		}
		if vp.mobile && c.Width < 300 {
			t.Errorf("%s %q%q is %.0f px wide on a %d px phone, want >= 300", c.Kind, c.Name, c.Text, c.Width, vp.width)
		}
		if c.Kind == "button" || c.Kind == "link" {
			if c.Contrast < 4.5 {
				t.Errorf("%s %q has text contrast %.2f, want >= 4.5", c.Kind, c.Text, c.Contrast)
			}
			buttons = append(buttons, c.Text)
		} else {
			if c.Label == "" {
				t.Errorf("input %q has no label", c.Name)
			}
			inputs = append(inputs, c.Label)
		}
	}
	if strings.Join(inputs, "|") != strings.Join(w.inputs, "|") {
		t.Errorf("inputs %q, want %q", inputs, w.inputs)
	}
	if strings.Join(buttons, "|") != strings.Join(w.buttons, "|") {
		t.Errorf("buttons %q, want %q", buttons, w.buttons)
	}
}

// TestBrowserFocusVisible tabs to the first control and checks that the
// focused element draws an outline.
func TestBrowserFocusVisible(t *testing.T) {
	bctx := startBrowser(t)
	srv := pageServer(t, &recorded{})
	ctx := newTab(t, bctx)
	if err := chromedp.Do(ctx, setViewport(viewports[1], false), chromedp.Navigate(srv.URL+"/signin")); err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"BUTTON:Sign in with GitHub", "BUTTON:Sign in with Google", "INPUT:email"} {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`(() => { const e = document.activeElement, s = getComputedStyle(e);
			return { id: e.tagName + ':' + (e.tagName === 'INPUT' ? e.name : e.textContent.trim()), style: s.outlineStyle, width: s.outlineWidth }; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if got["id"] != want {
			t.Errorf("tab %d focused %q, want %q", i+1, got["id"], want)
		}
		if got["style"] != "solid" || got["width"] != "3px" {
			t.Errorf("tab %d: focused %s has outline %s %s, want a visible 3px outline", i+1, got["id"], got["style"], got["width"])
		}
	}
}

// TestBrowserCredentialsFormPosts fills the credentials form as a person
// would and checks what the server received.
func TestBrowserCredentialsFormPosts(t *testing.T) {
	bctx := startBrowser(t)
	rec := &recorded{}
	srv := pageServer(t, rec)
	ctx := newTab(t, bctx)
	err := chromedp.Do(ctx,
		setViewport(viewports[0], false),
		chromedp.Navigate(srv.URL+"/signin-credentials"),
		chromedp.SendKeys(chromedp.CSS("#input-email-for-credentials-provider"), "ada@example.com"),
		chromedp.SendKeys(chromedp.CSS("#input-password-for-credentials-provider"), "correct horse & battery"),
		chromedp.Click(chromedp.CSS("form.provider-credentials button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#posted")),
	)
	if err != nil {
		t.Fatalf("fill and submit: %v", err)
	}
	got := rec.get()
	want := url.Values{
		"csrfToken":   {"csrf-token-value"},
		"callbackUrl": {"http://app.example/after?x=1&y=2"},
		"email":       {"ada@example.com"},
		"password":    {"correct horse & battery"},
	}
	if len(got) != len(want) {
		t.Errorf("posted %d fields %v, want %d", len(got), keys(got), len(want))
	}
	for k, v := range want {
		if g := got[k]; len(g) != 1 || g[0] != v[0] {
			t.Errorf("posted %s = %q, want %q", k, g, v[0])
		}
	}
}

// TestBrowserRequiredFieldsBlockSubmit checks that the browser itself stops
// an empty credentials form, thanks to the required attributes.
func TestBrowserRequiredFieldsBlockSubmit(t *testing.T) {
	bctx := startBrowser(t)
	rec := &recorded{}
	srv := pageServer(t, rec)
	ctx := newTab(t, bctx)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/signin-credentials"),
		chromedp.Click(chromedp.CSS("form.provider-credentials button[type=submit]")),
	)
	if err != nil {
		t.Fatal(err)
	}
	invalid, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#input-email-for-credentials-provider').matches(':invalid') && !!document.querySelector('form.provider-credentials')`))
	if err != nil {
		t.Fatal(err)
	}
	if !invalid {
		t.Error("empty required email is not :invalid, or the page navigated away")
	}
	if rec.get() != nil {
		t.Error("an empty form was posted")
	}
}

// TestBrowserHostileValuesStayText loads a page whose every value tries to
// inject a script and checks that nothing ran and nothing was added.
func TestBrowserHostileValuesStayText(t *testing.T) {
	bctx := startBrowser(t)
	srv := pageServer(t, &recorded{})
	ctx := newTab(t, bctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/signin-hostile")); err != nil {
		t.Fatal(err)
	}
	r, err := chromedp.Run(ctx, chromedp.Evaluate[report](inspect))
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "Sign In" || r.Scripts != 0 {
		t.Errorf("title %q, %d scripts: an injection worked", r.Title, r.Scripts)
	}
	imgs, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.images.length`))
	if err != nil || imgs != 0 {
		t.Errorf("%d images (err %v): markup was injected", imgs, err)
	}
	if !strings.Contains(r.Alert, "<script>document.title='pwned'</script>") {
		t.Errorf("notice not shown as text: %q", r.Alert)
	}
}

// brandBg are the bundled button colours of the presets the scenarios use.
var brandBg = map[string]string{"Sign in with GitHub": "rgb(36, 41, 47)", "Sign in with Google": "rgb(255, 255, 255)"}

// checkLogos checks that exactly the buttons of want show a loaded,
// 20 px provider logo on their brand colour (the text contrast of every
// button is checked with the other controls).
func checkLogos(t *testing.T, r report, want []string) {
	t.Helper()
	var got []string
	for _, l := range r.ProviderLogos {
		got = append(got, l.Button)
		if !l.Loaded || l.Width != 20 {
			t.Errorf("%s: logo loaded %v, %v px wide, want a loaded 20 px image", l.Button, l.Loaded, l.Width)
		}
		if bg := brandBg[l.Button]; l.ButtonBg != bg {
			t.Errorf("%s: background %s, want %s", l.Button, l.ButtonBg, bg)
		}
		// A white button on a light card needs its own edge.
		if l.Button == "Sign in with Google" && l.ButtonOutline != "rgb(116, 119, 117)" {
			t.Errorf("%s: border %s, want rgb(116, 119, 117)", l.Button, l.ButtonOutline)
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("buttons with a provider logo %q, want %q", got, want)
	}
}

// checkCardPlace checks where the card sits: centred vertically on a
// desktop when it fits, near the top on a phone.
func checkCardPlace(t *testing.T, r report, vp viewport, centred bool) {
	t.Helper()
	mid := (r.CardTop + r.CardBottom) / 2
	switch {
	case vp.mobile && r.Logo == "none" && r.CardTop > 40:
		t.Errorf("card starts %.0f px down a phone screen, want it near the top", r.CardTop)
	case !vp.mobile && centred && (mid < r.InnerHeight/2-2 || mid > r.InnerHeight/2+2):
		t.Errorf("card spans %.0f-%.0f px of a %.0f px screen: not centred", r.CardTop, r.CardBottom, r.InnerHeight)
	}
}

func keys(v url.Values) []string {
	var out []string
	for k := range v {
		out = append(out, k)
	}
	return out
}

// TestBrowserProviderButtonNames reads the accessibility tree Chromium
// gives screen readers: each provider button is named by its label alone,
// and the logos are decorative (ignored), not images to announce.
func TestBrowserProviderButtonNames(t *testing.T) {
	bctx := startBrowser(t)
	srv := pageServer(t, &recorded{})
	ctx := newTab(t, bctx)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/signin-oauth")); err != nil {
		t.Fatal(err)
	}
	tree, err := chromedp.Run(ctx, chromedp.Action[accessibility.GetFullAXTreeResult](func(ctx context.Context, tg *chromedp.Target) (accessibility.GetFullAXTreeResult, error) {
		return cdp.Call(ctx, tg, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	}))
	if err != nil {
		t.Fatal(err)
	}
	str := func(v *accessibility.Value) string {
		if v == nil {
			return ""
		}
		var s string
		_ = json.Unmarshal(v.Value, &s)
		return s
	}
	var buttons []string
	for _, n := range tree.Nodes {
		switch role := str(n.Role); {
		case role == "button" && !n.Ignored:
			buttons = append(buttons, str(n.Name))
		case (role == "image" || role == "img") && !n.Ignored:
			t.Errorf("an image is announced: %q", str(n.Name))
		}
	}
	if got := strings.Join(buttons, "|"); got != "Sign in with GitHub|Sign in with Google" {
		t.Errorf("accessible names of the buttons %q", got)
	}
}
