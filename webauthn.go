package authgo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/webauthn"
	"github.com/authgo/authgo/ratelimit"
)

// Passkeys (WebAuthn) on Auth.js's wire: GET webauthn-options/{provider}
// and POST callback/{provider} with action and data. The ceremonies are
// the provider's (the module github.com/authgo/authgo/passkey, through
// internal/webauthn); the challenge cookie, users, accounts, authenticator
// rows and the session are here.

// webauthnOptionsLimit bounds the ceremonies one client network may begin:
// each stores a challenge until it expires.
var webauthnOptionsLimit = ratelimit.Limit{Events: 60, Per: time.Minute}

// maxWebAuthnData bounds the data of a callback: a credential response with
// a "none" attestation is under 2 KB, one with a certificate chain under 16.
const maxWebAuthnData = 32 << 10

// challengePayload is the sealed content of the challenge cookie: the
// ceremony's state, the action it was begun for and, for a registration,
// whom it registers.
type challengePayload struct {
	Provider  string `json:"provider"`
	Action    string `json:"action"`
	Challenge string `json:"challenge"`
	State     []byte `json:"state"`
	UserID    string `json:"userId,omitempty"` // register: the signed-in user
	Email     string `json:"email,omitempty"`  // register: a new user's address
}

// challengeIdentifier is the VerificationToken identifier that records
// the open challenges of a provider, each once.
func challengeIdentifier(provider string) string { return "webauthn-challenge:" + provider }

// relyingParty is the relying party of rq by default: the host of its
// origin, as Auth.js takes it from the URL.
func relyingParty(rq *request) webauthn.RelyingParty {
	u, _ := url.Parse(rq.origin) // made by newRequest
	return webauthn.RelyingParty{ID: u.Hostname(), Name: u.Host, Origins: []string{rq.origin}}
}

// handleWebAuthnOptions is GET webauthn-options/{provider}?action&email:
// the options of a ceremony, as JSON {action, options}, and the challenge
// cookie. Unlike Auth.js it never tells whether an email address has an
// account: without action, a browser that is not signed in always gets
// authentication options (a discoverable credential, no allow list), and
// action=register with an email gets registration options whether or not
// the address is taken (the callback refuses a taken one).
func (a *Auth) handleWebAuthnOptions(w http.ResponseWriter, rq *request) {
	ctx := rq.r.Context()
	noStore(w)
	p, ok := a.providers[rq.provider].(webauthn.Provider)
	if !ok {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid provider"})
		return
	}
	q := rq.r.URL.Query()
	action := q.Get("action")
	if action != "" && action != "register" && action != "authenticate" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid action"})
		return
	}
	if _, err := a.reserveAttempt(rq.r, "webauthn-options", p.ID(), "", attemptLimits{ip: webauthnOptionsLimit}); err != nil {
		a.fail(w, rq, err)
		return
	}
	current, err := a.currentUser(ctx, rq)
	if err != nil {
		a.fail(w, rq, err)
		return
	}
	payload := challengePayload{Provider: p.ID(), Action: action}
	var c *webauthn.Ceremony
	switch {
	case action == "authenticate" || action == "" && current == nil:
		payload.Action = "authenticate"
		c, err = p.BeginAuthentication(ctx, relyingParty(rq))
	case action == "register" && current != nil:
		if !a.mayAddPasskey(ctx, w, rq, current) {
			return
		}
		payload.UserID = current.ID
		c, err = a.beginRegistration(ctx, rq, p, current)
	case action == "register" && p.Settings().SignUp:
		email, ok := email.Normalize(q.Get("email"))
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid request"})
			return
		}
		payload.Email = email
		c, err = a.beginRegistration(ctx, rq, p, &User{Email: email})
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "Invalid request"})
		return
	}
	if err != nil {
		a.fail(w, rq, err)
		return
	}
	payload.Challenge, payload.State = c.Challenge, c.State
	if err := a.openChallenge(ctx, w, rq, p, payload); err != nil {
		a.fail(w, rq, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"action": payload.Action, "options": c.Options})
}

