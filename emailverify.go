package authgo

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/pages"
	"github.com/authgo/authgo/internal/uuid"
	"golang.org/x/text/unicode/norm"
)

// emailCallback is what a link or a code form submits to /callback/<id>.
type emailCallback struct {
	token, email, code string
}

// errBadEmailCallback is parseEmailCallback's error for input that is no
// link or code at all.
var errBadEmailCallback = errors.New("neither a well-formed link token nor a code")

// parseEmailCallback reads the link (token and email) or the code of an
// email callback from get (the query or the form). A code may be typed with
// spaces or dashes and in full-width digits (NFKC folds them); it must then
// be codeLen ASCII digits. A token is 1 to 512 printable ASCII characters
// and comes with an email of at most 320 bytes.
func parseEmailCallback(get func(string) string, codeLen int) (emailCallback, error) {
	if c := get("code"); c != "" {
		if len(c) > 256 {
			return emailCallback{}, errBadEmailCallback
		}
		c = strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '\u00a0' {
				return -1
			}
			return r
		}, norm.NFKC.String(c))
		if len(c) != codeLen || strings.Trim(c, "0123456789") != "" {
			return emailCallback{}, errBadEmailCallback
		}
		return emailCallback{code: c}, nil
	}
	t, e := get("token"), get("email")
	if !validLinkToken(t) || e == "" || len(e) > 320 {
		return emailCallback{}, errBadEmailCallback
	}
	return emailCallback{token: t, email: e}, nil
}

// emailCallbackHandler is GET|POST /callback/<id> of an email provider.
// GET of a link shows the confirmation page (or, with ConsumeOnGet and
// not a prefetch, signs in); POST consumes a link or a code.
func (a *Auth) emailCallbackHandler(w http.ResponseWriter, rq *request, p EmailProvider) {
	o := a.email.opts[p.ID()]
	get := rq.r.URL.Query().Get
	if rq.r.Method == http.MethodPost {
		get = rq.form.get
	}
	if get("token") == "" && get("code") == "" {
		// Auth.js: "Missing token", a Configuration error.
		a.fail(w, rq, errorf(Configuration, "email callback without a token: the link was opened without its query or not made by this app"))
		return
	}
	in, err := parseEmailCallback(get, o.CodeLength)
	if err != nil {
		a.fail(w, rq, &Error{Type: Verification, Err: err})
		return
	}
	if rq.r.Method == http.MethodGet {
		switch {
		case in.code != "":
			// Codes are typed into the form, never sent in a URL.
			a.renderVerifyRequest(w, rq, http.StatusOK, p, "")
			return
		case !o.ConsumeOnGet || prefetch(rq.r):
			a.renderEmailConfirm(w, rq, p, in)
			return
		}
	} else if !a.csrfValid(rq) {
		a.fail(w, rq, ErrMissingCSRF)
		return
	}
	if in.code != "" {
		a.emailCode(w, rq, p, o, in.code)
		return
	}
	a.emailLink(w, rq, p, o, in)
}

// prefetch reports whether r is a browser's speculative fetch, which must
// change nothing.
func prefetch(r *http.Request) bool {
	for _, h := range []string{"Sec-Purpose", "Purpose", "X-Purpose", "X-Moz"} {
		if strings.Contains(strings.ToLower(r.Header.Get(h)), "prefetch") {
			return true
		}
	}
	return false
}

// emailLink consumes a link's token and signs in.
func (a *Auth) emailLink(w http.ResponseWriter, rq *request, p EmailProvider, o email.Options, in emailCallback) {
	ctx := rq.r.Context()
	row, err := a.useToken(ctx, in.email, storedVerificationToken(in.token, o.Secret))
	if err != nil {
		a.fail(w, rq, err)
		return
	}
	if row == nil {
		a.emailFailed(ctx, rq, p, in.email, "link")
		a.fail(w, rq, errorf(Verification, "the link's token is missing, used, expired or for another address"))
		return
	}
	if b, ok := a.readBinding(rq, p.ID()); ok && b.Email == row.Identifier && b.Code != "" {
		// Signed in by link in the browser that asked: its code goes too.
		a.unstore(ctx, row.Identifier, []string{b.Code})
	}
	a.emailSignIn(w, rq, p, o, row.Identifier)
}

