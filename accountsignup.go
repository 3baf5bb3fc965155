package authgo

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/password"
)

// maxNameRunes bounds a display name.
const maxNameRunes = 100

func badInput(code, msg string, fields map[string]string) *account.Error {
	return &account.Error{Status: http.StatusBadRequest, Code: code, Message: msg, Fields: fields}
}

// accountAnswer answers the outcome of a step: next and msg on success, the
// refusal of an *account.Error, or the failure of any other error.
func (a *Auth) accountAnswer(w http.ResponseWriter, rq *request, next, msg string, err error) {
	var ie *account.Error
	switch {
	case err == nil:
		a.accountOK(w, rq, next, msg)
	case errors.As(err, &ie):
		a.accountRefuse(w, rq, ie.Status, ie.Code, ie.Message, ie.Fields)
	default:
		a.accountFailed(w, rq, err)
	}
}

// handleSignUp is POST <base>/account/signup.
func (a *Auth) handleSignUp(w http.ResponseWriter, rq *request) {
	in := account.SignUpInput{Email: rq.form.get("email"), Password: rq.form.get("password"), Name: rq.form.get("name")}
	err := a.signUp(w, rq, in)
	a.accountAnswer(w, rq, a.checkEmailURL(rq), checkEmailSentence, err)
}

const checkEmailSentence = "Check your email: we sent a message to the address you entered."

// checkEmailURL is the "check your email" page, keeping the callbackUrl.
func (a *Auth) checkEmailURL(rq *request) string {
	return withQuery(rq.actionURL(a, "account/check-email"), "callbackUrl", a.callbackURL(rq))
}

// cleanName checks a display name: trimmed, at most maxNameRunes
// characters, no control characters.
func cleanName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxNameRunes {
		return "", false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", false
		}
	}
	return s, true
}

// newPassword checks a new password against the policy and hashes it.
// field names the form field for the refusal.
func (a *Auth) newPassword(ctx context.Context, pw, field string) (string, error) {
	st := a.accounts
	err := st.o.Policy.Check(ctx, pw)
	var be *password.BreachCheckError
	if errors.As(err, &be) {
		a.log.WarnContext(ctx, "authgo: breached-password check failed", "err", be.Err.Error(), "accepted", password.Acceptable(err))
	}
	if !password.Acceptable(err) {
		return "", badInput("weak_password", "Choose another password.", map[string]string{field: passwordProblem(err, defaultIf(st.o.Policy.MinLength, password.DefaultMinLength))})
	}
	h, err := st.o.Hasher.Hash(pw)
	if err != nil {
		if busy(err) {
			return "", &Error{Type: Unavailable, Err: err}
		}
		return "", badInput("weak_password", "Choose another password.", map[string]string{field: passwordProblem(err, defaultIf(st.o.Policy.MinLength, password.DefaultMinLength))})
	}
	return h, nil
}

// passwordProblem is the sentence for a refused password.
func passwordProblem(err error, minLen int) string {
	switch {
	case errors.Is(err, password.ErrTooShort):
		return "Use at least " + strconv.Itoa(minLen) + " characters."
	case errors.Is(err, password.ErrTooLong), errors.Is(err, password.ErrPasswordTooLong):
		return "This password is too long."
	case errors.Is(err, password.ErrBreached):
		return "This password is known from a data breach; choose another."
	}
	return "This password cannot be used (it has characters that are not allowed)."
}

