package authgo

import (
	"context"
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/authgo/authgo/internal/emailaddr"

	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/uuid"
)

// emailSend is POST /signin/<id> of an email provider: send the mail and
// go to the verify-request page.
func (a *Auth) emailSend(w http.ResponseWriter, rq *request, p EmailProvider) {
	to, err := a.sendSignInMail(w, rq, p, rq.form.get("email"))
	if err != nil {
		a.sendFailed(w, rq, err)
		return
	}
	redirect(w, rq.r, to)
}

// errNotOneAddress is the EmailSignin error for what NormalizeIdentifier
// refuses.
func errNotOneAddress() *Error {
	return &Error{Type: EmailSignin, Err: errors.New("not one plain email address"), signInLogged: true,
		Fields: map[string]string{"email": "Enter one email address, like name@example.com."}}
}

// sendSignInMail checks the typed address, reserves a send, asks the SignIn
// callback, stores the token and code, sends the mail and sets the binding
// cookie on w. It returns where the browser goes next: the verify-request
// page (for a refused address too), or the SignIn callback's URL.
func (a *Auth) sendSignInMail(w http.ResponseWriter, rq *request, p EmailProvider, typed string) (string, error) {
	ctx := rq.r.Context()
	o := a.email.opts[p.ID()]
	identifier, err := o.NormalizeIdentifier(typed)
	if err != nil || len(identifier) > emailaddr.MaxBytes {
		a.log.InfoContext(ctx, "authgo: email sign-in refused an address that is not one plain address", "provider", p.ID(), "client_ip", ipString(a.clientIP(rq.r)))
		return "", errNotOneAddress()
	}
	l := o.SendLimits
	att, err := a.reserveAttempt(rq.r, "email-send", p.ID(), identifier, attemptLimits{ip: l.PerIP, pair: l.PerEmailClient, id: l.PerEmail})
	if err != nil {
		return "", err
	}
	send, to, err := a.emailAllowed(ctx, rq, p, o, identifier)
	switch {
	case err != nil:
		att.refund(ctx)
		return "", err
	case to != "":
		return to, nil
	}
	start := time.Now()
	var bind emailBinding
	if send {
		if bind, err = a.storeAndSend(ctx, rq, p, o, identifier); err != nil {
			att.refund(ctx)
			return "", err
		}
		a.email.sends.record(time.Since(start))
	} else {
		// The same answer, after about the time a send takes.
		bind = emailBinding{Provider: p.ID(), Email: identifier, Nonce: randomToken()}
		if mailsLink(o) {
			bind.Link = randomToken()
		}
		if mailsCode(o) {
			bind.Code = randomToken()
		}
		a.email.sends.waitLike(ctx, start)
	}
	if err := a.writeBinding(w, rq, o, bind); err != nil {
		return "", err
	}
	return withQuery(rq.actionURL(a, "verify-request"), "provider", p.ID(), "type", TypeEmail), nil
}

// errMailNotSent is storeAndSend's error when the mail server did not take
// the mail.
var errMailNotSent = errors.New("the sign-in mail could not be sent")

// sendFailed answers a send that did not happen. An address that is not
// one goes back to the sign-in page (?error=EmailSignin), as in Auth.js. A
// mail the server did not take is 503 with Retry-After: a browser on the
// built-in pages gets the sign-in page again saying so, a JSON client
// {"error": "EmailSignin"} (and the sign-in page's URL in "url" for
// next-auth/react), any other browser the Unavailable error page.
func (a *Auth) sendFailed(w http.ResponseWriter, rq *request, err error) {
	e := asError(err, Unavailable)
	if e.Type != Unavailable || !errors.Is(err, errMailNotSent) {
		a.fail(w, rq, err)
		return
	}
	// logSendFailure has logged it, with the step.
	w.Header().Set("Retry-After", "30")
	switch {
	case wantsJSON(rq.r):
		writeJSON(w, http.StatusServiceUnavailable, a.jsonFailure(rq, EmailSignin, nil))
	case a.cfg.Pages.SignIn == "":
		a.renderSignInPage(w, rq, http.StatusServiceUnavailable, signInPageState{notice: "The sign-in email could not be sent. Try again in a few minutes."})
	default:
		a.renderError(w, rq, http.StatusServiceUnavailable, string(Unavailable))
	}
}