// emailCode checks a code against the binding cookie of this browser: at
// most email.CodeTries wrong codes per mail, then the code is burned.
func (a *Auth) emailCode(w http.ResponseWriter, rq *request, p EmailProvider, o email.Options, code string) {
	ctx := rq.r.Context()
	b, ok := a.readBinding(rq, p.ID())
	if !ok {
		a.emailFailed(ctx, rq, p, "", "code-no-binding")
		a.codeRefused(w, rq, p, o, http.StatusForbidden, "This code works only in the browser where you asked for it. Ask for a new sign-in email here.")
		return
	}
	key, remaining, ok := a.codeTry(ctx, b.Nonce, o.CodeMaxAge)
	if !ok {
		a.emailFailed(ctx, rq, p, b.Email, "code-burned")
		a.codeRefused(w, rq, p, o, http.StatusForbidden, "Too many wrong codes. Ask for a new sign-in email.")
		return
	}
	row, err := a.useToken(ctx, b.Email, a.email.codeHash(p.ID(), b.Nonce, code))
	if err != nil {
		a.codeTryBack(ctx, key)
		a.fail(w, rq, err)
		return
	}
	if row == nil {
		a.emailFailed(ctx, rq, p, b.Email, "code")
		msg := "That code is not right. Check the email and try again."
		if remaining == 0 {
			msg = "That code is not right, and it was the last try. Ask for a new sign-in email."
		}
		a.codeRefused(w, rq, p, o, http.StatusBadRequest, msg)
		return
	}
	if b.Link != "" {
		a.unstore(ctx, b.Email, []string{b.Link})
	}
	a.emailSignIn(w, rq, p, o, row.Identifier)
}

// validRow checks a used token: there, not expired, for the identifier
// and the token asked for (compared in constant time, whatever the
// adapter's collation matched).
func (a *Auth) validRow(row *adapter.VerificationToken, identifier, token string) bool {
	if row == nil || !row.Expires.After(a.now()) {
		return false
	}
	id := subtle.ConstantTimeCompare([]byte(row.Identifier), []byte(identifier))
	tok := subtle.ConstantTimeCompare([]byte(row.Token), []byte(token))
	return id&tok == 1
}

// codeRefused answers a refused code: JSON clients get the Verification
// error URL, browsers the verify-request page with the sentence.
func (a *Auth) codeRefused(w http.ResponseWriter, rq *request, p EmailProvider, o email.Options, status int, msg string) {
	if wantsJSON(rq.r) {
		a.fail(w, rq, errorf(Verification, "code refused"))
		return
	}
	a.renderVerifyRequest(w, rq, status, p, msg)
}

// emailFailed logs and tells Events.SignInFailure of a failed link or code.
func (a *Auth) emailFailed(ctx context.Context, rq *request, p EmailProvider, identifier, code string) {
	a.signInFailed(ctx, SignInFailureEvent{Provider: p.ID(), ClientIP: a.clientIP(rq.r), IdentifierHash: a.signIns.identifierHash(identifier), Type: Verification, Code: code})
}

// emailSignIn signs in the owner of identifier, who just proved it, as
// Auth.js's handleLoginOrRegister does for email: the user found by email
// gets emailVerified set, an unknown one is created (unless DisableSignUp),
// no account row is linked; then the session is issued.
func (a *Auth) emailSignIn(w http.ResponseWriter, rq *request, p EmailProvider, o email.Options, identifier string) {
	ctx := rq.r.Context()
	a.clearBinding(w, rq)
	in, to, err := a.emailUser(ctx, rq, p, o, identifier)
	if err == nil && to == "" {
		in.methods, in.provider = []string{amr.Email}, p.ID()
		to, err = a.issueSession(ctx, w, rq, in)
	}
	if err != nil {
		e := asError(err, CallbackRouteError)
		a.signInFailed(ctx, SignInFailureEvent{Provider: p.ID(), ClientIP: a.clientIP(rq.r), IdentifierHash: a.signIns.identifierHash(identifier), Type: e.Type, Code: e.Code})
		a.fail(w, rq, err)
		return
	}
	if to != "" {
		redirect(w, rq.r, to)
		return
	}
	idHash := a.signIns.identifierHash(identifier)
	a.signInSucceeded(ctx, p.ID(), a.clientIP(rq.r), idHash)
	emit(ctx, a.log, "signIn", a.cfg.Events.SignIn, SignInEvent{User: in.user, Account: in.account, IsNewUser: in.isNewUser, ClientIP: a.clientIP(rq.r), IdentifierHash: idHash})
	target := a.callbackURL(rq)
	if in.isNewUser && a.cfg.Pages.NewUser != "" {
		target = withQuery(a.pageURL(rq, a.cfg.Pages.NewUser, ""), "callbackUrl", target)
	}
	redirect(w, rq.r, target)
}

