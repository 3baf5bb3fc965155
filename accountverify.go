package authgo

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/authgo/authgo/internal/emailaddr"

	"github.com/authgo/authgo/email"
)

// Token purposes; each is part of the stored hash and of the identifier.
const (
	purposeVerify      = "verify-email"
	purposeReset       = "reset-password"
	purposeChangeEmail = "change-email"
)

// tokenSecret is the secret hashed with account tokens.
func (a *Auth) tokenSecret() string { return strings.Join(a.cfg.Secret, ",") }

// mailVerification stores a link token and a code for u's address and
// mails them. It returns the binding cookie for the browser that asked.
// On failure nothing stays stored.
func (a *Auth) mailVerification(ctx context.Context, rq *request, u *User) (emailBinding, error) {
	st := a.accounts
	now := a.now()
	id := purposeVerify + ":" + u.Email
	tok, code := randomToken(), newEmailCode(email.DefaultCodeLength)
	b := emailBinding{Provider: st.id + "/verify", Email: u.Email, Nonce: randomToken()}
	b.Link = purposeToken(purposeVerify, u.Email, tok, a.tokenSecret())
	b.Code = a.email.codeHash(b.Provider, b.Nonce, code)
	codeAge := min(email.MaxCodeAge, st.o.VerifyMaxAge)
	if err := a.storeToken(ctx, id, b.Link, now.Add(st.o.VerifyMaxAge)); err != nil {
		return b, err
	}
	if err := a.storeToken(ctx, id, b.Code, now.Add(codeAge)); err != nil {
		a.unstore(ctx, id, []string{b.Link})
		return b, err
	}
	link := withQuery(rq.actionURL(a, "account/verify-email"), "callbackUrl", a.callbackURL(rq), "token", tok, "email", u.Email)
	if err := a.sendAccountMail(ctx, rq, u.Email, email.VerifyEmail(hostOf(rq.origin), link, code, st.o.VerifyMaxAge)); err != nil {
		a.unstore(ctx, id, []string{b.Link, b.Code})
		return b, err
	}
	return b, nil
}

// handleVerifyEmail is POST <base>/account/verify-email: the button of the
// link's page (token, email) or the code form (code, with the binding
// cookie of the browser that signed up). The address is marked verified
// and the user signed in.
func (a *Auth) handleVerifyEmail(w http.ResponseWriter, rq *request) {
	ctx := rq.r.Context()
	addr, err := a.useVerification(w, rq)
	if err == nil {
		var next string
		next, err = a.verified(ctx, w, rq, addr)
		if err == nil {
			a.accountOK(w, rq, next, "Your email is verified.")
			return
		}
	}
	a.accountAnswer(w, rq, "", "", err)
}

var errBadLink = badInput("invalid_token", "This link is invalid, expired or was already used. Sign in, or ask for a new email.", nil)

// useVerification consumes the link's token or the code and returns the
// address it verifies; both the link and the code of that mail go.
func (a *Auth) useVerification(w http.ResponseWriter, rq *request) (string, error) {
	ctx := rq.r.Context()
	st := a.accounts
	if c := rq.form.get("code"); c != "" {
		in, err := parseEmailCallback(rq.form.get, email.DefaultCodeLength)
		b, ok := a.readBinding(rq, st.id+"/verify")
		if err != nil || !ok {
			return "", badInput("invalid_code", "That code is not right here. Open the link in the email, or enter the code in the browser where you signed up.", map[string]string{"code": "Enter the 6-digit code from the email."})
		}
		key, remaining, ok := a.codeTry(ctx, b.Nonce, email.MaxCodeAge)
		if !ok {
			return "", badInput("code_burned", "Too many wrong codes. Ask for a new email.", nil)
		}
		row, err := a.useToken(ctx, purposeVerify+":"+b.Email, a.email.codeHash(b.Provider, b.Nonce, in.code))
		if err != nil {
			a.codeTryBack(ctx, key)
			return "", err
		}
		if row == nil {
			msg := "That code is not right. Check the email and try again."
			if remaining == 0 {
				msg = "That code is not right, and it was the last try. Ask for a new email."
			}
			return "", badInput("invalid_code", msg, map[string]string{"code": msg})
		}
		a.unstore(ctx, row.Identifier, []string{b.Link})
		a.clearBinding(w, rq)
		return b.Email, nil
	}
	tok, addr := rq.form.get("token"), rq.form.get("email")
	if !validLinkToken(tok) || addr == "" || len(addr) > emailaddr.MaxBytes {
		return "", errBadLink
	}
	att, err := a.beginTokenUse(rq)
	if err != nil {
		return "", err
	}
	row, err := a.useToken(ctx, purposeVerify+":"+addr, purposeToken(purposeVerify, addr, tok, a.tokenSecret()))
	if err != nil || row == nil {
		return "", errors.Join(err, errBadLink)
	}
	att.refund(ctx)
	if b, ok := a.readBinding(rq, st.id+"/verify"); ok && b.Email == addr {
		a.unstore(ctx, row.Identifier, []string{b.Code})
		a.clearBinding(w, rq)
	}
	return addr, nil
}

// verified marks addr's user verified and signs them in.
func (a *Auth) verified(ctx context.Context, w http.ResponseWriter, rq *request, addr string) (string, error) {
	u, err := a.cfg.Adapter.GetUserByEmail(ctx, addr)
	if err != nil {
		return "", adapterFailure(err)
	}
	if u == nil {
		return "", badInput("no_account", "This account no longer exists.", nil)
	}
	if u.EmailVerified == nil {
		now := a.now().UTC()
		c := *u
		c.EmailVerified = &now
		if u, err = a.cfg.Adapter.UpdateUser(ctx, c); err != nil || u == nil {
			return "", adapterFailure(errors.Join(err, errors.New("the user went away while verifying")))
		}
		a.sessionCache.forgetUser(u.ID)
		emit(ctx, a.log, "updateUser", a.cfg.Events.UpdateUser, u)
	}
	return a.accountSignIn(ctx, w, rq, u, false)
}

// handleResendVerification is POST <base>/account/resend-verification:
// a new link and code for an unverified address; the same answer, after
// about the same time, for any other address.
func (a *Auth) handleResendVerification(w http.ResponseWriter, rq *request) {
	err := a.resendVerification(w, rq, rq.form.get("email"))
	a.accountAnswer(w, rq, a.checkEmailURL(rq), checkEmailSentence, err)
}

func (a *Auth) resendVerification(w http.ResponseWriter, rq *request, typed string) error {
	ctx := rq.r.Context()
	st := a.accounts
	m, err := a.beginMailRequest(rq, typed)
	if err != nil {
		return err
	}
	addr, u, att, start := m.addr, m.user, m.att, m.start
	b := emailBinding{Provider: st.id + "/verify", Email: addr, Nonce: randomToken(), Link: randomToken(), Code: randomToken()}
	if u != nil && u.EmailVerified == nil {
		if b, err = a.mailVerification(ctx, rq, u); err != nil {
			att.refund(ctx)
			return err
		}
		st.resends.record(time.Since(start))
	} else {
		st.resends.waitLike(ctx, start)
	}
	return a.writeBinding(w, rq, verifyBindingOptions(st), b)
}
