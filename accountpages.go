package authgo

import (
	"net/http"

	"github.com/authgo/authgo/internal/pages"
)

// accountPageState is what a step's page shows beyond its form.
type accountPageState struct {
	err, notice string
	fields      map[string]string // field errors
}

// The inputs of the account pages.
var (
	fieldEmail    = pages.AccountField{Name: "email", Label: "Email", Type: "email", Autocomplete: "email", Required: true}
	fieldName     = pages.AccountField{Name: "name", Label: "Name (optional)", Type: "text", Autocomplete: "name"}
	fieldPassword = pages.AccountField{Name: "password", Label: "New password", Type: "password", Autocomplete: "new-password", Required: true}
	fieldCurrent  = pages.AccountField{Name: "currentPassword", Label: "Current password", Type: "password", Autocomplete: "current-password"}
	fieldCode     = pages.AccountField{Name: "code", Label: "Code from the email", Type: "text", Autocomplete: "one-time-code", Required: true}
)

// accountPage describes the page of step; its form posts to the step
// itself unless said otherwise.
func (a *Auth) accountPage(w http.ResponseWriter, rq *request, step string) pages.Account {
	q := rq.r.URL.Query().Get
	if rq.form != nil {
		q = rq.form.get
	}
	signIn := pages.Link{Text: "Back to sign in", URL: a.pageURL(rq, a.cfg.Pages.SignIn, "signin")}
	d := pages.Account{Action: rq.actionURL(a, "account/"+step)}
	switch step {
	case "signup":
		d.Heading, d.Submit = "Create an account", "Sign up"
		d.Fields = []pages.AccountField{fieldName, fieldEmail, fieldPassword}
		d.Links = []pages.Link{{Text: "Already have an account? Sign in", URL: signIn.URL}}
	case "check-email":
		d.Heading, d.Submit = "Check your email", "Verify"
		d.Intro = []string{"We sent you an email. Open its link, or enter its code here (in this browser)."}
		d.Action = rq.actionURL(a, "account/verify-email")
		d.Fields = []pages.AccountField{fieldCode}
		d.Links = []pages.Link{{Text: "No email? Send it again", URL: rq.actionURL(a, "account/resend-verification")}, signIn}
	case "resend-verification":
		d.Heading, d.Submit = "Send the verification email again", "Send"
		d.Fields = []pages.AccountField{fieldEmail}
	case "verify-email", "confirm-email":
		d.Heading, d.Submit = "Verify your email", "Verify "+q("email")
		if step == "confirm-email" {
			d.Heading, d.Submit = "Change your email", "Change my email to "+q("email")
		}
		d.Intro = []string{"Press the button to finish. (The link alone changes nothing, so mail scanners cannot use it up.)"}
		d.Hidden = []pages.Hidden{{Name: "token", Value: q("token")}, {Name: "email", Value: q("email")}}
		if step == "confirm-email" {
			d.Hidden = append(d.Hidden, pages.Hidden{Name: "id", Value: q("id")})
		}
	case "forgot-password":
		d.Heading, d.Submit = "Forgot your password?", "Send me a link"
		d.Intro = []string{"Enter the email of your account and we will send a link to choose a new password."}
		d.Fields = []pages.AccountField{fieldEmail}
		d.Links = []pages.Link{signIn}
	case "reset-password":
		d.Heading, d.Submit = "Choose a new password", "Set password"
		d.Intro = []string{"Every other session of your account will be signed out."}
		d.Hidden = []pages.Hidden{{Name: "token", Value: q("token")}, {Name: "id", Value: q("id")}}
		d.Fields = []pages.AccountField{fieldPassword}
	case "change-password":
		d.Heading, d.Submit = "Change your password", "Change password"
		d.Fields = []pages.AccountField{fieldCurrent, fieldPassword}
	case "change-email":
		d.Heading, d.Submit = "Change your email", "Send confirmation link"
		f := fieldEmail
		f.Label = "New email"
		d.Fields = []pages.AccountField{fieldCurrent, f}
	case "delete":
		d.Heading, d.Submit = "Delete your account", "Delete my account"
		d.Intro = []string{"This deletes your account and everything kept with it, and signs you out everywhere. It cannot be undone."}
		d.Fields = []pages.AccountField{fieldCurrent}
	}
	if cb := callbackURLParam(rq); cb != "" {
		d.Hidden = append(d.Hidden, pages.Hidden{Name: "callbackUrl", Value: cb})
	}
	for i, f := range d.Fields {
		if f.Type != "password" {
			d.Fields[i].Value = q(f.Name)
		}
	}
	d.CSRFToken = a.csrfToken(w, rq)
	d.Theme = a.theme()
	return d
}

// renderAccount draws the page of step with st.
func (a *Auth) renderAccount(w http.ResponseWriter, rq *request, status int, step string, st accountPageState) {
	d := a.accountPage(w, rq, step)
	d.Error, d.Notice = st.err, st.notice
	for i, f := range d.Fields {
		d.Fields[i].Error = st.fields[f.Name]
	}
	if err := pages.RenderAccount(w, status, d); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render account page", "step", step, "err", err)
	}
}

// accountGet returns the GET handler of a step's page, with the notice
// shown when the query has sent=1.
func accountGet(step, sentNotice string) func(*Auth, http.ResponseWriter, *request) {
	return func(a *Auth, w http.ResponseWriter, rq *request) {
		st := accountPageState{}
		if rq.r.URL.Query().Get("sent") == "1" {
			st.notice = sentNotice
		}
		a.renderAccount(w, rq, http.StatusOK, step, st)
	}
}

// signedInGet is accountGet for the steps of a signed-in user.
func signedInGet(step, sentNotice string) func(*Auth, http.ResponseWriter, *request) {
	page := accountGet(step, sentNotice)
	return func(a *Auth, w http.ResponseWriter, rq *request) {
		if _, _, ok := a.signedInUser(w, rq); ok {
			page(a, w, rq)
		}
	}
}

// accountLinks are the links of the sign-in page to the account pages.
func (a *Auth) accountLinks(rq *request) []pages.Link {
	if a.accounts == nil {
		return nil
	}
	return []pages.Link{
		{Text: "Forgot password?", URL: rq.actionURL(a, "account/forgot-password")},
		{Text: "No account? Create one", URL: rq.actionURL(a, "account/signup")},
	}
}
