package passkey_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/passkey"
	"github.com/authgo/authgo/providers"
)

// postTo posts form with a fresh CSRF token to <base>/<path>.
func (b *browser) postTo(path string, form url.Values) (*http.Response, []byte) {
	b.t.Helper()
	form.Set("csrfToken", b.csrf())
	req, _ := http.NewRequest(http.MethodPost, b.s.origin+"/api/auth/"+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// Pre-account takeover through passkey sign-up: an attacker registers a
// passkey with the victim's address (passkey sign-up does not prove the
// mailbox). The victim later signs in with an email link, which proves the
// mailbox and marks the address verified on the attacker's user. Before
// the fix the attacker's passkey (and session) still signed in to the
// account the victim now uses; now the first proof of the mailbox removes
// the passkeys registered before it and ends their sessions.
func TestAttackPreAccountTakeoverThroughPasskeySignUp(t *testing.T) {
	box := &email.Memory{}
	s := newServer(t, passkey.Config{}, func(c *authgo.Config) {
		c.Providers = append(c.Providers, providers.Email(providers.EmailConfig{Options: email.Options{Sender: box}}))
	})
	const victim = "victim@example.com"
	attacker, key := s.browser(), newSoftKey(t)
	attacker.register(key, victim)
	if attacker.email() != victim {
		t.Fatal("the passkey sign-up did not sign in")
	}

	v := s.browser()
	if res, _ := v.postTo("signin/email", url.Values{"email": {victim}}); res.StatusCode != http.StatusFound {
		t.Fatalf("email sign-in request: %d", res.StatusCode)
	}
	m, ok := box.Last(victim)
	link := regexp.MustCompile(`http://\S+/api/auth/callback/email\?\S+`).FindString(m.Text)
	if !ok || link == "" {
		t.Fatalf("no sign-in link mailed: %q", m.Text)
	}
	u, _ := url.Parse(link)
	_, page := v.get(u.RequestURI())
	form := url.Values{}
	for _, f := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(string(page), -1) {
		form.Set(f[1], html.UnescapeString(f[2]))
	}
	if res, _ := v.postTo("callback/email", form); res.StatusCode != http.StatusFound || v.email() != victim {
		t.Fatalf("email sign-in: %d, session %q", res.StatusCode, v.email())
	}

	if attacker.email() != "" {
		t.Error("the attacker's session still works after the owner proved the mailbox")
	}
	again := s.browser()
	_, _, opts := again.options("action=authenticate")
	again.callback("authenticate", key.get(t, opts, s.origin, nil))
	if again.email() != "" {
		t.Error("the attacker's passkey still signs in to the account the owner now uses")
	}
	if v.email() != victim {
		t.Error("the owner's own session ended")
	}
}
