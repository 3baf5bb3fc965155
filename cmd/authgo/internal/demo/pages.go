package demo

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/authgo/authgo"
)

// home is the start page: what the demo shows and who is signed in.
func (a *App) home(w http.ResponseWriter, r *http.Request) {
	p := page{Data: demoUsers}
	if r.URL.Query().Get("signedOut") == "everywhere" {
		p.Notice = "You were signed out on every device."
	}
	a.render(w, r, http.StatusOK, "home", p)
}

// loginData is what the login page shows: the form as typed (never the
// password), errors, and the OAuth providers configured.
type loginData struct {
	Email       string
	CallbackURL string
	Error       string
	Fields      fieldErrors
	OAuth       []authgo.Provider
	// LinkEmail and LinkFields are the "Email me a sign-in link" form as
	// typed and its errors; Mailbox is set when its mail is kept at
	// /dev/mailbox (emailsignin.go).
	LinkEmail  string
	LinkFields fieldErrors
	Mailbox    bool
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	d := loginData{CallbackURL: localPath(r.URL.Query().Get("callbackUrl"))}
	p := page{Title: "Sign in"}
	switch r.URL.Query().Get("error") {
	case "":
	case string(authgo.CredentialsSignin):
		d.Error = msgWrongCredentials
	case string(authgo.RateLimited):
		d.Error = "Too many sign-in attempts. Wait a few minutes, then try again."
	case string(authgo.EmailSignin):
		d.Error = "The sign-in email could not be sent. Check the address and try again."
	default:
		d.Error = msgSomethingWrong
	}
	if r.URL.Query().Get("signedOut") == "everywhere" {
		p.Notice = "You were signed out on every device."
	}
	a.showLogin(w, r, http.StatusOK, p, d)
}

func (a *App) showLogin(w http.ResponseWriter, r *http.Request, status int, p page, d loginData) {
	d.Mailbox = a.mail != nil
	for _, pr := range a.auth.Providers() {
		if pr.Type() == authgo.TypeOAuth || pr.Type() == authgo.TypeOIDC {
			d.OAuth = append(d.OAuth, pr)
		}
	}
	csp := cspSelfForms
	if len(d.OAuth) > 0 {
		// The OAuth buttons' redirects to the providers (see cspBase).
		csp = cspBase
	}
	w.Header().Set("Content-Security-Policy", csp+cspPasskeys)
	p.Data = d
	a.render(w, r, status, "login", p)
}

// The login page's messages. One message covers a wrong email and a wrong
// password, so the page never tells which emails have accounts.
const (
	msgWrongCredentials = "Invalid email or password."
	msgSomethingWrong   = "Something went wrong. Please try again."
	msgFormExpired      = "The form expired. Please try again."
)

// login is the form handler of the login page — the server action
// loginWithCredentials of the articles. It validates the input, calls
// auth.SignIn and turns its typed errors into messages.
func (a *App) login(w http.ResponseWriter, r *http.Request) {
	d, ok := a.loginForm(w, r, func(d *loginData, email string) { d.Email = email })
	if !ok {
		return
	}
	p := page{Title: "Sign in"}
	in, errs := validateSignIn(r.PostForm.Get("email"), r.PostForm.Get("password"))
	if len(errs) > 0 {
		d.Fields = errs
		d.Error = "Check the fields marked below."
		a.showLogin(w, r, http.StatusBadRequest, p, d)
		return
	}
	next, err := a.auth.SignIn(w, r, "credentials", authgo.SignInOptions{
		Credentials: map[string]string{"email": in.Email, "password": in.Password},
		RedirectTo:  d.redirectTo(),
	})
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	var ae *authgo.Error
	status := http.StatusInternalServerError
	switch {
	case errors.Is(err, authgo.ErrCredentialsSignin):
		status, d.Error = http.StatusUnauthorized, msgWrongCredentials
	case errors.As(err, &ae) && ae.Type == authgo.RateLimited:
		status, d.Error = http.StatusTooManyRequests, "Too many sign-in attempts. Try again in "+waitText(ae.RetryAfter)+"."
		w.Header().Set("Retry-After", strconv.Itoa(max(ae.RetryAfter, 1)))
	case errors.Is(err, authgo.ErrMissingCSRF):
		status, d.Error = http.StatusForbidden, msgFormExpired
	case errors.Is(err, authgo.ErrAccessDenied):
		status, d.Error = http.StatusForbidden, "This account may not sign in."
	case errors.Is(err, authgo.ErrUnavailable):
		status, d.Error = http.StatusServiceUnavailable, "The service is temporarily unavailable. Try again in a moment."
		w.Header().Set("Retry-After", "5")
	default:
		a.log.ErrorContext(r.Context(), "demo: sign-in failed", "err", err)
		d.Error = msgSomethingWrong
	}
	a.showLogin(w, r, status, p, d)
}