// emailAllowed decides whether identifier gets mail: an unknown address
// with DisableSignUp, or one the SignIn callback refuses, gets none (and a
// log line naming it by hash). A URL from the callback is where to go
// instead, as in Auth.js.
func (a *Auth) emailAllowed(ctx context.Context, rq *request, p EmailProvider, o email.Options, identifier string) (send bool, to string, err error) {
	user, err := a.cfg.Adapter.GetUserByEmail(ctx, identifier)
	if err != nil {
		return false, "", adapterFailure(err)
	}
	reason := ""
	if user == nil {
		if o.DisableSignUp {
			reason = "no user with this address and sign-up is disabled"
		}
		user = &User{ID: uuid.New(), Email: identifier}
	}
	if reason == "" {
		acct := &Account{Type: TypeEmail, Provider: p.ID(), ProviderAccountID: identifier, UserID: user.ID}
		to, err = a.runSignIn(ctx, rq, SignInParams{User: user, Account: acct, Email: &email.SignInParams{VerificationRequest: true}, Request: rq.r})
		switch {
		case err != nil:
			reason = "the SignIn callback refused the address: " + err.Error()
		case to != "":
			return false, to, nil
		}
	}
	if reason != "" {
		a.log.WarnContext(ctx, "authgo: email sign-in refused; no mail sent, the client is answered as for any address",
			"provider", p.ID(), "client_ip", ipString(a.clientIP(rq.r)), "identifier_hash", a.signIns.identifierHash(identifier), "reason", reason)
		return false, "", nil
	}
	return true, "", nil
}

// storeAndSend stores the link token and the code and sends the mail. When
// the send fails, what was stored is removed again and the error is
// Unavailable (503, "try later").
func (a *Auth) storeAndSend(ctx context.Context, rq *request, p EmailProvider, o email.Options, identifier string) (emailBinding, error) {
	now := a.now()
	b := emailBinding{Provider: p.ID(), Email: identifier, Nonce: randomToken()}
	v := email.VerificationRequest{Identifier: identifier, Provider: p.ID(), Host: hostOf(rq.origin), From: o.From, Theme: *o.Theme, Request: rq.r}
	var stored []string
	if mailsLink(o) {
		tok, err := o.GenerateVerificationToken()
		if err != nil || !validLinkToken(tok) {
			return b, errorf(Configuration, "GenerateVerificationToken of provider %q made no usable token (1 to 512 printable ASCII characters): %v", p.ID(), err)
		}
		v.Token, v.Expires = tok, now.Add(o.MaxAge)
		v.URL = withQuery(rq.actionURL(a, "callback/"+p.ID()), "callbackUrl", a.callbackURL(rq), "token", tok, "email", identifier)
		b.Link = storedVerificationToken(tok, o.Secret)
		stored = append(stored, b.Link)
	}
	if mailsCode(o) {
		v.Code, v.CodeExpires = newEmailCode(o.CodeLength), now.Add(o.CodeMaxAge)
		b.Code = a.email.codeHash(p.ID(), b.Nonce, v.Code)
		stored = append(stored, b.Code)
	}
	for i, tok := range stored {
		expires := v.Expires
		if i == len(stored)-1 && mailsCode(o) {
			expires = v.CodeExpires
		}
		if err := a.storeToken(ctx, identifier, tok, expires); err != nil {
			a.unstore(ctx, identifier, stored[:i])
			return b, err
		}
	}
	if err := a.sendVerification(ctx, o, v); err != nil {
		a.unstore(ctx, identifier, stored)
		a.logSendFailure(ctx, rq, "sign-in mail", p.ID(), identifier, err)
		return b, &Error{Type: Unavailable, Err: errMailNotSent}
	}
	return b, nil
}

// sendVerification sends the mail: the provider's own function, or the
// built-in mail through Sender.
func (a *Auth) sendVerification(ctx context.Context, o email.Options, v email.VerificationRequest) error {
	if o.SendVerificationRequest != nil {
		return o.SendVerificationRequest(ctx, v)
	}
	s := email.SignIn{Host: v.Host, URL: v.URL, Code: v.Code}
	if v.URL != "" {
		s.ExpiresIn = v.Expires.Sub(a.now()).Round(time.Minute)
	}
	if v.Code != "" {
		s.CodeExpiresIn = v.CodeExpires.Sub(a.now()).Round(time.Minute)
	}
	m, err := s.Message(v.From, v.Identifier, v.Theme)
	if err != nil {
		return err
	}
	return o.Sender.Send(ctx, m)
}

