package authgo_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/pages"
	"github.com/authgo/authgo/jwt"
	"github.com/authgo/authgo/providers"
)

// The built-in sign-in page after a failed credentials sign-in: the form
// posts to /callback/credentials, which redirects back to
// /signin?error=CredentialsSignin; the typed email comes back in the form
// through a sealed, one-minute flash cookie, never through the URL, and the
// password is never kept anywhere.

// setCookieLines returns the Set-Cookie lines of resp for name.
func setCookieLines(resp *http.Response, name string) []string {
	var out []string
	for _, l := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(l, name+"=") {
			out = append(out, l)
		}
	}
	return out
}

// formErrors posts the credentials form and follows the redirect back to
// the built-in sign-in page, as a browser does; it fails the test unless
// the form was refused for its input, and returns the page.
func (f *fixture) formErrors(email, password string) string {
	f.t.Helper()
	loc := location(f.t, f.signIn(email, password))
	if loc != f.srv.URL+"/api/auth/signin?error=CredentialsSignin&code=invalid_input" {
		f.t.Fatalf("redirect to %q, want the sign-in page with code=invalid_input", loc)
	}
	resp := f.do("GET", strings.TrimPrefix(loc, f.srv.URL), nil, nil)
	if resp.StatusCode != http.StatusOK {
		f.t.Fatalf("sign-in page: %d", resp.StatusCode)
	}
	return readAll(f.t, resp)
}

func TestSignInFormComesBackAfterWrongPassword(t *testing.T) {
	f := newFixture(t, nil)
	const email, password = "ada@example.com", "not the right password"
	f.do("GET", "/api/auth/signin?callbackUrl=%2Fafter", nil, nil).Body.Close()

	resp := f.signIn(email, password)
	loc := location(t, resp)
	if loc != f.srv.URL+"/api/auth/signin?error=CredentialsSignin&code=credentials" {
		t.Fatalf("redirect to %q, want the sign-in page with the error alone", loc)
	}
	flash := setCookieLines(resp, pages.FlashCookieName)
	if len(flash) != 1 {
		t.Fatalf("flash cookie lines %q, want one", resp.Header.Values("Set-Cookie"))
	}
	for _, want := range []string{"Path=/api/auth", "Max-Age=60", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(flash[0], want) {
			t.Errorf("flash cookie %q lacks %s", flash[0], want)
		}
	}
	for _, l := range resp.Header.Values("Set-Cookie") {
		if strings.Contains(l, "ada") || strings.Contains(l, url.QueryEscape(email)) || strings.Contains(l, "right") {
			t.Errorf("a cookie carries the email or the password in clear: %q", l)
		}
	}

	resp = f.do("GET", strings.TrimPrefix(loc, f.srv.URL), nil, nil)
	page := readAll(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `value="ada@example.com"`) {
		t.Fatalf("%d: the sign-in page does not keep the typed email:\n%s", resp.StatusCode, page)
	}
	if !strings.Contains(page, "Sign in failed. Check the details you provided are correct.") {
		t.Errorf("no error banner:\n%s", page)
	}
	if !strings.Contains(page, `name="callbackUrl" value="`+f.srv.URL+`/after"`) {
		t.Errorf("the callbackUrl of the first visit is lost:\n%s", page)
	}
	if strings.Contains(page, password) {
		t.Error("the page holds the password")
	}
	if c := setCookieLines(resp, pages.FlashCookieName); len(c) != 1 || !strings.Contains(c[0], "Max-Age=0") {
		t.Errorf("the flash is not deleted when shown: %q", c)
	}
	// Shown once: the next visit has an empty form.
	if page := readAll(t, f.do("GET", "/api/auth/signin", nil, nil)); strings.Contains(page, email) {
		t.Error("the email is still on the page after the flash was shown")
	}
	if logs := f.logs.String(); strings.Contains(logs, email) || strings.Contains(logs, password) {
		t.Errorf("the log holds the email or the password:\n%s", logs)
	}
}

