package authgo

import (
	"errors"
	"net/http"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
)

// PasswordProvider is a credentials provider whose accounts authgo keeps
// itself: users sign up with an email and a password, verify the address,
// reset a forgotten password, change their password or email and delete
// their account. providers.Password makes one. Its sign-in is a
// credentials sign-in (POST <base>/callback/<id> with email and password,
// so next-auth/react's signIn(id, {email, password}) works), checked
// against the argon2id hash stored through the adapter
// (adapter.PasswordStore); Authorize is not called.
//
// Passwords are Normalized (Unicode NFKC) before they are checked and
// hashed, so the same password typed on another keyboard signs in. A
// stored bcrypt hash (imported from another system) verifies and is
// replaced by an argon2id hash at that sign-in; so is an argon2id hash
// with weaker parameters than account.PasswordOptions.Hasher's.
//
// The endpoints are authgo's own (Auth.js has none); each answers JSON to
// API clients (Accept: application/json or X-Auth-Return-Redirect) and
// draws or redirects to a built-in page for browsers. Every POST needs the
// csrfToken of GET <base>/csrf and is rate limited in one atomic
// reservation before any hashing or mail:
//
//	GET|POST <base>/account/signup               email, password, name
//	GET      <base>/account/check-email          "check your email", code form
//	GET|POST <base>/account/verify-email         token & email (link) or code
//	POST     <base>/account/resend-verification  email
//	GET|POST <base>/account/forgot-password      email
//	GET|POST <base>/account/reset-password       token, id, password
//	GET|POST <base>/account/change-password      currentPassword, password
//	GET|POST <base>/account/change-email         currentPassword, email
//	GET|POST <base>/account/confirm-email        token, id, email
//	GET|POST <base>/account/delete               currentPassword, confirm=delete
//
// The answers never tell which emails have accounts: signing up with a
// taken address answers exactly as a new one (and mails the owner that
// someone tried), a reset or resend for an unknown address answers as for
// a known one after about the time a send takes. The Go functions
// (Auth.SignUp, Auth.RequestPasswordReset, …) do the same for apps that
// draw their own forms.
type PasswordProvider interface {
	CredentialsProvider
	// PasswordOptions returns the provider's settings; New fills in the
	// defaults and checks them.
	PasswordOptions() account.PasswordOptions
}

// accountState is the password provider of an Auth, defaults filled.
type accountState struct {
	id    string
	o     account.PasswordOptions
	store adapter.PasswordStore
	theme email.Theme
	// resets and resends time the mail of a known address, so an unknown
	// one is answered after about as long (sign-up mails in both cases);
	// changes time a change of email to a free address, for a taken one.
	resets, resends, changes sendTimer
}

func newAccountState(c Config) *accountState {
	for _, p := range c.Providers {
		if pp, ok := p.(PasswordProvider); ok {
			o, _ := normalizePasswordOptions(pp.PasswordOptions(), c) // checked by Config.normalize
			return &accountState{id: p.ID(), o: o, store: c.Adapter.(adapter.PasswordStore), theme: *o.Theme}
		}
	}
	return nil
}

// checkPasswordProvider is New's check of a password provider.
func checkPasswordProvider(p PasswordProvider, c Config) error {
	for _, q := range c.Providers {
		if _, ok := q.(PasswordProvider); ok && q.ID() != p.ID() {
			return configErr("providers %q and %q are both password providers; one Auth has at most one", p.ID(), q.ID())
		}
	}
	if c.Adapter == nil {
		return configErr("provider %q keeps password accounts, which needs an Adapter: set Config.Adapter (adapter/sql, or adapter/memory for tests)", p.ID())
	}
	if _, ok := c.Adapter.(adapter.PasswordStore); !ok {
		return configErr("provider %q keeps password hashes, but Config.Adapter (%T) does not implement adapter.PasswordStore: use adapter/sql or adapter/memory", p.ID(), c.Adapter)
	}
	if _, err := normalizePasswordOptions(p.PasswordOptions(), c); err != nil {
		return configErr("provider %q: %v", p.ID(), err)
	}
	return nil
}

// normalizePasswordOptions fills in the defaults of o (the mail theme
// from c.Theme) and checks it.
func normalizePasswordOptions(o account.PasswordOptions, c Config) (account.PasswordOptions, error) {
	if o.Sender == nil {
		return o, errors.New("set PasswordOptions.Sender (e.g. email.NewSMTP) to send verification and reset mail")
	}
	if o.From == "" {
		o.From = email.DefaultFrom
	}
	if o.VerifyMaxAge < 0 || o.ResetMaxAge < 0 || o.ResetMaxAge > account.MaxResetMaxAge || o.ReauthMaxAge < 0 {
		return o, errors.New("PasswordOptions: VerifyMaxAge and ReauthMaxAge must not be negative, ResetMaxAge must be 0 to 1 hour")
	}
	if o.VerifyMaxAge == 0 {
		o.VerifyMaxAge = account.DefaultVerifyMaxAge
	}
	if o.ResetMaxAge == 0 {
		o.ResetMaxAge = account.MaxResetMaxAge
	}
	if o.ReauthMaxAge == 0 {
		o.ReauthMaxAge = account.DefaultReauthMaxAge
	}
	if o.Theme == nil {
		o.Theme = &email.Theme{ColorScheme: c.Theme.ColorScheme, BrandColor: c.Theme.BrandColor, Logo: c.Theme.Logo, ButtonText: c.Theme.ButtonText}
	}
	if err := o.Theme.Validate(); err != nil {
		return o, err
	}
	if o.NormalizeIdentifier == nil {
		o.NormalizeIdentifier = email.NormalizeIdentifier
	}
	return o, sendLimitsWithDefaults(&o.SendLimits)
}

// accountSteps are the steps under <base>/account/, with their handlers.
var accountSteps map[string]action

func init() {
	// In init: the handlers refer back to the table through renderAccount.
	accountSteps = map[string]action{
		"signup":              {get: accountGet("signup", ""), post: (*Auth).handleSignUp},
		"check-email":         {get: accountGet("check-email", "")},
		"verify-email":        {get: accountGet("verify-email", ""), post: (*Auth).handleVerifyEmail},
		"resend-verification": {get: accountGet("resend-verification", ""), post: (*Auth).handleResendVerification},
		"forgot-password":     {get: accountGet("forgot-password", resetSentSentence), post: (*Auth).handleForgotPassword},
		"reset-password":      {get: accountGet("reset-password", ""), post: (*Auth).handleResetPassword},
		"change-password":     {get: signedInGet("change-password", ""), post: (*Auth).handleChangePassword},
		"change-email":        {get: signedInGet("change-email", "We sent a link to the new address. Your email changes when you open it."), post: (*Auth).handleChangeEmail},
		"confirm-email":       {get: accountGet("confirm-email", ""), post: (*Auth).handleConfirmEmail},
		"delete":              {get: signedInGet("delete", ""), post: (*Auth).handleDeleteAccount},
	}
}

// handleAccount is GET|POST <base>/account/<step>. Without a password
// provider, or for an unknown step, it is 400 "Bad request." as any unknown
// action. Every POST needs the CSRF token.
func (a *Auth) handleAccount(w http.ResponseWriter, rq *request) {
	st, ok := accountSteps[rq.provider]
	h := st.get
	if rq.r.Method == http.MethodPost {
		h = st.post
	}
	if a.accounts == nil || !ok || h == nil {
		badRequest(w)
		return
	}
	if rq.r.Method == http.MethodPost && !a.csrfValid(rq) {
		a.accountFailed(w, rq, ErrMissingCSRF)
		return
	}
	h(a, w, rq)
}
