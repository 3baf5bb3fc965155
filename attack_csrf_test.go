package authgo_test

// Cross-site request forgery against the auth endpoints: every
// state-changing POST needs the double-submit token bound to the server's
// secret, and a cross-origin POST is refused before it is read. Each attack
// is checked by what it would have changed (Authorize ran, a session was
// issued, a session ended), not only by the answer's status.

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestMissingOrWrongCSRF(t *testing.T) {
	f := newFixture(t, nil)
	f.csrf()
	for _, tok := range []string{"", strings.Repeat("0", 64), "short"} {
		form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}}
		if tok != "" {
			form.Set("csrfToken", tok)
		}
		got := location(t, f.do("POST", "/api/auth/callback/credentials", form, nil))
		if got != f.url("/api/auth/signin?error=MissingCSRF") {
			t.Errorf("token %q: redirect %q", tok, got)
		}
	}
	if f.authorized.Load() != 0 {
		t.Fatal("Authorize ran without a valid CSRF token")
	}
	// POST /session answers 400 null.
	resp := f.do("POST", "/api/auth/session", url.Values{"data": {"x"}}, nil)
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || string(b) != "null" {
		t.Fatalf("POST /session without csrf: %d %s", resp.StatusCode, b)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	f := newFixture(t, nil)
	form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {f.csrf()}}
	resp := f.do("POST", "/api/auth/callback/credentials", form, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin POST: %d", resp.StatusCode)
	}
}

// The attacker fetches a valid token and cookie pair in their own browser
// and makes the victim's browser post the token: it does not match the
// victim's cookie.
func TestAttackCSRFAttackersOwnTokenIsRefused(t *testing.T) {
	f := newFixture(t, nil)
	attacker := newFixtureBrowser(f)
	stolen := attacker.csrf()
	f.csrf() // the victim has a CSRF cookie of their own
	form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {stolen}}
	if got := location(t, f.do("POST", "/api/auth/callback/credentials", form, nil)); got != f.url("/api/auth/signin?error=MissingCSRF") {
		t.Fatalf("victim posting the attacker's token: redirect %q", got)
	}
	if f.authorized.Load() != 0 || f.cookie(sessionCookie) != nil {
		t.Fatal("the forged sign-in reached Authorize or issued a session")
	}
}

// Cookie tossing: a sibling subdomain plants a CSRF cookie whose hash the
// attacker computed without the server's secret (or with a guessed one),
// then posts the matching token.
func TestAttackCSRFPlantedCookieWithoutSecretIsRefused(t *testing.T) {
	f := newFixture(t, nil)
	tok := strings.Repeat("ab", 32)
	// post signs in with tok and a planted CSRF cookie hashed with secret.
	post := func(secret string) string {
		sum := sha256.Sum256([]byte(tok + secret))
		req, _ := http.NewRequest("POST", f.url("/api/auth/callback/credentials"), strings.NewReader(url.Values{
			"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {tok},
		}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "authjs.csrf-token", Value: tok + "|" + hex.EncodeToString(sum[:])})
		resp, err := (&http.Client{CheckRedirect: f.client.CheckRedirect}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.Header.Get("Location")
	}
	for name, secret := range map[string]string{"no secret": "", "guessed secret": "secret", "another app's secret": strings.Repeat("q", 40)} {
		if got := post(secret); got != f.url("/api/auth/signin?error=MissingCSRF") {
			t.Errorf("%s: redirect %q", name, got)
		}
	}
	if f.authorized.Load() != 0 {
		t.Fatal("a planted CSRF cookie let a sign-in reach Authorize")
	}
	// Control: the same cookie hashed with the server's secret passes, so
	// the refusals above are refusals of the hash.
	if got := post(testSecret); f.authorized.Load() != 1 {
		t.Fatalf("control: a cookie hashed with the secret did not reach Authorize (%s)", got)
	}
}

// A forged sign-out (no token, or a request from another site) does not end
// the victim's session; GET never changes state.
func TestAttackCSRFForgedSignOutKeepsTheSession(t *testing.T) {
	f := newFixture(t, nil)
	location(t, f.signIn("ada@example.com", "correct horse battery"))
	if f.session()["user"] == nil {
		t.Fatal("control: not signed in")
	}
	f.do("POST", "/api/auth/signout", url.Values{}, nil)
	f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, map[string]string{"Origin": "https://sub.example", "Sec-Fetch-Site": "same-site"})
	f.do("GET", "/api/auth/signout", nil, nil)
	if f.session()["user"] == nil {
		t.Fatal("a forged sign-out ended the session")
	}
	// The genuine form post ends it, so the checks above could have failed.
	f.do("POST", "/api/auth/signout", url.Values{"csrfToken": {f.csrf()}}, nil)
	if f.session() != nil {
		t.Fatal("control: the genuine sign-out did not end the session")
	}
}

// A sibling subdomain is same-site but not same-origin: its posts are
// refused too, as is an opaque ("null") origin.
func TestAttackCSRFSameSiteAndNullOriginsAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	for name, h := range map[string]map[string]string{
		"same-site sibling": {"Origin": "https://sub.example", "Sec-Fetch-Site": "same-site"},
		"null origin":       {"Origin": "null"},
	} {
		form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {f.csrf()}}
		resp := f.do("POST", "/api/auth/callback/credentials", form, h)
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: %d", name, resp.StatusCode)
		}
	}
	if f.authorized.Load() != 0 {
		t.Fatal("a cross-origin sign-in reached Authorize")
	}
}
