package demo

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLoginAndDashboard(t *testing.T) {
	for _, st := range strategies {
		t.Run(string(st), func(t *testing.T) {
			app := newTestApp(t, st)
			b := app.browser("test-browser/1")

			// Signed out, the dashboard sends to the custom login page.
			res := b.get("/dashboard")
			if res.status != http.StatusFound || res.location() != "/login?callbackUrl=%2Fdashboard" {
				t.Fatalf("signed-out /dashboard: %d %q", res.status, res.location())
			}

			b.mustLogin("editor@example.com")
			res = b.get("/dashboard")
			if res.status != http.StatusOK {
				t.Fatalf("/dashboard: %d", res.status)
			}
			for _, want := range []string{"Eddie Editor", "editor@example.com", `<span class="role">editor</span>`} {
				if !strings.Contains(res.body, want) {
					t.Errorf("dashboard lacks %q", want)
				}
			}
			// The signed-in user opening /login goes to the dashboard.
			if res := b.get("/login"); res.status != http.StatusFound || res.location() != "/dashboard" {
				t.Errorf("signed-in /login: %d %q", res.status, res.location())
			}
			// The session is the one Auth.js clients read, too.
			s := decode[map[string]any](t, b.get("/api/auth/session"))
			user, _ := s["user"].(map[string]any)
			if user["email"] != "editor@example.com" || user["role"] != "editor" {
				t.Errorf("/api/auth/session: %v", s)
			}

			// Sign out with the header's button.
			res = b.postForm("/signout", url.Values{"csrfToken": {b.csrf("/dashboard")}})
			if res.status != http.StatusSeeOther {
				t.Fatalf("sign-out: %d %s", res.status, res.body)
			}
			if res := b.get("/dashboard"); res.status != http.StatusFound {
				t.Errorf("after sign-out /dashboard: %d", res.status)
			}
		})
	}
}

func TestLoginErrorsRevealNothing(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")

	wrong := b.login("admin@example.com", "wrong password!")
	unknown := b.login("nobody@example.com", "wrong password!")
	for _, res := range []response{wrong, unknown} {
		if res.status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", res.status)
		}
		if got := alertOf(res.body); got != msgWrongCredentials {
			t.Errorf("message %q, want %q", got, msgWrongCredentials)
		}
		if res.header.Get("Set-Cookie") != "" && strings.Contains(res.header.Get("Set-Cookie"), "session-token") {
			t.Errorf("failed login set a session cookie")
		}
	}
	// Nothing but the CSRF token differs between the two pages.
	strip := func(s string) string {
		s = csrfField.ReplaceAllString(s, "")
		return strings.NewReplacer("admin@example.com", "EMAIL", "nobody@example.com", "EMAIL").Replace(s)
	}
	if strip(wrong.body) != strip(unknown.body) {
		t.Errorf("wrong password and unknown email pages differ")
	}
	// The email typed is kept; the password never echoed.
	if !strings.Contains(wrong.body, `value="admin@example.com"`) || strings.Contains(wrong.body, "wrong password!") {
		t.Errorf("form should keep the email and drop the password")
	}
	if res := b.get("/dashboard"); res.status != http.StatusFound {
		t.Errorf("failed logins signed in: %d", res.status)
	}
}

func TestLoginValidation(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")
	cases := []struct {
		email, password, field, msg string
	}{
		{"", testPassword, "email", "Enter your email address."},
		{"not-an-email", testPassword, "email", "Enter an email address like name@example.com."},
		{"Ada <admin@example.com>", testPassword, "email", "Enter an email address like name@example.com."},
		{"admin@example.com", "", "password", "Enter your password."},
		{"admin@example.com", "short", "password", "Passwords have at least 8 characters."},
		{"admin@example.com", strings.Repeat("x", 1025), "password", "Passwords have at most 1024 characters."},
	}
	for _, c := range cases {
		res := b.login(c.email, c.password)
		if res.status != http.StatusBadRequest {
			t.Errorf("%q/%d chars: status %d, want 400", c.email, len(c.password), res.status)
			continue
		}
		want := `id="` + c.field + `-error">` + html.EscapeString(c.msg) + `</p>`
		if !strings.Contains(res.body, want) {
			t.Errorf("%q: page lacks %s", c.email, want)
		}
		if !strings.Contains(res.body, `aria-invalid="true" aria-describedby="`+c.field+`-error"`) {
			t.Errorf("%q: field %s not marked invalid", c.email, c.field)
		}
	}
	// Email is normalised: spaces, case and NFKC (full-width letters).
	b.login("  ＡＤＭＩＮ@Example.COM ", testPassword)
	if res := b.get("/dashboard"); res.status != http.StatusOK || !strings.Contains(res.body, "admin@example.com") {
		t.Errorf("normalised email did not sign in: %d", res.status)
	}
	// A body over the form limit is refused before it is parsed.
	big := app.browser("").postForm("/login", url.Values{"email": {strings.Repeat("a", maxFormBytes)}})
	if big.status != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: %d", big.status)
	}
}

