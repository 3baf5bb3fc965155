// Package pages renders authgo's built-in HTML pages: sign in, sign out,
// error and verify request, the pages Auth.js serves from /api/auth/signin,
// /signout, /error and /verify-request.
//
// The pages need no JavaScript: every action is a plain HTML form. They carry
// one small embedded stylesheet, follow the browser's light or dark
// preference unless the Theme fixes one, and are built to be read by screen
// readers (landmarks, labels bound to inputs, an error banner with
// role="alert") and used on a phone. The buttons of the provider presets
// wear the provider's colours and a small mark (brands/*.svg, simple shapes
// drawn for these pages), which a provider's Style can replace.
//
// After a failed credentials sign-in the sign-in page is shown at its own
// URL again, its form refilled from a sealed flash cookie (flash.go).
//
// Every value is escaped by html/template. Each Render function sets headers
// that keep the page out of caches and frames and forbid scripts.
package pages

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
)

// Provider types the sign-in page knows. Any other type is drawn like an
// OAuth provider: a button that posts to SigninURL.
const (
	TypeOAuth       = "oauth"
	TypeOIDC        = "oidc"
	TypeCredentials = "credentials"
	TypeEmail       = "email"
	TypeWebAuthn    = "webauthn"
)

// Field is one input of a credentials or email sign-in form, declared like a
// key of Auth.js's credentials option.
//
// Name is the form field name posted to the server. Label is the visible
// label; when empty, Name is used. Type is the input type ("text" when
// empty). Autocomplete is the autocomplete attribute; when empty it is chosen
// from Type and Name ("email" for email inputs, "current-password" for
// password inputs, "username" for a field named username). Value pre-fills
// the input (after a failed attempt, say); it is never rendered for password
// inputs.
type Field struct {
	Name         string
	Label        string
	Type         string
	Placeholder  string
	Autocomplete string
	Required     bool
	Value        string
}

// Provider is one way to sign in, as the sign-in page draws it.
//
// ID and Name are the provider's id and display name; Type is one of the
// Type constants. SigninURL is where OAuth, OIDC, email and WebAuthn forms
// post (…/signin/<id>); CallbackURL is where the credentials form posts
// (…/callback/<id>). Fields are the inputs of a credentials form, or replace
// the single email input of an email form.
//
// WebAuthn providers are drawn as a form with an email input (autocomplete
// "username webauthn", for the browser's passkey autofill) and a button;
// the page then loads Passkey.ScriptURL, which runs the ceremony (and
// offers passkeys in the input's autofill where the browser supports
// conditional mediation). Without script the form posts to SigninURL, which
// comes back to the sign-in page; every other provider works without it.
//
// Style colours an OAuth or OIDC provider's button and gives it a logo;
// the zero Style draws a preset (an ID such as "github" or "google") in its
// bundled colours with its mark, and any other provider in the Theme's.
type Provider struct {
	ID          string
	Name        string
	Type        string
	SigninURL   string
	CallbackURL string
	Fields      []Field
	Style       Style
	// Passkey is set for a WebAuthn provider.
	Passkey *Passkey
}

// Passkey is what the sign-in page's script needs of a WebAuthn provider:
// where to get the options of a ceremony and where to post its answer,
// the script's URL (served by authgo, so the page's script-src stays
// 'self'), and whether new users may register.
type Passkey struct {
	OptionsURL, CallbackURL, ScriptURL string
	SignUp                             bool
}

// ContentSecurityPolicyWithScript is ContentSecurityPolicy plus what a
// sign-in page with a passkey provider needs: its script from this site
// and fetch to this site.
const ContentSecurityPolicyWithScript = ContentSecurityPolicy + "; script-src 'self'; connect-src 'self'"

// SignIn is the data of the sign-in page.
//
// CSRFToken and CallbackURL are posted back by every form as csrfToken and
// callbackUrl. Error is an Auth.js error code (the ?error= parameter, e.g.
// CredentialsSignin); the banner shows SignInMessage(Error), never the code.
// Notice is a further plain sentence for the banner, such as a rate-limit
// message. FieldErrors maps a field name of the credentials forms to a
// sentence shown under that input (and tied to it with aria-describedby).
// Flash, when its Provider is set, refills that credentials provider's form
// after a failed attempt: its values go into the inputs that are not
// passwords, its errors under the inputs FieldErrors leaves alone.
type SignIn struct {
	Theme       Theme
	Providers   []Provider
	CSRFToken   string
	CallbackURL string
	Error       string
	Notice      string
	FieldErrors map[string]string
	Flash       Flash
	// Links are drawn under the forms ("Forgot password?", "Create an
	// account"); none by default.
	Links []Link
}

// SignOut is the data of the sign-out confirmation page. Action is the URL
// its form posts to (the sign-out endpoint) with the csrfToken.
type SignOut struct {
	Theme     Theme
	Action    string
	CSRFToken string
}

// Error is the data of the error page. Code is the Auth.js error code;
// SignInURL and HomeURL, when set, are offered as links.
type Error struct {
	Theme     Theme
	Code      string
	SignInURL string
	HomeURL   string
}

