package demo

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var accountLink = regexp.MustCompile(`http://\S+/api/auth/account/\S+`)

// mailLink returns the account link of the last mail to addr in the
// demo's mailbox.
func (ta *testApp) mailLink(addr string) *url.URL {
	ta.t.Helper()
	m, ok := ta.mail.Last(addr)
	if !ok {
		ta.t.Fatalf("no mail to %s", addr)
	}
	u, err := url.Parse(accountLink.FindString(m.Text))
	if err != nil || u.Path == "" {
		ta.t.Fatalf("no account link in the mail to %s:\n%s", addr, m.Text)
	}
	return u
}

// pressButton opens a page of authgo's account flows and posts its form
// (hidden fields and the given ones).
func (b *browser) pressButton(u *url.URL, fields url.Values) response {
	t := b.app.t
	t.Helper()
	page := b.get(u.RequestURI())
	if page.status != http.StatusOK {
		t.Fatalf("%s: %d", u.Path, page.status)
	}
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page.body, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	for k, v := range fields {
		form[k] = v
	}
	return b.postForm(u.Path, form)
}

// Sign-up in the demo: /signup leads to authgo's form, the verification
// mail lands in /dev/mailbox, its link's button signs the new user in as a
// viewer, whose password is an argon2id row in authgo_passwords; "Forgot
// password?" resets it.
func TestDemoSignUpAndReset(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(string(strategy), func(t *testing.T) {
			ta := newTestApp(t, strategy)
			b := ta.browser("")
			res := b.get("/signup")
			if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location(), "/api/auth/account/signup") {
				t.Fatalf("/signup: %d %q", res.status, res.location())
			}
			if login := b.get("/login"); !strings.Contains(login.body, `href="/api/auth/account/forgot-password"`) || !strings.Contains(login.body, `href="/signup"`) {
				t.Fatal("the login page links neither to forgot-password nor to sign-up")
			}
			const addr = "grace@example.com"
			csrf := b.csrf(res.location())
			res = b.postForm("/api/auth/account/signup", url.Values{"csrfToken": {csrf}, "email": {addr}, "password": {"analytical engine 1843"}, "name": {"Grace"}, "callbackUrl": {"/dashboard"}})
			if res.status != http.StatusFound || !strings.Contains(res.location(), "/api/auth/account/check-email") {
				t.Fatalf("sign-up: %d %q", res.status, res.location())
			}
			res = b.pressButton(ta.mailLink(addr), nil)
			if res.status != http.StatusFound || !strings.HasSuffix(res.location(), "/dashboard") {
				t.Fatalf("verify: %d %q", res.status, res.location())
			}
			if p := b.profile(); p.Email != addr || p.Role != "viewer" {
				t.Fatalf("new user %+v", p)
			}
			u, _ := ta.db.GetUserByEmail(context.Background(), addr)
			if h, _ := ta.db.GetPasswordHash(context.Background(), u.ID); !strings.HasPrefix(h, "$argon2id$") || u.EmailVerified == nil {
				t.Fatalf("stored: hash %q, verified %v", h, u.EmailVerified)
			}

			other := ta.browser("")
			res = other.postForm("/api/auth/account/forgot-password", url.Values{"csrfToken": {other.csrf("/api/auth/account/forgot-password")}, "email": {addr}})
			if res.status != http.StatusFound {
				t.Fatalf("forgot: %d", res.status)
			}
			res = other.pressButton(ta.mailLink(addr), url.Values{"password": {"difference engine 1822"}})
			if res.status != http.StatusFound {
				t.Fatalf("reset: %d\n%s", res.status, res.body)
			}
			if b.get("/api/user/profile").status != http.StatusUnauthorized {
				t.Fatal("the first browser's session survived the reset")
			}
			if r := ta.browser("").login(addr, "difference engine 1822"); r.status != http.StatusSeeOther {
				t.Fatalf("login with the new password: %d %s", r.status, alertOf(r.body))
			}
		})
	}
}