func TestLoginCSRFAndOrigin(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")
	b.csrf("/login") // sets the CSRF cookie
	form := url.Values{"email": {"admin@example.com"}, "password": {testPassword}}
	if res := b.postForm("/login", form); res.status != http.StatusForbidden || alertOf(res.body) != msgFormExpired {
		t.Errorf("login without csrfToken: %d %q", res.status, alertOf(res.body))
	}
	form.Set("csrfToken", b.csrf("/login"))
	res := b.do("POST", "/login", strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": "https://evil.example",
	})
	if res.status != http.StatusForbidden {
		t.Errorf("cross-origin login: %d", res.status)
	}
	if res := b.get("/dashboard"); res.status != http.StatusFound {
		t.Errorf("refused logins signed in")
	}
}

func TestLoginRateLimited(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")
	var res response
	for i := 0; i < 6; i++ {
		res = b.login("viewer@example.com", "wrong password!")
	}
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("6th wrong password: %d %q", res.status, alertOf(res.body))
	}
	if msg := alertOf(res.body); !strings.HasPrefix(msg, "Too many sign-in attempts. Try again in ") || !strings.Contains(msg, "minute") {
		t.Errorf("rate-limit message %q", msg)
	}
	if res.header.Get("Retry-After") == "" {
		t.Errorf("no Retry-After")
	}
	// Even the right password waits now.
	if res := b.login("viewer@example.com", testPassword); res.status != http.StatusTooManyRequests {
		t.Errorf("right password while limited: %d", res.status)
	}
}

func TestLoginCallbackURL(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")
	res := b.get("/editor?tab=2")
	if res.status != http.StatusFound || res.location() != "/login?callbackUrl=%2Feditor%3Ftab%3D2" {
		t.Fatalf("signed-out /editor: %d %q", res.status, res.location())
	}
	page := b.get(res.location())
	if !strings.Contains(page.body, `name="callbackUrl" value="/editor?tab=2"`) {
		t.Fatalf("login form lacks the callbackUrl")
	}
	form := url.Values{"csrfToken": {b.csrf("/login")}, "email": {"editor@example.com"}, "password": {testPassword}, "callbackUrl": {"/editor?tab=2"}}
	if res := b.postForm("/login", form); res.status != http.StatusSeeOther || res.location() != app.srv.URL+"/editor?tab=2" {
		t.Errorf("login with callbackUrl: %d %q", res.status, res.location())
	}
	// Another site's URL is never a target.
	b2 := app.browser("")
	form = url.Values{"csrfToken": {b2.csrf("/login")}, "email": {"editor@example.com"}, "password": {testPassword}, "callbackUrl": {"//evil.example/x"}}
	if res := b2.postForm("/login", form); res.status != http.StatusSeeOther || res.location() != app.srv.URL+"/dashboard" {
		t.Errorf("login with foreign callbackUrl: %d %q", res.status, res.location())
	}
}

func TestRolePages(t *testing.T) {
	app := newTestApp(t, "")
	type want struct {
		status   int
		location string
	}
	cases := map[string]map[string]want{
		"viewer@example.com": {"/editor": {302, "/unauthorized?from=%2Feditor"}, "/admin": {302, "/unauthorized?from=%2Fadmin"}, "/dashboard": {200, ""}, "/settings": {200, ""}},
		"editor@example.com": {"/editor": {200, ""}, "/admin": {302, "/unauthorized?from=%2Fadmin"}},
		"admin@example.com":  {"/editor": {200, ""}, "/admin": {200, ""}},
	}
	for email, pages := range cases {
		b := app.browser("")
		b.mustLogin(email)
		for path, w := range pages {
			res := b.get(path)
			if res.status != w.status || res.location() != w.location {
				t.Errorf("%s %s: %d %q, want %d %q", email, path, res.status, res.location(), w.status, w.location)
			}
		}
	}
	b := app.browser("")
	b.mustLogin("viewer@example.com")
	if res := b.get("/unauthorized?from=%2Feditor"); res.status != http.StatusForbidden || !strings.Contains(res.body, "You do not have access") {
		t.Errorf("/unauthorized: %d", res.status)
	}
	b = app.browser("")
	b.mustLogin("admin@example.com")
	if res := b.get("/admin"); !strings.Contains(res.body, "viewer@example.com") || !strings.Contains(res.body, "Admin panel") {
		t.Errorf("admin page lacks the user list")
	}
	// Path tricks do not slip past the guards.
	anon := app.browser("")
	for _, p := range []string{"/admin", "/admin/", "/ADMIN", "/./admin", "//admin", "/admin%2F"} {
		if res := anon.get(p); res.status == http.StatusOK {
			t.Errorf("signed-out %s: 200", p)
		}
	}
}

func TestPagesRender(t *testing.T) {
	app := newTestApp(t, "")
	b := app.browser("")
	home := b.get("/")
	if home.status != 200 || !strings.Contains(home.body, `<a class="button" href="/login">Sign in</a>`) {
		t.Errorf("home signed out: %d", home.status)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if home.header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if res := b.get("/static/style.css"); res.status != 200 || !strings.Contains(res.body, "prefers-color-scheme") {
		t.Errorf("stylesheet: %d", res.status)
	}
	if res := b.get("/nope"); res.status != http.StatusNotFound || !strings.Contains(res.body, "Page not found") {
		t.Errorf("/nope: %d", res.status)
	}
	b.mustLogin("viewer@example.com")
	home = b.get("/")
	if !strings.Contains(home.body, "Vera Viewer") || !strings.Contains(home.body, `action="/signout"`) {
		t.Errorf("home signed in lacks the user or the sign-out button")
	}
}
