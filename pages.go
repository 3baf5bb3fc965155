package authgo

import (
	"net/http"
	"strings"

	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/pages"
)

// The built-in pages and the redirects to the app's own pages that replace
// them (Config.Pages), as Auth.js serves them.

func (a *Auth) theme() pages.Theme {
	t := a.cfg.Theme
	return pages.Theme{ColorScheme: t.ColorScheme, BrandColor: t.BrandColor, Logo: t.Logo, ButtonText: t.ButtonText}
}

// signInPageState is what a sign-in page shows beyond the providers.
type signInPageState struct {
	errorCode   string
	notice      string
	fieldErrors map[string]string
	flash       pages.Flash // the form of a failed credentials sign-in
}

// handleSignInPage is GET /signin: the built-in page, or a redirect to
// Pages.SignIn with the callbackUrl and error.
func (a *Auth) handleSignInPage(w http.ResponseWriter, rq *request) {
	q := rq.r.URL.Query()
	if a.cfg.Pages.SignIn != "" {
		cb := q.Get("callbackUrl")
		if cb == "" {
			cb = "/"
		}
		redirect(w, rq.r, withQuery(a.pageURL(rq, a.cfg.Pages.SignIn, ""), "callbackUrl", cb, "error", clip.String(q.Get("error"), 64)))
		return
	}
	a.rememberCallbackURL(w, rq)
	flash, _ := pages.TakeFlash(w, rq.r, a.flashCookie(rq), a.codec)
	a.renderSignInPage(w, rq, http.StatusOK, signInPageState{errorCode: clip.String(q.Get("error"), 64), flash: flash})
}

// buttonStyler is a provider that styles its button on the built-in
// sign-in page (providers.OAuth, from its ButtonStyle option).
type buttonStyler interface {
	ButtonStyle() (brand, brandColor, text, logo string)
}

// renderSignInPage draws the built-in sign-in page.
func (a *Auth) renderSignInPage(w http.ResponseWriter, rq *request, status int, st signInPageState) {
	d := pages.SignIn{
		Theme:       a.theme(),
		CSRFToken:   a.csrfToken(w, rq),
		CallbackURL: a.callbackURL(rq),
		Error:       st.errorCode,
		Notice:      st.notice,
		FieldErrors: st.fieldErrors,
		Flash:       st.flash,
		Links:       a.accountLinks(rq),
	}
	for _, p := range a.order {
		pv := pages.Provider{ID: p.ID(), Name: p.Name(), Type: p.Type(), SigninURL: rq.actionURL(a, "signin/"+p.ID()), CallbackURL: rq.actionURL(a, "callback/"+p.ID())}
		pv.Passkey = a.passkeyView(rq, p)
		if b, ok := p.(buttonStyler); ok {
			pv.Style.Brand, pv.Style.BrandColor, pv.Style.Text, pv.Style.Logo = b.ButtonStyle()
		}
		if cp, ok := p.(CredentialsProvider); ok {
			for _, f := range cp.Fields() {
				pf := pages.Field{Name: f.Name, Label: f.Label, Type: f.Type, Placeholder: f.Placeholder, Autocomplete: f.Autocomplete, Required: f.Required}
				if f.Type != "password" && rq.form != nil {
					pf.Value = rq.form.get(f.Name)
				}
				pv.Fields = append(pv.Fields, pf)
			}
		}
		d.Providers = append(d.Providers, pv)
	}
	if err := pages.RenderSignIn(w, status, d); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render sign-in page", "err", err)
	}
}

// flashCookie is the cookie that carries a failed credentials form to the
// built-in sign-in page (internal/pages/flash.go says why a cookie).
func (a *Auth) flashCookie(rq *request) cookie.Options {
	return pages.FlashCookie(rq.secure, a.cfg.BasePath)
}

// saveSignInFlash keeps what the credentials form of rq held — never its
// passwords — and the field errors errs, for the sign-in page that fail
// redirects to; it also remembers the form's callbackUrl, as Auth.js does
// for every request that carries one.
func (a *Auth) saveSignInFlash(w http.ResponseWriter, rq *request, errs map[string]string) {
	cp, ok := a.providers[rq.provider].(CredentialsProvider)
	if !ok || rq.form == nil {
		return
	}
	a.rememberCallbackURL(w, rq)
	var fields []pages.Field
	for _, f := range cp.Fields() {
		fields = append(fields, pages.Field{Name: f.Name, Type: f.Type})
	}
	flash := pages.NewFlash(cp.ID(), fields, rq.form.get, errs)
	if err := pages.SaveFlash(w, a.flashCookie(rq), a.codec, flash); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: save sign-in form", "err", err)
	}
}

// handleSignOutPage is GET /signout: a confirmation page whose form posts
// to /signout with the CSRF token, or a redirect to Pages.SignOut.
func (a *Auth) handleSignOutPage(w http.ResponseWriter, rq *request) {
	if a.cfg.Pages.SignOut != "" {
		redirect(w, rq.r, a.pageURL(rq, a.cfg.Pages.SignOut, ""))
		return
	}
	d := pages.SignOut{Theme: a.theme(), Action: rq.actionURL(a, "signout"), CSRFToken: a.csrfToken(w, rq)}
	if err := pages.RenderSignOut(w, http.StatusOK, d); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render sign-out page", "err", err)
	}
}

// handleErrorPage is GET /error?error=<code>: the built-in page with the
// status Auth.js gives the code, or a redirect to Pages.Error. A
// callbackUrl that points back at Pages.Error renders the built-in page, so
// a broken error page cannot loop.
func (a *Auth) handleErrorPage(w http.ResponseWriter, rq *request) {
	code := clip.String(rq.r.URL.Query().Get("error"), 64)
	if p := a.cfg.Pages.Error; p != "" && !strings.HasPrefix(rq.r.URL.Query().Get("callbackUrl"), p) {
		redirect(w, rq.r, withQuery(a.pageURL(rq, p, ""), "error", code))
		return
	}
	a.renderError(w, rq, 0, code)
}

// renderError draws the built-in error page; status 0 uses the code's.
func (a *Auth) renderError(w http.ResponseWriter, rq *request, status int, code string) {
	d := pages.Error{Theme: a.theme(), Code: code, SignInURL: rq.actionURL(a, "signin"), HomeURL: rq.origin}
	if status != 0 {
		// A status of our own (503): render into a recorder-free path by
		// setting the header first; RenderError writes ErrorStatus(code)
		// otherwise.
		w = statusOverride{ResponseWriter: w, status: status}
	}
	if err := pages.RenderError(w, d); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render error page", "err", err)
	}
}

// statusOverride replaces the status a page renderer writes.
type statusOverride struct {
	http.ResponseWriter
	status int
}

func (s statusOverride) WriteHeader(int) { s.ResponseWriter.WriteHeader(s.status) }

// handleVerifyRequestPage is GET /verify-request: the "check your email"
// page, or a redirect to Pages.VerifyRequest with the original query.
func (a *Auth) handleVerifyRequestPage(w http.ResponseWriter, rq *request) {
	if p := a.cfg.Pages.VerifyRequest; p != "" {
		target := a.pageURL(rq, p, "")
		if q := rq.r.URL.RawQuery; q != "" {
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			target += sep + q
		}
		redirect(w, rq.r, target)
		return
	}
	a.renderVerifyRequest(w, rq, http.StatusOK, a.verifyRequestProvider(rq), "")
}
