package pages

import (
	"net/http"
	"strings"
	"testing"
)

// A passkey provider draws a form that works as a plain form without
// script, with the email input offering passkeys to autofill; the page
// loads authgo's script and only then allows scripts from this site. A
// page without one allows none.
func TestSignInPasskeyForm(t *testing.T) {
	pk := Provider{ID: "passkey", Name: "Passkey", Type: TypeWebAuthn, SigninURL: "/api/auth/signin/passkey", CallbackURL: "/api/auth/callback/passkey",
		Passkey: &Passkey{OptionsURL: "/api/auth/webauthn-options/passkey", CallbackURL: "/api/auth/callback/passkey", ScriptURL: "/api/auth/webauthn.js", SignUp: true}}
	w, _ := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{CSRFToken: "tok", CallbackURL: "/x", Providers: append(fullProviders(), pk)})
	})
	body := w.Body.String()
	for _, want := range []string{
		`<script src="/api/auth/webauthn.js" defer></script>`,
		`action="/api/auth/signin/passkey" method="post" data-webauthn-options="/api/auth/webauthn-options/passkey" data-webauthn-callback="/api/auth/callback/passkey"`,
		`autocomplete="username webauthn"`,
		`name="action" value="authenticate"`,
		`name="action" value="register"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if csp := w.Header().Get("Content-Security-Policy"); csp != ContentSecurityPolicyWithScript {
		t.Errorf("CSP with a passkey provider = %q", csp)
	}

	w, _ = renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{CSRFToken: "tok", Providers: fullProviders()})
	})
	if strings.Contains(w.Body.String(), "<script") || w.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
		t.Errorf("a page without passkeys carries a script or allows one: %q", w.Header().Get("Content-Security-Policy"))
	}
	pk.Passkey.SignUp = false
	w, _ = renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{CSRFToken: "tok", Providers: []Provider{pk}})
	})
	if strings.Contains(w.Body.String(), `value="register"`) {
		t.Error("sign-up offered with sign-up disabled")
	}
}
