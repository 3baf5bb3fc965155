package authgo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/webauthn"
)

// webauthnRegister finishes a registration: the new credential of the
// signed-in user the ceremony was begun for, or of a new user with the
// email address it was begun with. It stores the account and the
// authenticator row (and the new user), or nothing.
func (a *Auth) webauthnRegister(w http.ResponseWriter, rq *request, p webauthn.Provider, data []byte) (signedIn, error) {
	ctx := rq.r.Context()
	c, err := a.takeChallenge(ctx, w, rq, p, "register")
	if err != nil {
		return signedIn{}, err
	}
	cred, err := p.FinishRegistration(ctx, relyingParty(rq), c.State, data)
	if err != nil {
		return signedIn{}, refusedCeremony(err)
	}
	auth := cred.Authenticator
	auth.CreatedAt = a.now().UTC()
	acct := &Account{Type: TypeWebAuthn, Provider: p.ID(), ProviderAccountID: auth.CredentialID}
	in := signedIn{account: acct}
	ad := a.cfg.Adapter
	if c.UserID != "" {
		current, err := a.currentUser(ctx, rq)
		if err != nil {
			return in, err
		}
		if current == nil || current.ID != c.UserID {
			return in, &Error{Type: AccessDenied, Code: "session", Err: errors.New("the registration was begun by another session")}
		}
		in.user = current
	} else {
		in.user = &User{Email: c.Email}
	}
	if to, err := a.runSignIn(ctx, rq, SignInParams{User: in.user, Account: acct, Request: rq.r}); err != nil || to != "" {
		if err == nil {
			err = &Error{Type: AccessDenied, Code: "redirected", Err: errors.New("the SignIn callback redirected")}
		}
		return in, err
	}
	if c.UserID != "" {
		acct.UserID = in.user.ID
		if err := ad.LinkAccount(ctx, *acct); err != nil {
			return in, registrationStoreError(err)
		}
		auth.UserID = in.user.ID
		if _, err := ad.CreateAuthenticator(ctx, auth); err != nil {
			if uerr := ad.UnlinkAccount(ctx, acct.Provider, acct.ProviderAccountID); uerr != nil {
				a.log.ErrorContext(ctx, "authgo: removing the account of a passkey that could not be stored failed", "provider", p.ID(), "err", uerr)
			}
			return in, registrationStoreError(err)
		}
		a.linkAccountEvent(ctx, in.user, acct, nil)
		return in, nil
	}
	return a.webauthnSignUp(ctx, p, in, auth)
}

// webauthnSignUp creates the user of a registration begun without a
// session, with its account and authenticator, or nothing. An address that
// belongs to a user is AccountNotLinked, as Auth.js names it: that user
// signs in another way and adds the passkey then.
func (a *Auth) webauthnSignUp(ctx context.Context, p webauthn.Provider, in signedIn, auth adapter.Authenticator) (signedIn, error) {
	ad := a.cfg.Adapter
	if !p.Settings().SignUp {
		return in, &Error{Type: AccessDenied, Code: "signup", Err: errors.New("sign-up by passkey is disabled")}
	}
	taken, err := ad.GetUserByEmail(ctx, in.user.Email)
	if err != nil {
		return in, &Error{Type: AdapterError, Err: err}
	}
	if taken != nil {
		return in, &Error{Type: AccountNotLinked, Err: errors.New("a user has this email address; they add a passkey when signed in")}
	}
	created, err := a.createOAuthUser(ctx, *in.user, in.account)
	if err != nil {
		if errors.Is(err, adapter.ErrDuplicate) {
			return in, &Error{Type: AccountNotLinked, Err: err}
		}
		return in, &Error{Type: AdapterError, Err: err}
	}
	auth.UserID = created.ID
	in.account.UserID = created.ID
	if _, err := ad.CreateAuthenticator(ctx, auth); err != nil {
		if derr := ad.DeleteUser(ctx, created.ID); derr != nil {
			a.log.ErrorContext(ctx, "authgo: removing a user whose passkey could not be stored failed", "provider", p.ID(), "err", derr)
		}
		return in, registrationStoreError(err)
	}
	in.user, in.isNewUser = created, true
	emit(ctx, a.log, "createUser", a.cfg.Events.CreateUser, created)
	a.linkAccountEvent(ctx, created, in.account, nil)
	return in, nil
}

// registrationStoreError is a failed write of a new credential: one stored
// already (a replayed registration) is refused, anything else is the
// store's failure.
func registrationStoreError(err error) error {
	if errors.Is(err, adapter.ErrDuplicate) {
		return &Error{Type: AccessDenied, Code: "duplicate", Err: err}
	}
	return &Error{Type: AdapterError, Err: err}
}