func TestSignInFormFieldErrorsAtSignInURL(t *testing.T) {
	f := newFixture(t, nil)
	resp := f.signIn("not-an-email", "short")
	loc := location(t, resp) // before the fix: 400 and the page at /callback/credentials
	if loc != f.srv.URL+"/api/auth/signin?error=CredentialsSignin&code=invalid_input" {
		t.Fatalf("redirect to %q", loc)
	}
	page := readAll(t, f.do("GET", strings.TrimPrefix(loc, f.srv.URL), nil, nil))
	for _, want := range []string{
		`value="not-an-email"`,
		`aria-describedby="input-email-for-credentials-provider-error"`,
		"Enter an email address like name@example.com.",
		"Passwords have at least 8 characters.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, `value="short"`) {
		t.Error("the password came back into the form")
	}
	if f.authorized.Load() != 0 {
		t.Error("Authorize ran on invalid input")
	}
}

// TestSignInFlashForgedIgnored: a flash cookie the server did not seal —
// sealed with another secret, or plain text — puts nothing on the page, so
// a cookie planted from a sibling subdomain cannot write a message of its
// choosing under the form.
func TestSignInFlashForgedIgnored(t *testing.T) {
	f := newFixture(t, nil)
	other, err := jwt.NewCodec([]string{"another-secret-0123456789abcdef0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	lure := "Your account is locked. Call +1 555 0100."
	forged, err := other.Encode(pages.Flash{Provider: "credentials", Values: map[string]string{"email": "victim@example.com"},
		Errors: map[string]string{"email": lure}}, pages.FlashCookieName, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"other secret": forged, "plain": `{"p":"credentials","e":{"email":"` + lure + `"}}`} {
		req, _ := http.NewRequest("GET", f.url("/api/auth/signin?error=CredentialsSignin"), nil)
		req.AddCookie(&http.Cookie{Name: pages.FlashCookieName, Value: url.QueryEscape(v)})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		page := readAll(t, resp)
		if resp.StatusCode != 200 || strings.Contains(page, "Call +1") || strings.Contains(page, "victim@") {
			t.Errorf("%s flash: %d, the page shows what the cookie said:\n%s", name, resp.StatusCode, page)
		}
	}
}

// TestSignInPageProviderButtons: presets carry their bundled colours and
// mark (kept when Options.ID renames one), an app's ButtonStyle replaces
// them, and a provider with no preset keeps the theme's look.
func TestSignInPageProviderButtons(t *testing.T) {
	f := newFixture(t, func(c *authgo.Config) {
		c.Providers = append(c.Providers,
			providers.GitHub(providers.Options{ClientID: "id", ClientSecret: "secret"}),
			providers.Discord(providers.Options{ClientID: "id", ClientSecret: "secret", ID: "discord-work", Name: "Work Discord"}),
			providers.GitLab(providers.Options{ClientID: "id", ClientSecret: "secret", Configure: func(o *providers.OAuthConfig) {
				o.Style = providers.ButtonStyle{BrandColor: "#fde047", Logo: "/gitlab-logo.svg"}
			}}),
			providers.NewOAuth(providers.OAuthConfig{ID: "acme", Name: "Acme", Type: authgo.TypeOAuth, ClientID: "id", ClientSecret: "s",
				AuthorizationURL: "https://acme.example/authorize", TokenURL: "https://acme.example/token", UserinfoURL: "https://acme.example/me"}),
		)
	})
	page := readAll(t, f.do("GET", "/api/auth/signin", nil, nil))
	button := func(label string) string {
		end := strings.Index(page, "<span>Sign in with "+label+"</span>")
		if end < 0 {
			t.Fatalf("no button %q:\n%s", label, page)
		}
		return page[strings.LastIndex(page[:end], "<button"):end]
	}
	if b := button("GitHub"); !strings.Contains(b, `style="--provider-bg: #24292f; --provider-text: #ffffff"`) ||
		!strings.Contains(b, `<img class="provider-logo" src="data:image/svg`) || !strings.Contains(b, `alt=""`) {
		t.Errorf("GitHub button %s", b)
	}
	if b := button("Work Discord"); !strings.Contains(b, "--provider-bg: #4752c4") || !strings.Contains(b, "data:image/svg") {
		t.Errorf("a renamed Discord preset lost its look: %s", b)
	}
	// A light brand colour of the app's own gets black text.
	if b := button("GitLab"); !strings.Contains(b, `style="--provider-bg: #fde047; --provider-text: #000000"`) || !strings.Contains(b, `src="/gitlab-logo.svg"`) {
		t.Errorf("GitLab button with the app's style %s", b)
	}
	if b := button("Acme"); strings.Contains(b, "style=") || strings.Contains(b, "<img") {
		t.Errorf("a provider without a preset got a look: %s", b)
	}
}