// VerifyRequest is the data of the "check your email" page shown after a
// magic link was sent. Host is the site's host name, shown as a link to
// HomeURL when that is set.
//
// With CodeAction set the page also has a form for the one-time code of the
// mail: it posts code, csrfToken (CSRFToken) and callbackUrl (CallbackURL,
// when set) to CodeAction; the input takes CodeLength digits. CodesOnly
// says the mail holds a code and no link. Error is a sentence shown in an
// alert above the form (a wrong code), "" for none.
type VerifyRequest struct {
	Theme       Theme
	Host        string
	HomeURL     string
	CodeAction  string
	CSRFToken   string
	CallbackURL string
	CodeLength  int
	CodesOnly   bool
	Error       string
}

// EmailConfirm is the data of the page a sign-in link opens: "Sign in as
// <Email>" and one button, a form that posts token, email, csrfToken and
// callbackUrl to Action. Opening the link changes nothing; the button does,
// so a mail scanner that fetches every link cannot use it up.
//
// OtherBrowser says the link was opened in another browser than the one
// that asked for it: the page says so. CodesOffered adds that the code of
// the mail works in the browser that asked.
type EmailConfirm struct {
	Theme        Theme
	Action       string
	CSRFToken    string
	CallbackURL  string
	Token        string
	Email        string
	OtherBrowser bool
	CodesOffered bool
}

// ContentSecurityPolicy is the policy every page is served with: no scripts,
// no plugins, no framing, no <base>; inline styles (the embedded stylesheet)
// and images from this site, https and data: URLs (the logos and the
// providers' marks). form-action is
// left open on purpose: a sign-in form posts to this site, which then
// redirects to the OAuth provider, and browsers apply form-action to that
// redirect as well.
const ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; frame-ancestors 'none'; base-uri 'none'"

//go:embed templates/*.html templates/style.css templates/webauthn.js
var files embed.FS

// WebAuthnScript returns the sign-in page's passkey script
// (templates/webauthn.js), which authgo serves itself at
// <base>/webauthn.js: no CDN, so the page's script-src stays 'self'.
func WebAuthnScript() []byte {
	b, _ := files.ReadFile("templates/webauthn.js")
	return b
}

// set holds one parsed template per page. The templates are parsed once,
// when the package is loaded, and only read afterwards.
var set = mustParse()

func mustParse() map[string]*template.Template {
	css, err := files.ReadFile("templates/style.css")
	if err != nil {
		panic("pages: " + err.Error())
	}
	funcs := template.FuncMap{
		// The stylesheet is a file of this package, not input.
		"stylesheet": func() template.CSS { return template.CSS(css) },
	}
	base := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html"))
	out := make(map[string]*template.Template)
	for _, name := range []string{"signin", "signout", "error", "verify", "emailconfirm", "account", "twofactor", "twofactorenrol", "backupcodes"} {
		t := template.Must(base.Clone())
		template.Must(t.ParseFS(files, "templates/"+name+".html"))
		out[name] = t
	}
	return out
}

// page is what the layout template receives.
type page struct {
	Title  string
	Theme  themeView
	Body   any
	Script string // the URL of a script the page loads, "" for none
}

// SetHeaders sets the headers every built-in page is served with. The
// Render functions call it; it is exported for handlers that redirect
// instead of rendering and want the same cache rules.
func SetHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-cache, no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// render executes the named page into a buffer first, so a template error
// never leaves half a page and a 200 on the wire.
func render(w http.ResponseWriter, status int, name string, p page) error {
	var buf bytes.Buffer
	if err := set[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		return fmt.Errorf("pages: render %s: %w", name, err)
	}
	SetHeaders(w.Header())
	if p.Script != "" {
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicyWithScript)
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// RenderSignIn writes the sign-in page with the given status: one form per
// provider, in order, and an error banner when d.Error or d.Notice is set.
func RenderSignIn(w http.ResponseWriter, status int, d SignIn) error {
	p := page{Title: "Sign In", Theme: d.Theme.view(), Body: signInView(d)}
	for _, pv := range d.Providers {
		if pv.Passkey != nil {
			p.Script = pv.Passkey.ScriptURL
		}
	}
	return render(w, status, "signin", p)
}

// RenderSignOut writes the sign-out confirmation page with the given status.
func RenderSignOut(w http.ResponseWriter, status int, d SignOut) error {
	return render(w, status, "signout", page{Title: "Sign Out", Theme: d.Theme.view(), Body: d})
}

// RenderError writes the error page for d.Code with the status
// ErrorStatus(d.Code).
func RenderError(w http.ResponseWriter, d Error) error {
	title, msg := ErrorMessage(d.Code)
	v := errorView{Heading: title, Message: msg, HomeURL: d.HomeURL}
	if d.Code == "AccessDenied" || d.Code == "Verification" {
		v.SignInURL = d.SignInURL
	}
	return render(w, ErrorStatus(d.Code), "error", page{Title: "Error", Theme: d.Theme.view(), Body: v})
}

// RenderVerifyRequest writes the "check your email" page with the given
// status.
func RenderVerifyRequest(w http.ResponseWriter, status int, d VerifyRequest) error {
	return render(w, status, "verify", page{Title: "Verify Request", Theme: d.Theme.view(), Body: d})
}

// RenderEmailConfirm writes the page a sign-in link opens with the given
// status.
func RenderEmailConfirm(w http.ResponseWriter, status int, d EmailConfirm) error {
	return render(w, status, "emailconfirm", page{Title: "Sign In", Theme: d.Theme.view(), Body: d})
}