// logSendFailure logs a failed send without the address, link or code: a
// *email.SendError logs its safe attributes, any other error only its type.
func (a *Auth) logSendFailure(ctx context.Context, rq *request, what, provider, identifier string, err error) {
	attrs := []any{"provider", provider, "client_ip", ipString(a.clientIP(rq.r)), "identifier_hash", a.signIns.identifierHash(identifier)}
	var se *email.SendError
	if errors.As(err, &se) {
		attrs = append(attrs, "send", se)
	} else {
		attrs = append(attrs, "error_type", fmt.Sprintf("%T", err))
	}
	a.log.ErrorContext(ctx, "authgo: "+what+" could not be sent; nothing was kept, the client may retry", attrs...)
}

// unstore removes tokens stored for a send that failed, so nothing is left
// half done.
func (a *Auth) unstore(ctx context.Context, identifier string, tokens []string) {
	ctx = context.WithoutCancel(ctx)
	for _, t := range tokens {
		if _, err := a.cfg.Adapter.UseVerificationToken(ctx, identifier, t); err != nil {
			a.log.ErrorContext(ctx, "authgo: removing the token of a failed send failed", "err", err)
		}
	}
}

// newEmailCode returns n uniformly random decimal digits.
func newEmailCode(n int) string {
	b := make([]byte, 0, n)
	var buf [32]byte
	for len(b) < n {
		_, _ = cryptoRead(buf[:])
		for _, c := range buf {
			if c < 250 && len(b) < n { // 250 = 25×10: no modulo bias
				b = append(b, '0'+c%10)
			}
		}
	}
	return string(b)
}

var cryptoRead = crand.Read

// codeHash is what is stored for a code: HMAC-SHA-256 of the provider, the
// browser's nonce and the code, so a code counts only with the binding
// cookie of the browser that asked.
func (s *emailState) codeHash(provider, nonce, code string) string {
	m := hmac.New(sha256.New, s.codeKey)
	m.Write([]byte("code\x00" + provider + "\x00" + nonce + "\x00" + code))
	return hex.EncodeToString(m.Sum(nil))
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// validLinkToken accepts 1 to 512 printable ASCII characters.
func validLinkToken(t string) bool {
	if t == "" || len(t) > 512 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] <= ' ' || t[i] >= 0x7f {
			return false
		}
	}
	return true
}

// emailBinding is the content of the binding cookie: the browser that
// asked for a mail.
type emailBinding struct {
	Provider string `json:"p"`
	Email    string `json:"e"`
	Nonce    string `json:"n"`
	// Link is the stored form of the link's token, so that signing in
	// with the code burns the link too.
	Link string `json:"l,omitempty"`
	// Code is the stored form of the code, so that signing in with the
	// link in this browser burns the code too.
	Code string `json:"c,omitempty"`
}

// bindingCookie returns the options of the binding cookie: HttpOnly,
// SameSite=Lax (a link opened from a mail client is a top-level
// navigation), sent only to the auth endpoints.
func (a *Auth) bindingCookie(rq *request, maxAge time.Duration) cookie.Options {
	o := rq.cookies.CallbackURL
	o.Name = "authgo.email-binding"
	if o.Secure {
		o.Name = "__Secure-" + o.Name
	}
	o.Path, o.MaxAge = a.cfg.BasePath, maxAge
	return o
}

// writeBinding sets the binding cookie, encrypted as the session is.
func (a *Auth) writeBinding(w http.ResponseWriter, rq *request, o email.Options, b emailBinding) error {
	age := o.MaxAge
	if !mailsLink(o) {
		age = o.CodeMaxAge
	}
	c := a.bindingCookie(rq, age)
	v, err := a.codec.Encode(b, c.Name, age)
	if err != nil {
		return errorf(Configuration, "encode binding cookie: %w", err)
	}
	cookie.Write(w, c.Cookie(v, time.Time{}))
	return nil
}

// readBinding returns the binding cookie of rq for provider, if valid.
func (a *Auth) readBinding(rq *request, provider string) (emailBinding, bool) {
	c := a.bindingCookie(rq, 0)
	raw := cookie.Value(rq.r, c.Name)
	var b emailBinding
	if raw == "" || len(raw) > 4096 || a.codec.DecodeInto(raw, c.Name, &b) != nil || b.Provider != provider || b.Nonce == "" {
		return emailBinding{}, false
	}
	return b, true
}

// clearBinding deletes the binding cookie.
func (a *Auth) clearBinding(w http.ResponseWriter, rq *request) {
	c := a.bindingCookie(rq, 0)
	if cookie.Value(rq.r, c.Name) != "" {
		cookie.Write(w, c.Expired(c.Name))
	}
}