// webauthnAuthenticate finishes a sign-in with a stored passkey. The
// attempt is rate limited (per client, per credential) before the
// signature is checked.
//
// The attempt returned (nil when none was begun) is ended by the caller
// once the session is issued, or with the error.
func (a *Auth) webauthnAuthenticate(w http.ResponseWriter, rq *request, p webauthn.Provider, data []byte) (in signedIn, att *attempt, err error) {
	ctx := rq.r.Context()
	c, err := a.takeChallenge(ctx, w, rq, p, "authenticate")
	if err != nil {
		return signedIn{}, nil, err
	}
	if att, err = a.beginAttempt(rq.r, "signin", p.ID(), credentialIDOf(data)); err != nil {
		return signedIn{}, nil, err
	}
	in, err = a.verifyAssertion(ctx, rq, p, att, c, data)
	if err != nil {
		err = refusedCeremony(err)
	}
	return in, att, err
}

// verifyAssertion checks the assertion and finds its user.
func (a *Auth) verifyAssertion(ctx context.Context, rq *request, p webauthn.Provider, att *attempt, c challengePayload, data []byte) (signedIn, error) {
	ad := a.cfg.Adapter
	lookup := func(ctx context.Context, id []byte) (*adapter.Authenticator, error) {
		return ad.GetAuthenticator(ctx, base64.StdEncoding.EncodeToString(id))
	}
	as, err := p.FinishAuthentication(ctx, relyingParty(rq), c.State, data, lookup)
	if as != nil && as.CloneWarning {
		a.cloneWarning(ctx, rq, p, as, err != nil)
	}
	if err != nil {
		return signedIn{}, err
	}
	att.passed(ctx)
	row := as.Authenticator
	if err := a.recordPasskeyUse(ctx, row.CredentialID, as); err != nil {
		return signedIn{}, err
	}
	acct, err := ad.GetAccount(ctx, p.ID(), row.ProviderAccountID)
	if err != nil {
		return signedIn{}, &Error{Type: AdapterError, Err: err}
	}
	if acct == nil || acct.UserID != row.UserID {
		return signedIn{}, &Error{Type: AccessDenied, Code: "account", Err: errors.New("the passkey has no account of its user")}
	}
	user, err := ad.GetUser(ctx, acct.UserID)
	if err != nil || user == nil {
		return signedIn{}, &Error{Type: AdapterError, Err: fmt.Errorf("the passkey's user: %w", err)}
	}
	in := signedIn{user: user, account: acct}
	current, err := a.currentUser(ctx, rq)
	if err != nil {
		return in, err
	}
	if current != nil && current.ID != user.ID {
		return in, &Error{Type: AccountNotLinked, Err: errors.New("the passkey belongs to another user than the signed-in one")}
	}
	if to, err := a.runSignIn(ctx, rq, SignInParams{User: user, Account: acct, Request: rq.r}); err != nil || to != "" {
		if err == nil {
			err = &Error{Type: AccessDenied, Code: "redirected", Err: errors.New("the SignIn callback redirected")}
		}
		return in, err
	}
	return in, nil
}

// recordPasskeyUse stores the new counter, backup state and time of use.
func (a *Auth) recordPasskeyUse(ctx context.Context, credentialID string, as *webauthn.Assertion) error {
	var err error
	if m, ok := a.cfg.Adapter.(adapter.AuthenticatorManager); ok {
		_, err = m.UpdateAuthenticatorUse(ctx, credentialID, as.Counter, as.BackedUp, a.now())
	} else {
		_, err = a.cfg.Adapter.UpdateAuthenticatorCounter(ctx, credentialID, as.Counter)
	}
	if err != nil {
		return &Error{Type: AdapterError, Err: err}
	}
	return nil
}

// cloneWarning logs a counter that did not grow and tells
// Events.PasskeyCloneWarning.
func (a *Auth) cloneWarning(ctx context.Context, rq *request, p webauthn.Provider, as *webauthn.Assertion, refused bool) {
	row := as.Authenticator
	ev := account.PasskeyCloneEvent{Provider: p.ID(), UserID: row.UserID, CredentialID: row.CredentialID, StoredCounter: row.Counter, Counter: as.Counter,
		ClientIP: a.clientIP(rq.r), Refused: refused}
	a.log.WarnContext(ctx, "authgo: passkey signature counter did not grow; the credential may be cloned", "provider", p.ID(),
		"credential_hash", a.signIns.identifierHash(row.CredentialID), "stored_counter", row.Counter, "counter", as.Counter, "refused", refused)
	emit(ctx, a.log, "passkeyCloneWarning", a.cfg.Events.PasskeyCloneWarning, ev)
}

// credentialIDOf returns the id member of a credential response, for the
// rate limit and the logs (hashed); "" when there is none.
func credentialIDOf(data []byte) string {
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(data, &v) != nil || len(v.ID) > 1024 {
		return ""
	}
	if raw, err := base64.RawURLEncoding.DecodeString(v.ID); err == nil {
		return base64.StdEncoding.EncodeToString(raw)
	}
	return v.ID
}