// emailUser finds or creates the user of identifier and runs the SignIn
// callback; to is set when the callback redirects instead.
func (a *Auth) emailUser(ctx context.Context, rq *request, p EmailProvider, o email.Options, identifier string) (in signedIn, to string, err error) {
	ad := a.cfg.Adapter
	user, err := ad.GetUserByEmail(ctx, identifier)
	if err != nil {
		return in, "", adapterFailure(err)
	}
	candidate := user
	if candidate == nil {
		if o.DisableSignUp {
			return in, "", errorf(AccessDenied, "no user has this address and sign-up is disabled")
		}
		candidate = &User{ID: uuid.New(), Email: identifier}
	}
	acct := &Account{Type: TypeEmail, Provider: p.ID(), ProviderAccountID: identifier, UserID: candidate.ID}
	if to, err := a.runSignIn(ctx, rq, SignInParams{User: candidate, Account: acct, Email: &email.SignInParams{}, Request: rq.r}); err != nil || to != "" {
		return in, to, err
	}
	now := a.now().UTC()
	if user != nil {
		if err := a.claimUnverified(ctx, user); err != nil {
			return in, "", err
		}
		u := *user
		u.EmailVerified = &now
		updated, err := ad.UpdateUser(ctx, u)
		if err != nil || updated == nil {
			return in, "", adapterFailure(errors.Join(err, errors.New("the user went away while signing in")))
		}
		emit(ctx, a.log, "updateUser", a.cfg.Events.UpdateUser, updated)
		acct.UserID = updated.ID
		return signedIn{user: updated, account: acct}, "", a.dropOtherSession(ctx, rq, updated.ID)
	}
	created, err := ad.CreateUser(ctx, User{Email: identifier, EmailVerified: &now})
	if err != nil {
		return in, "", adapterFailure(err)
	}
	emit(ctx, a.log, "createUser", a.cfg.Events.CreateUser, created)
	acct.UserID = created.ID
	return signedIn{user: created, account: acct, isNewUser: true}, "", a.dropOtherSession(ctx, rq, created.ID)
}

// dropOtherSession deletes the database session of another user that this
// browser holds, as Auth.js does before an email sign-in replaces it.
func (a *Auth) dropOtherSession(ctx context.Context, rq *request, userID string) error {
	if a.cfg.Session.Strategy != StrategyDatabase {
		return nil
	}
	token := cookie.Value(rq.r, rq.cookies.SessionToken.Name)
	if token == "" || len(token) > 512 {
		return nil
	}
	row, err := a.cfg.Adapter.GetSession(ctx, token)
	if err != nil {
		return adapterFailure(err)
	}
	if row != nil && row.UserID != userID {
		a.sessionCache.forget(token)
		if _, err := a.cfg.Adapter.DeleteSession(ctx, token); err != nil {
			return adapterFailure(err)
		}
	}
	return nil
}

// renderEmailConfirm answers the GET of a link: a page with the address and
// one button whose POST signs in. It consumes nothing.
func (a *Auth) renderEmailConfirm(w http.ResponseWriter, rq *request, p EmailProvider, in emailCallback) {
	b, ok := a.readBinding(rq, p.ID())
	d := pages.EmailConfirm{
		Theme: a.theme(), Action: rq.actionURL(a, "callback/"+p.ID()), CSRFToken: a.csrfToken(w, rq),
		CallbackURL: callbackURLParam(rq), Token: in.token, Email: in.email,
		OtherBrowser: !ok || b.Email != in.email,
		CodesOffered: mailsCode(a.email.opts[p.ID()]),
	}
	if err := pages.RenderEmailConfirm(w, http.StatusOK, d); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render email confirmation page", "err", err)
	}
}

// renderVerifyRequest draws the "check your email" page, with the code form
// when the provider mails codes; msg is an error sentence or "".
func (a *Auth) renderVerifyRequest(w http.ResponseWriter, rq *request, status int, p Provider, msg string) {
	d := pages.VerifyRequest{Theme: a.theme(), Host: hostOf(rq.origin), HomeURL: rq.origin, Error: msg}
	if ep, ok := p.(EmailProvider); ok {
		o := a.email.opts[ep.ID()]
		d.CodesOnly = !mailsLink(o)
		if mailsCode(o) {
			d.CodeAction = rq.actionURL(a, "callback/"+ep.ID())
			d.CSRFToken = a.csrfToken(w, rq)
			d.CodeLength = o.CodeLength
			d.CallbackURL = callbackCookie(rq)
		}
	}
	if err := pages.RenderVerifyRequest(w, status, d); err != nil {
		a.log.ErrorContext(rq.r.Context(), "authgo: render verify-request page", "err", err)
	}
}

// verifyRequestProvider returns the email provider named by the
// verify-request page's ?provider=, or nil.
func (a *Auth) verifyRequestProvider(rq *request) Provider {
	p, ok := a.providers[rq.r.URL.Query().Get("provider")]
	if !ok {
		return nil
	}
	return p
}
