package demo

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

var (
	titleRe = regexp.MustCompile(`<title>(.*?)</title>`)
	navRe   = regexp.MustCompile(`(?s)<nav aria-label="Main">(.*?)</nav>`)
	whoRe   = regexp.MustCompile(`(?s)<div class="who">(.*?)</div>`)
	hrefRe  = regexp.MustCompile(`href="([^"]+)"`)
)

func find(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// TestTitles: the start page is "authgo demo", once; other pages put
// their own name first.
func TestTitles(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")
	for path, want := range map[string]string{"/": "authgo demo", "/login": "Sign in · authgo demo", "/posts": "Posts · authgo demo"} {
		if got := find(titleRe, b.get(path).body); got != want {
			t.Errorf("%s: title %q, want %q", path, got, want)
		}
	}
}

// TestNavFollowsRole: the header links only to pages the visitor's role
// opens; the start page names the others without a link.
func TestNavFollowsRole(t *testing.T) {
	app := newTestApp(t, "")
	cases := []struct {
		email    string
		nav      string // the header's links, in order
		homeNote int    // "(not for your role)" notes on the start page
	}{
		{"", "/dashboard /posts", 0},
		{"viewer@example.com", "/dashboard /posts /settings", 2},
		{"editor@example.com", "/dashboard /posts /editor /settings", 1},
		{"admin@example.com", "/dashboard /posts /editor /admin /settings", 0},
	}
	for _, c := range cases {
		b := app.browser("")
		if c.email != "" {
			b.mustLogin(c.email)
		}
		home := b.get("/")
		var links []string
		for _, m := range hrefRe.FindAllStringSubmatch(find(navRe, home.body), -1) {
			links = append(links, m[1])
		}
		if got := strings.Join(links, " "); got != c.nav {
			t.Errorf("%q: header links %q, want %q", c.email, got, c.nav)
		}
		if n := strings.Count(home.body, "(not for your role)"); n != c.homeNote {
			t.Errorf("%q: %d pages marked as not for the role, want %d", c.email, n, c.homeNote)
		}
	}
}

// TestLoginPageHeader: the login page does not offer a "Sign in" button
// that leads to itself; other pages do, to a signed-out visitor.
func TestLoginPageHeader(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")
	if who := find(whoRe, b.get("/login").body); strings.Contains(who, "Sign in") {
		t.Errorf("login page header: %q", who)
	}
	if who := find(whoRe, b.get("/posts").body); !strings.Contains(who, `<a class="button" href="/login">Sign in</a>`) {
		t.Errorf("posts page header: %q", who)
	}
}

// TestUnauthorizedSignedOut: a signed-out visitor at /unauthorized has no
// role to blame and is sent to sign in, back to the page they wanted.
func TestUnauthorizedSignedOut(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")
	res := b.get("/unauthorized?from=%2Feditor")
	if res.status != http.StatusSeeOther || res.location() != "/login?callbackUrl=%2Feditor" {
		t.Errorf("signed out: %d %q %q", res.status, res.location(), res.body)
	}
	if res := b.get("/unauthorized?from=https%3A%2F%2Fevil.example"); res.location() != "/login" {
		t.Errorf("a foreign from= went into the callbackUrl: %q", res.location())
	}
	b.mustLogin("viewer@example.com")
	if res := b.get("/unauthorized?from=%2Feditor"); res.status != http.StatusForbidden || !strings.Contains(res.body, "Your role does not include it") {
		t.Errorf("signed in: %d", res.status)
	}
}

// TestSettingsNamesBrowsers: sessions are listed as "Chrome on Linux",
// with the full User-Agent on hover.
func TestSettingsNamesBrowsers(t *testing.T) {
	app := newTestApp(t, authgo.StrategyDatabase)
	const chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	const iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	laptop, phone := app.browser(chrome), app.browser(iphone)
	laptop.mustLogin("admin@example.com")
	phone.mustLogin("admin@example.com")
	page := laptop.get("/settings").body
	for _, want := range []string{
		`<span title="` + chrome + `">Chrome on Linux</span>`,
		`<span title="` + iphone + `">Safari on iOS</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("settings lacks %s", want)
		}
	}
	if strings.Count(page, chrome) != 1 {
		t.Errorf("the raw User-Agent shows outside its title")
	}
}