// loginForm reads a form of the login page (at most maxFormBytes): its
// callbackUrl, and the typed email, which keep puts in its field. It checks the form's
// csrfToken; ok is false when it has answered (413, or the page again with
// 403).
func (a *App) loginForm(w http.ResponseWriter, r *http.Request, keep func(d *loginData, email string)) (d loginData, ok bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form is too large or malformed.", http.StatusRequestEntityTooLarge)
		return d, false
	}
	d.CallbackURL = localPath(r.PostForm.Get("callbackUrl"))
	keep(&d, strings.TrimSpace(r.PostForm.Get("email")))
	if !a.auth.VerifyCSRF(r, r.PostForm.Get("csrfToken")) {
		d.Error = msgFormExpired
		a.showLogin(w, r, http.StatusForbidden, page{Title: "Sign in"}, d)
		return d, false
	}
	return d, true
}

// redirectTo is where signing in leads: the callbackUrl, else the
// dashboard.
func (d loginData) redirectTo() string {
	if d.CallbackURL == "" {
		return "/dashboard"
	}
	return d.CallbackURL
}

// waitText says how long seconds is, rounded up to what a person reads.
func waitText(seconds int) string {
	switch {
	case seconds <= 1:
		return "1 second"
	case seconds < 60:
		return strconv.Itoa(seconds) + " seconds"
	case seconds < 120:
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", (seconds+59)/60)
}

// localPath returns p when it is a path on this site ("/editor?x=1"), else
// "". authgo checks redirects again; this keeps odd values out of the form.
func localPath(p string) string {
	if p == "" || len(p) > 1024 || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return p
}

// signOut is the sign-out button's handler (the logout server action).
func (a *App) signOut(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil || !a.auth.VerifyCSRF(r, r.PostForm.Get("csrfToken")) {
		a.render(w, r, http.StatusForbidden, "message", page{Title: "Sign-out refused", Data: message{
			Heading: "Sign-out refused",
			Text:    "The form expired. Go back, reload the page and try again.",
		}})
		return
	}
	next, err := a.auth.SignOut(w, r, "/")
	if err != nil {
		a.log.ErrorContext(r.Context(), "demo: sign-out failed", "err", err)
		http.Error(w, msgSomethingWrong, http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// dashboard shows who is signed in. RequireAuth guards it; the session is
// the one Middleware read.
func (a *App) dashboard(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "dashboard", page{Title: "Dashboard"})
}

// editor is for editors and admins (RequireRole("editor")).
func (a *App) editor(w http.ResponseWriter, r *http.Request) {
	posts, err := a.store.posts(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "editor", page{Title: "Editor", Data: posts})
}

// adminUser is a row of the admin page's user table.
type adminUser struct {
	Name, Email, Role string
}

// admin is for admins only (RequireRole("admin")).
func (a *App) admin(w http.ResponseWriter, r *http.Request) {
	users, err := a.store.listUsers(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "admin", page{Title: "Admin", Data: users})
}

// unauthorized is where RequireRole sends signed-in users without the role.
// A signed-out visitor has no role to blame: they are sent to sign in.
func (a *App) unauthorized(w http.ResponseWriter, r *http.Request) {
	s, ok := a.session(w, r)
	if !ok {
		return
	}
	if s == nil {
		to := "/login"
		if from := localPath(r.URL.Query().Get("from")); from != "" {
			to += "?callbackUrl=" + url.QueryEscape(from)
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	a.render(w, r, http.StatusForbidden, "message", page{Title: "Not allowed", Session: s, Data: message{
		Heading: "You do not have access to that page",
		Text:    "Your role does not include it. Sign in with another account, or go back.",
	}})
}

// message is the data of the plain message page.
type message struct {
	Heading string
	Text    string
}

func (a *App) notFound(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		writeJSON(w, http.StatusNotFound, apiError{Error: "NotFound"})
		return
	}
	a.render(w, r, http.StatusNotFound, "message", page{Title: "Not found", Data: message{
		Heading: "Page not found",
		Text:    "There is nothing at this address.",
	}})
}

// fail answers a request whose storage failed, without details.
func (a *App) fail(w http.ResponseWriter, r *http.Request, err error) {
	a.log.ErrorContext(r.Context(), "demo: request failed", "path", r.URL.Path, "err", err)
	if isAPI(r) {
		writeJSON(w, http.StatusInternalServerError, apiError{Error: "InternalError"})
		return
	}
	http.Error(w, msgSomethingWrong, http.StatusInternalServerError)
}

// crossOriginRefused answers a state-changing request from another site.
func (a *App) crossOriginRefused(w http.ResponseWriter, r *http.Request) {
	a.log.WarnContext(r.Context(), "demo: cross-origin request refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"))
	if isAPI(r) {
		writeJSON(w, http.StatusForbidden, apiError{Error: "CrossOriginRequest"})
		return
	}
	http.Error(w, "Cross-origin request refused.", http.StatusForbidden)
}
