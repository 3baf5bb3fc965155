package authgo

import (
	"net/http"
	"strconv"

	"github.com/authgo/authgo/internal/pages"
	"github.com/authgo/authgo/internal/webauthn"
)

// handleWebAuthnScript is GET <base>/webauthn.js: the sign-in page's passkey
// script, served by authgo itself so that the page's CSP stays 'self'.
func (a *Auth) handleWebAuthnScript(w http.ResponseWriter, rq *request) {
	js := pages.WebAuthnScript()
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(js)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(js)
}

// passkeyView is what the sign-in page draws of a passkey provider, nil for
// other providers.
func (a *Auth) passkeyView(rq *request, p Provider) *pages.Passkey {
	wp, ok := p.(webauthn.Provider)
	if !ok {
		return nil
	}
	return &pages.Passkey{OptionsURL: rq.actionURL(a, "webauthn-options/"+p.ID()), CallbackURL: rq.actionURL(a, "callback/"+p.ID()),
		ScriptURL: rq.actionURL(a, "webauthn.js"), SignUp: wp.Settings().SignUp}
}