// beginRegistration begins registering a passkey for u (a stored user, or
// a new one with only an email address). A user who has passkeys keeps
// their user handle, so an authenticator replaces rather than duplicates
// its credential; a new user gets 32 random bytes. The user's credentials
// are excluded: an authenticator that holds one refuses to make another.
func (a *Auth) beginRegistration(ctx context.Context, rq *request, p webauthn.Provider, u *User) (*webauthn.Ceremony, error) {
	var existing []adapter.Authenticator
	if u.ID != "" {
		var err error
		if existing, err = a.cfg.Adapter.ListAuthenticatorsByUserID(ctx, u.ID); err != nil {
			return nil, &Error{Type: AdapterError, Err: err}
		}
	}
	handle := make([]byte, 32)
	_, _ = rand.Read(handle)
	for _, x := range existing {
		if h, err := base64.RawURLEncoding.DecodeString(x.UserHandle); err == nil && len(h) > 0 && len(h) <= 64 {
			handle = h
			break
		}
	}
	name := u.Email
	if name == "" {
		name = u.Name
	}
	if name == "" {
		name = u.ID
	}
	c, err := p.BeginRegistration(ctx, relyingParty(rq), webauthn.User{Handle: handle, Name: name, DisplayName: u.Name}, existing)
	if err != nil {
		return nil, &Error{Type: Configuration, Err: err}
	}
	return c, nil
}

// openChallenge records the challenge (so it is accepted once) and sets
// the challenge cookie, sealed and bound to this browser.
func (a *Auth) openChallenge(ctx context.Context, w http.ResponseWriter, rq *request, p webauthn.Provider, payload challengePayload) error {
	timeout := p.Settings().Timeout
	expires := a.now().Add(timeout)
	vt := adapter.VerificationToken{Identifier: challengeIdentifier(p.ID()), Token: sha256Hex(payload.Challenge), Expires: expires}
	if err := a.cfg.Adapter.CreateVerificationToken(ctx, vt); err != nil {
		return &Error{Type: AdapterError, Err: err}
	}
	o := rq.cookies.Challenge
	sealed, err := a.codec.Encode(payload, o.Name, timeout)
	if err != nil {
		return errorf(Configuration, "seal the challenge cookie: %w", err)
	}
	cookie.Write(w, o.Cookie(sealed, expires))
	return nil
}

// takeChallenge reads and clears the challenge cookie of rq and uses up its
// challenge: a missing, forged, expired or foreign cookie, another action,
// or a challenge used before is a Verification error.
func (a *Auth) takeChallenge(ctx context.Context, w http.ResponseWriter, rq *request, p webauthn.Provider, action string) (challengePayload, error) {
	o := rq.cookies.Challenge
	var c challengePayload
	raw := cookie.Value(rq.r, o.Name)
	if raw == "" {
		return c, &Error{Type: Verification, Code: "challenge", Err: errors.New("no challenge cookie")}
	}
	cookie.Write(w, o.Expired(o.Name))
	if err := a.codec.DecodeInto(raw, o.Name, &c); err != nil {
		return c, &Error{Type: Verification, Code: "challenge", Err: fmt.Errorf("challenge cookie: %w", err)}
	}
	if c.Provider != p.ID() || c.Action != action || c.Challenge == "" {
		return c, &Error{Type: Verification, Code: "challenge", Err: fmt.Errorf("the challenge was made for another provider or action")}
	}
	used, err := a.cfg.Adapter.UseVerificationToken(ctx, challengeIdentifier(p.ID()), sha256Hex(c.Challenge))
	if err != nil {
		return c, &Error{Type: AdapterError, Err: err}
	}
	if used == nil || !used.Expires.After(a.now()) {
		return c, &Error{Type: Verification, Code: "challenge", Err: errors.New("the challenge was used before or has expired")}
	}
	return c, nil
}

// webauthnCallback is POST callback/{provider} of a passkey provider, with
// action (register or authenticate) and data (the JSON of the browser's
// credential). Bad input — a missing or used challenge, data that is not a
// credential response — is Verification; a refused credential (unknown,
// of another relying party, a bad signature, another user's handle, a
// counter that went back) is AccessDenied. Nothing is stored for either.
func (a *Auth) webauthnCallback(w http.ResponseWriter, rq *request, p webauthn.Provider) {
	if rq.r.Method != http.MethodPost {
		a.fail(w, rq, errorf(UnknownAction, "a passkey callback must be a POST"))
		return
	}
	if !a.csrfValid(rq) {
		a.fail(w, rq, ErrMissingCSRF)
		return
	}
	action, data := rq.form.get("action"), rq.form.get("data")
	var probe map[string]json.RawMessage
	switch {
	case action != "register" && action != "authenticate":
		a.webauthnFailed(w, rq, p, "", &Error{Type: Verification, Code: "action", Err: errors.New("action is neither register nor authenticate")})
		return
	case len(data) > maxWebAuthnData || json.Unmarshal([]byte(data), &probe) != nil:
		a.webauthnFailed(w, rq, p, "", &Error{Type: Verification, Code: "data", Err: fmt.Errorf("data is not a JSON object of at most %d bytes", maxWebAuthnData)})
		return
	}
	if action == "register" {
		in, err := a.webauthnRegister(w, rq, p, []byte(data))
		if err != nil {
			a.webauthnFailed(w, rq, p, in.accountID(), err)
			return
		}
		a.webauthnSignedIn(w, rq, p, in, nil)
		return
	}
	in, att, err := a.webauthnAuthenticate(w, rq, p, []byte(data))
	if err != nil {
		if att != nil {
			att.end(rq.r.Context(), err) // logs the failure with the client
		}
		a.webauthnFailed(w, rq, p, in.accountID(), err)
		return
	}
	a.webauthnSignedIn(w, rq, p, in, att)
}