// The display name changes through a session update — POST
// /api/auth/session {data: {name}}, what next-auth/react's update({name})
// sends, and the settings form — and stays after a reload, with JWT and
// database sessions.
func TestDemoDisplayNameUpdate(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(string(strategy), func(t *testing.T) {
			ta := newTestApp(t, strategy)
			b := ta.browser("")
			b.mustLogin("viewer@example.com")
			csrf := decode[map[string]string](t, b.get("/api/auth/csrf"))["csrfToken"]
			res := b.postJSON("/api/auth/session", map[string]any{"csrfToken": csrf, "data": map[string]any{"name": "Ada Byron"}}, nil)
			if s := decode[map[string]any](t, res); res.status != http.StatusOK || s["user"].(map[string]any)["name"] != "Ada Byron" {
				t.Fatalf("update: %d %s", res.status, res.body)
			}
			if s := decode[map[string]any](t, b.get("/api/auth/session")); s["user"].(map[string]any)["name"] != "Ada Byron" {
				t.Fatalf("after a reload: %v", s)
			}
			// A name that is not one (too long) changes nothing.
			b.postJSON("/api/auth/session", map[string]any{"csrfToken": csrf, "data": map[string]any{"name": strings.Repeat("x", 65)}}, nil)
			if s := decode[map[string]any](t, b.get("/api/auth/session")); s["user"].(map[string]any)["name"] != "Ada Byron" {
				t.Fatalf("a refused name changed it: %v", s)
			}

			page := b.get("/settings")
			for _, want := range []string{`action="/settings/profile"`, `action="/api/auth/account/change-password"`, `action="/api/auth/account/change-email"`, `action="/api/auth/account/delete"`, `value="Ada Byron"`} {
				if !strings.Contains(page.body, want) {
					t.Errorf("settings page without %s", want)
				}
			}
			res = b.postForm("/settings/profile", url.Values{"csrfToken": {b.csrf("/settings")}, "name": {"Countess of Lovelace"}})
			if res.status != http.StatusSeeOther || res.location() != "/settings?account=saved" {
				t.Fatalf("settings form: %d %q", res.status, res.location())
			}
			if s := decode[map[string]any](t, b.get("/api/auth/session")); s["user"].(map[string]any)["name"] != "Countess of Lovelace" {
				t.Fatalf("after the settings form: %v", s)
			}
			other := ta.browser("")
			other.mustLogin("viewer@example.com")
			if s := decode[map[string]any](t, other.get("/api/auth/session")); s["user"].(map[string]any)["name"] != "Countess of Lovelace" {
				t.Fatalf("a new sign-in does not see the stored name: %v", s)
			}
		})
	}
}

// The settings page's password and delete sections post to authgo's
// account endpoints.
func TestDemoSettingsPasswordAndDelete(t *testing.T) {
	ta := newTestApp(t, "")
	b := ta.browser("")
	b.mustLogin("editor@example.com")
	res := b.postForm("/api/auth/account/change-password", url.Values{"csrfToken": {b.csrf("/settings")}, "callbackUrl": {"/settings?account=password"}, "currentPassword": {testPassword}, "password": {"a new editor passphrase"}})
	if res.status != http.StatusFound || !strings.HasSuffix(res.location(), "/settings?account=password") {
		t.Fatalf("change password: %d %q", res.status, res.location())
	}
	if page := b.get("/settings?account=password"); !strings.Contains(page.body, html.EscapeString(accountNotices["password"])) {
		t.Fatal("no notice after the change")
	}
	if r := ta.browser("").login("editor@example.com", "a new editor passphrase"); r.status != http.StatusSeeOther {
		t.Fatalf("login with the new password: %d", r.status)
	}
	res = b.postForm("/api/auth/account/delete", url.Values{"csrfToken": {b.csrf("/settings")}, "currentPassword": {"a new editor passphrase"}})
	if res.status != http.StatusFound {
		t.Fatalf("delete: %d", res.status)
	}
	if u, _ := ta.db.GetUserByEmail(context.Background(), "editor@example.com"); u != nil {
		t.Fatal("the user is still there")
	}
}