func defaultIf(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// signUp creates the account of in (and mails the link and code to verify
// the address), or, when the address has an account, mails its owner that
// someone tried: the client's answer is the same either way.
func (a *Auth) signUp(w http.ResponseWriter, rq *request, in account.SignUpInput) error {
	ctx := rq.r.Context()
	st := a.accounts
	addr, err := a.typedAddress(in.Email)
	if err != nil {
		return err
	}
	name, ok := cleanName(in.Name)
	if !ok {
		return badInput("invalid_name", "Check your name.", map[string]string{"name": "Use at most 100 characters, no control characters."})
	}
	pw := password.Normalize(in.Password)
	if len(pw) > password.MaxLength {
		return badInput("weak_password", "Choose another password.", map[string]string{"password": "This password is too long."})
	}
	att, err := a.reserveAttempt(rq.r, "account-mail", st.id, addr, sendLimits(st.o.SendLimits))
	if err != nil {
		return err
	}
	hash, err := a.newPassword(ctx, pw, "password")
	if err != nil {
		return err
	}
	existing, err := a.cfg.Adapter.GetUserByEmail(ctx, addr)
	if err != nil {
		att.refund(ctx)
		return adapterFailure(err)
	}
	var bind emailBinding
	if existing == nil {
		bind, err = a.createAccount(ctx, rq, addr, name, hash)
	}
	if existing != nil || errors.Is(err, adapter.ErrDuplicate) {
		bind, err = a.signUpTaken(ctx, rq, addr)
	}
	if err != nil {
		att.refund(ctx)
		return err
	}
	return a.writeBinding(w, rq, verifyBindingOptions(st), bind)
}

// sendLimits are the attempt limits of account mail.
func sendLimits(l email.SendLimits) attemptLimits {
	return attemptLimits{ip: l.PerIP, pair: l.PerEmailClient, id: l.PerEmail}
}

// createAccount creates the user and its password at once and mails the
// verification; when the mail cannot be sent the user is deleted again.
func (a *Auth) createAccount(ctx context.Context, rq *request, addr, name, hash string) (emailBinding, error) {
	u, err := a.accounts.store.CreateUserWithPassword(ctx, User{Email: addr, Name: name}, hash)
	if err != nil {
		if errors.Is(err, adapter.ErrDuplicate) {
			return emailBinding{}, err
		}
		return emailBinding{}, adapterFailure(err)
	}
	bind, err := a.mailVerification(ctx, rq, u)
	if err != nil {
		if derr := a.cfg.Adapter.DeleteUser(context.WithoutCancel(ctx), u.ID); derr != nil {
			a.log.ErrorContext(ctx, "authgo: removing the account of a failed sign-up failed", "err", derr.Error())
		}
		return bind, err
	}
	emit(ctx, a.log, "createUser", a.cfg.Events.CreateUser, u)
	return bind, nil
}

// signUpTaken mails the owner of addr that someone tried to sign up with
// it, and returns a binding cookie like a real one.
func (a *Auth) signUpTaken(ctx context.Context, rq *request, addr string) (emailBinding, error) {
	host := hostOf(rq.origin)
	c := email.SignUpAttempt(host, a.pageURL(rq, a.cfg.Pages.SignIn, "signin"), rq.actionURL(a, "account/forgot-password"))
	if err := a.sendAccountMail(ctx, rq, addr, c); err != nil {
		return emailBinding{}, err
	}
	a.log.InfoContext(ctx, "authgo: sign-up with an address that has an account; its owner was told", "identifier_hash", a.signIns.identifierHash(addr))
	return emailBinding{Provider: a.accounts.id + "/verify", Email: addr, Nonce: randomToken(), Link: randomToken(), Code: randomToken()}, nil
}

// sendAccountMail sends c to addr through the provider's Sender; a failure
// is logged without the address and is Unavailable.
func (a *Auth) sendAccountMail(ctx context.Context, rq *request, addr string, c email.Content) error {
	st := a.accounts
	m, err := c.Message(st.o.From, addr, st.theme)
	if err == nil {
		err = st.o.Sender.Send(ctx, m)
	}
	if err != nil {
		a.logSendFailure(ctx, rq, "account mail", st.id, addr, err)
		return &Error{Type: Unavailable, Err: errors.New("the account mail could not be sent")}
	}
	return nil
}

// verifyBindingOptions are the lifetimes of the verification binding
// cookie.
func verifyBindingOptions(st *accountState) email.Options {
	return email.Options{MaxAge: st.o.VerifyMaxAge, CodeMaxAge: min(email.MaxCodeAge, st.o.VerifyMaxAge)}
}