// accountID is the provider account id of a sign-in, "" before there is one.
func (in signedIn) accountID() string {
	if in.account == nil {
		return ""
	}
	return in.account.ProviderAccountID
}

// webauthnFailed logs and answers a failed passkey callback. The check
// that refused it is logged at debug level (the sign-in log names its code).
func (a *Auth) webauthnFailed(w http.ResponseWriter, rq *request, p webauthn.Provider, credentialID string, err error) {
	e := asError(err, AccessDenied)
	a.log.DebugContext(rq.r.Context(), "authgo: passkey ceremony refused", "provider", p.ID(), "type", string(e.Type), "code", e.Code, "err", e.Err)
	if !e.signInLogged {
		a.signInFailed(rq.r.Context(), SignInFailureEvent{Provider: p.ID(), ClientIP: a.clientIP(rq.r), IdentifierHash: a.signIns.identifierHash(credentialID), Type: e.Type, Code: e.Code})
		e.signInLogged = true
	}
	a.fail(w, rq, e)
}

// refusedCeremony turns a ceremony's refusal into the error the client
// sees: malformed data is Verification, any other refusal AccessDenied.
func refusedCeremony(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	code := webauthn.CodeOf(err)
	switch code {
	case "":
		return &Error{Type: Configuration, Err: err}
	case webauthn.CodeMalformed:
		return &Error{Type: Verification, Code: code, Err: err}
	}
	return &Error{Type: AccessDenied, Code: code, Err: err}
}

// webauthnSignedIn issues the session of a passkey sign-in and sends the
// browser on. A passkey with user verification proves two factors: the
// device and the PIN or biometric that unlocked it.
//
// att is the attempt of a sign-in with a stored passkey (nil for a
// registration): it is ended here, with the outcome.
func (a *Auth) webauthnSignedIn(w http.ResponseWriter, rq *request, p webauthn.Provider, in signedIn, att *attempt) {
	ctx := rq.r.Context()
	// Both ceremonies require user verification (go-webauthn refuses a
	// response without the UV flag).
	in.provider, in.methods = p.ID(), []string{amr.HardwareKey, amr.UserPresence, amr.MultiFactor}
	challenge, err := a.issueSession(ctx, w, rq, in)
	if err != nil {
		if att != nil {
			att.end(ctx, err)
		}
		a.webauthnFailed(w, rq, p, in.accountID(), err)
		return
	}
	if challenge != "" {
		if att != nil {
			att.passed(ctx) // the passkey was right; the second factor is pending
		}
		redirect(w, rq.r, challenge)
		return
	}
	client, idHash := a.clientIP(rq.r), a.signIns.identifierHash(in.accountID())
	emit(ctx, a.log, "signIn", a.cfg.Events.SignIn, SignInEvent{User: in.user, Account: in.account, IsNewUser: in.isNewUser, ClientIP: client, IdentifierHash: idHash})
	if att != nil {
		att.done = true
		att.end(ctx, nil)
	} else {
		a.signInSucceeded(ctx, p.ID(), client, idHash, "new_user", in.isNewUser)
	}
	cb := a.callbackURL(rq)
	if in.isNewUser && a.cfg.Pages.NewUser != "" {
		redirect(w, rq.r, withQuery(a.pageURL(rq, a.cfg.Pages.NewUser, ""), "callbackUrl", cb))
		return
	}
	redirect(w, rq.r, cb)
}

// checkWebAuthnProvider refuses, at New, a passkey provider that cannot
// work: one not made by passkey.Provider, or one without an Adapter to keep
// users, accounts, authenticators and challenges in.
func checkWebAuthnProvider(p Provider, c Config) error {
	if _, ok := p.(webauthn.Provider); !ok {
		return configErr("provider %q has type webauthn but is not a passkey provider: make it with passkey.Provider (module github.com/authgo/authgo/passkey)", p.ID())
	}
	if c.Adapter == nil {
		return configErr("provider %q (passkeys) needs an Adapter to keep users, accounts and authenticators in (MissingAdapter): set Config.Adapter", p.ID())
	}
	return nil
}
