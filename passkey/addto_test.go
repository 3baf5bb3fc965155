package passkey_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/passkey"
	"github.com/authgo/authgo/providers"
)

var (
	mailLink = regexp.MustCompile(`https?://\S+/api/auth/callback/email\?\S+`)
	hidden   = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// form posts form (with a CSRF token) to path and returns the answer.
func (b *browser) form(path string, form url.Values) *http.Response {
	b.t.Helper()
	form.Set("csrfToken", b.csrf())
	req, _ := http.NewRequest(http.MethodPost, b.s.origin+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, _ := b.do(req)
	return res
}

// oauthSignIn signs b in with provider "mock" through the real IdP.
func (b *browser) oauthSignIn() {
	b.t.Helper()
	res := b.form("/api/auth/signin/mock", url.Values{"callbackUrl": {"/welcome"}})
	for hops := 0; res.StatusCode == http.StatusFound && !strings.HasPrefix(res.Header.Get("Location"), b.s.origin+"/api/auth/callback/"); hops++ {
		if hops > 5 {
			b.t.Fatalf("no way back from the IdP: %q", res.Header.Get("Location"))
		}
		req, _ := http.NewRequest(http.MethodGet, res.Header.Get("Location"), nil)
		res, _ = b.do(req)
	}
	req, _ := http.NewRequest(http.MethodGet, res.Header.Get("Location"), nil)
	if res, _ = b.do(req); res.StatusCode != http.StatusFound || !strings.HasSuffix(res.Header.Get("Location"), "/welcome") {
		b.t.Fatalf("OAuth callback: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// linkSignIn signs b in with the magic link mailed to addr.
func (b *browser) linkSignIn(mail *email.Memory, addr string) {
	b.t.Helper()
	if res := b.form("/api/auth/signin/email", url.Values{"email": {addr}, "callbackUrl": {"/welcome"}}); res.StatusCode != http.StatusFound {
		b.t.Fatalf("email sign-in request: %d", res.StatusCode)
	}
	m, _ := mail.Last(addr)
	link := mailLink.FindString(m.Text)
	if link == "" {
		b.t.Fatalf("no link in %q", m.Text)
	}
	req, _ := http.NewRequest(http.MethodGet, link, nil)
	_, page := b.do(req)
	form := url.Values{}
	for _, m := range hidden.FindAllStringSubmatch(string(page), -1) {
		form.Set(m[1], strings.ReplaceAll(m[2], "&amp;", "&"))
	}
	form.Del("csrfToken")
	if res := b.form("/api/auth/callback/email", form); res.StatusCode != http.StatusFound {
		b.t.Fatalf("email callback: %d", res.StatusCode)
	}
}

// An existing user who signed up with OAuth (the real oauth2-mock-server)
// and one who signed up with an email link each add a passkey while signed
// in; it is stored on their own user (no second user appears), and after
// signing out the passkey alone signs them in as that user.
func TestAddPasskeyToOAuthAndEmailUsers(t *testing.T) {
	issuer := testenv.StartJohnIdP(t)
	mail := &email.Memory{}
	s := newServer(t, passkey.Config{}, func(c *authgo.Config) {
		c.Providers = append(c.Providers,
			providers.OIDC(providers.OAuthConfig{ID: "mock", Name: "Mock", Issuer: issuer, ClientID: "authgo-client", ClientSecret: "s3cret"}),
			providers.Email(providers.EmailConfig{Options: email.Options{Sender: mail, From: "App <no-reply@app.example>"}}))
	})
	ctx := context.Background()
	for _, c := range []struct {
		name, addr string
		signIn     func(*browser)
	}{
		{"OAuth", "john@example.com", (*browser).oauthSignIn},
		{"Email", "eve@example.com", func(b *browser) { b.linkSignIn(mail, "eve@example.com") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := s.browser()
			b.t = t
			c.signIn(b)
			if b.email() != c.addr {
				t.Fatalf("signed in as %q", b.email())
			}
			user, err := s.db.GetUserByEmail(ctx, c.addr)
			if err != nil || user == nil {
				t.Fatalf("user: %v %v", user, err)
			}
			key := newSoftKey(t)
			status, action, opts := b.options("action=register")
			if status != http.StatusOK || action != "register" {
				t.Fatalf("register options for a signed-in %s user: %d %s", c.name, status, action)
			}
			if to := b.callback("register", key.create(t, opts, s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
				t.Fatalf("adding a passkey went to %s", to)
			}
			list, err := s.auth.ListPasskeys(ctx, user.ID)
			if err != nil || len(list) != 1 {
				t.Fatalf("the user's passkeys: %+v %v", list, err)
			}
			if again, _ := s.db.GetUserByEmail(ctx, c.addr); again == nil || again.ID != user.ID {
				t.Fatalf("the passkey made another user: %+v", again)
			}
			b.signOut()
			if b.email() != "" {
				t.Fatal("still signed in")
			}
			_, _, opts = b.options("")
			if to := b.callback("authenticate", key.get(t, opts, s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
				t.Fatalf("passkey sign-in went to %s", to)
			}
			if got := b.email(); got != c.addr {
				t.Fatalf("the passkey signed in %q, want %s", got, c.addr)
			}
		})
	}
}
