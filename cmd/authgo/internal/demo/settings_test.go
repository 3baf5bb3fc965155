package demo

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/authgo/authgo"
)

// TestSessionsListedAndRevokedEverywhere: database sessions, two browsers;
// the settings page lists both; "sign out everywhere" from one ends both.
func TestSessionsListedAndRevokedEverywhere(t *testing.T) {
	app := newTestApp(t, authgo.StrategyDatabase)
	laptop, phone := app.browser("Laptop-Browser/1.0"), app.browser("Phone-Browser/2.0")
	laptop.mustLogin("admin@example.com")
	phone.mustLogin("admin@example.com")
	other := app.browser("Other/1")
	other.mustLogin("viewer@example.com")

	page := laptop.get("/settings")
	if page.status != http.StatusOK {
		t.Fatalf("/settings: %d", page.status)
	}
	for _, want := range []string{"Laptop-Browser/1.0", "Phone-Browser/2.0", "This browser"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("settings page lacks %q", want)
		}
	}
	if strings.Contains(page.body, "Other/1") {
		t.Errorf("settings page lists another user's session")
	}
	if n := strings.Count(page.body, "<tr class=\"current\">"); n != 1 {
		t.Errorf("%d sessions marked current", n)
	}

	// Without the form's token nothing happens.
	if res := laptop.postForm("/settings/sessions/revoke-all", url.Values{"csrfToken": {"forged"}}); res.status != http.StatusForbidden {
		t.Errorf("revoke-all with a forged token: %d", res.status)
	}
	if res := phone.get("/dashboard"); res.status != http.StatusOK {
		t.Fatalf("phone signed out by a refused request: %d", res.status)
	}

	res := laptop.postForm("/settings/sessions/revoke-all", url.Values{"csrfToken": {laptop.csrf("/settings")}})
	if res.status != http.StatusSeeOther || res.location() != app.srv.URL+"/login?signedOut=everywhere" {
		t.Fatalf("revoke-all: %d %q", res.status, res.location())
	}
	for name, b := range map[string]*browser{"laptop": laptop, "phone": phone} {
		if res := b.get("/dashboard"); res.status != http.StatusFound {
			t.Errorf("%s still signed in: %d", name, res.status)
		}
		if res := b.get("/api/user/profile"); res.status != http.StatusUnauthorized {
			t.Errorf("%s profile: %d", name, res.status)
		}
	}
	if res := other.get("/dashboard"); res.status != http.StatusOK {
		t.Errorf("another user's session ended: %d", res.status)
	}
}

// TestRevokeOneSession signs one other session out from the list.
func TestRevokeOneSession(t *testing.T) {
	app := newTestApp(t, authgo.StrategyDatabase)
	laptop, phone := app.browser("Laptop/1"), app.browser("Phone/1")
	laptop.mustLogin("editor@example.com")
	phone.mustLogin("editor@example.com")
	m := regexp.MustCompile(`action="/settings/sessions/([0-9a-f]+)/revoke"`).FindStringSubmatch(laptop.get("/settings").body)
	if m == nil {
		t.Fatal("no revoke button for the other session")
	}
	res := laptop.postForm("/settings/sessions/"+m[1]+"/revoke", url.Values{"csrfToken": {laptop.csrf("/settings")}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("revoke one: %d", res.status)
	}
	if res := phone.get("/dashboard"); res.status != http.StatusFound {
		t.Errorf("phone still signed in: %d", res.status)
	}
	if res := laptop.get("/dashboard"); res.status != http.StatusOK {
		t.Errorf("laptop signed out: %d", res.status)
	}
}

// TestJWTRevokeAll: with JWT sessions the page explains there is no list,
// and "sign out everywhere" makes authgo refuse every token issued before
// it, including a copy of this browser's cookie.
func TestJWTRevokeAll(t *testing.T) {
	app := newTestApp(t, authgo.StrategyJWT)
	laptop, phone := app.browser(""), app.browser("")
	laptop.mustLogin("viewer@example.com")
	phone.mustLogin("viewer@example.com")
	page := laptop.get("/settings")
	if !strings.Contains(page.body, "JWT sessions") || strings.Contains(page.body, "This browser") {
		t.Errorf("JWT settings page")
	}
	// Keep a copy of the laptop's cookie, as a thief would.
	u, _ := url.Parse(app.srv.URL)
	stolen := app.browser("")
	stolen.Jar.SetCookies(u, laptop.Jar.Cookies(u))
	if res := stolen.get("/dashboard"); res.status != http.StatusOK {
		t.Fatalf("copied cookie: %d", res.status)
	}

	res := laptop.postForm("/settings/sessions/revoke-all", url.Values{"csrfToken": {laptop.csrf("/settings")}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("revoke-all: %d", res.status)
	}
	for name, b := range map[string]*browser{"laptop": laptop, "phone": phone, "copied cookie": stolen} {
		if res := b.get("/api/user/profile"); res.status != http.StatusUnauthorized {
			t.Errorf("%s after revoke-all: %d", name, res.status)
		}
	}
}

// TestSettingsSignedOut: the settings page and its forms need a session.
func TestSettingsSignedOut(t *testing.T) {
	app := newTestApp(t, authgo.StrategyDatabase)
	anon := app.browser("")
	if res := anon.get("/settings"); res.status != http.StatusFound || res.location() != "/login?callbackUrl=%2Fsettings" {
		t.Errorf("signed-out /settings: %d %q", res.status, res.location())
	}
	if res := anon.postForm("/settings/sessions/revoke-all", url.Values{"csrfToken": {anon.csrf("/login")}}); res.status != http.StatusUnauthorized {
		t.Errorf("signed-out revoke-all: %d %q", res.status, res.location())
	}
}
