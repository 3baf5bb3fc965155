package demo

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

var secretOnPage = regexp.MustCompile(`<code>([A-Z2-7]+)</code>`)

// enrolOnPage sets up the authenticator app on authgo's enrolment page
// the browser is on (path) and returns the secret and the page of backup
// codes.
func (b *browser) enrolOnPage(path string) (string, response) {
	t := b.app.t
	t.Helper()
	page := b.get(path)
	m := secretOnPage.FindStringSubmatch(page.body)
	if page.status != http.StatusOK || m == nil || !strings.Contains(page.body, "data:image/png;base64,") {
		t.Fatalf("enrolment page: %d %s", page.status, page.body)
	}
	code, err := totp.GenerateCode(m[1], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	csrf := html2(csrfField.FindStringSubmatch(page.body)[1])
	res := b.postForm("/api/auth/two-factor/enroll", url.Values{"csrfToken": {csrf}, "code": {code}})
	if res.status != http.StatusOK || strings.Count(res.body, "<li><code>") != 10 {
		t.Fatalf("confirm: %d %s", res.status, res.body)
	}
	return m[1], res
}

func html2(s string) string { return strings.ReplaceAll(s, "&amp;", "&") }

// TestAdminMustUseTwoFactor: with the policy of authgo demo, the admin is
// sent from the password to enrolment and has no session until the first
// code; then the settings say it is on and cannot be turned off. The next
// sign-in asks for a code.
func TestAdminMustUseTwoFactor(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(string(strategy), func(t *testing.T) {
			ta := newTestAppFrom(t, Config{DBPath: t.TempDir() + "/demo.db", Strategy: strategy, Secret: testSecret, Password: testPassword, AdminTwoFactor: true})
			b := ta.browser("")
			res := b.login("admin@example.com", testPassword)
			if res.status != http.StatusSeeOther || !strings.HasSuffix(res.location(), "/api/auth/two-factor/enroll") {
				t.Fatalf("admin login: %d %q", res.status, res.location())
			}
			if r := b.get("/admin"); r.status == http.StatusOK {
				t.Fatal("/admin before the second factor")
			}
			secret, codes := b.enrolOnPage("/api/auth/two-factor/enroll")
			if !strings.Contains(codes.body, `href="`+ta.srv.URL+`/`) && !strings.Contains(codes.body, "Continue") {
				t.Fatalf("no way on from the backup codes: %s", codes.body)
			}
			if r := b.get("/admin"); r.status != http.StatusOK {
				t.Fatalf("/admin after enrolment: %d", r.status)
			}
			settings := b.get("/settings")
			if !strings.Contains(settings.body, "Two-factor authentication is <strong>on</strong>") || !strings.Contains(settings.body, "cannot be turned off") {
				t.Fatalf("settings: %s", settings.body)
			}
			// Signed out and in again: the code is asked.
			b.postForm("/signout", url.Values{"csrfToken": {b.csrf("/settings")}})
			res = b.login("admin@example.com", testPassword)
			if !strings.HasSuffix(res.location(), "/api/auth/two-factor/challenge") {
				t.Fatalf("second login: %d %q", res.status, res.location())
			}
			page := b.get("/api/auth/two-factor/challenge")
			code, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
			r := b.postForm("/api/auth/two-factor/challenge", url.Values{"csrfToken": {html2(csrfField.FindStringSubmatch(page.body)[1])}, "code": {code}})
			if r.status != http.StatusFound || !strings.HasSuffix(r.location(), "/dashboard") {
				t.Fatalf("challenge: %d %q", r.status, r.location())
			}
		})
	}
}

// TestSettingsEnableTwoFactor: a viewer (not required) turns two-factor
// authentication on from the settings page and off again with a code.
func TestSettingsEnableTwoFactor(t *testing.T) {
	ta := newTestAppFrom(t, Config{DBPath: t.TempDir() + "/demo.db", Strategy: "jwt", Secret: testSecret, Password: testPassword, AdminTwoFactor: true})
	b := ta.browser("")
	b.mustLogin("viewer@example.com")
	settings := b.get("/settings")
	link := regexp.MustCompile(`href="(/api/auth/two-factor/enroll[^"]*)"`).FindStringSubmatch(settings.body)
	if link == nil || !strings.Contains(settings.body, "<strong>off</strong>") {
		t.Fatalf("settings without the enable link: %s", settings.body)
	}
	secret, codes := b.enrolOnPage(html2(link[1]))
	if !strings.Contains(codes.body, `/settings"`) {
		t.Fatalf("backup codes page does not lead back to the settings: %s", codes.body)
	}
	if s := b.get("/settings"); !strings.Contains(s.body, "<strong>on</strong>") || !strings.Contains(s.body, "10 unused backup codes") {
		t.Fatalf("settings after enrolment: %s", s.body)
	}
	code, _ := totp.GenerateCode(secret, time.Now().Add(30*time.Second))
	r := b.postForm("/api/auth/two-factor/disable", url.Values{"csrfToken": {b.csrf("/settings")}, "code": {code}, "callbackUrl": {"/settings"}})
	if r.status != http.StatusFound || !strings.HasSuffix(r.location(), "/settings") {
		t.Fatalf("turn off: %d %q %s", r.status, r.location(), r.body)
	}
	if s := b.get("/settings"); !strings.Contains(s.body, "<strong>off</strong>") {
		t.Fatalf("settings after turning off: %s", s.body)
	}
}
