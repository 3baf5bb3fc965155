package authgo

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/oauth"
	"golang.org/x/oauth2"
)

// The salts and lifetime of the state JWE and the check cookies (§1.7).
const (
	stateSalt      = "encodedState"
	checkMaxAge    = 15 * time.Minute
	maxParamLength = 2048
)

// checkPayload is the payload of a check cookie: {value, provider}.
type checkPayload struct {
	Value    string `json:"value"`
	Provider string `json:"provider"`
}

// statePayload is the payload of the state JWE: Auth.js's {origin?,
// random}, plus the callbackUrl for form_post providers, whose callback (a
// cross-site POST) does not carry the SameSite=Lax callback-url cookie.
type statePayload struct {
	Origin      string `json:"origin,omitempty"`
	Random      string `json:"random"`
	CallbackURL string `json:"callbackUrl,omitempty"`
}

// reservedAuthParams are the protocol parameters a sign-in request's query
// may not set, even where the flow leaves them out (no nonce check, no
// scopes): they belong to the configuration and the checks. The sign-in
// form's own fields are not authorization parameters either.
var reservedAuthParams = map[string]bool{
	"response_type": true, "client_id": true, "redirect_uri": true, "scope": true, "state": true,
	"nonce": true, "code_challenge": true, "code_challenge_method": true,
	"response_mode": true, "client_secret": true, "claims": true,
	"request": true, "request_uri": true, "callbackUrl": true, "csrfToken": true,
}

// checkCookies returns the cookie options of the check cookies for p.
// form_post providers get SameSite=None; Secure, as Auth.js switches them,
// since the callback is a cross-site POST.
func checkCookies(rq *request, p oauth.Provider) (pkce, state, nonce cookie.Options) {
	pkce, state, nonce = rq.cookies.PKCE, rq.cookies.State, rq.cookies.Nonce
	if p.FormPost() {
		for _, o := range []*cookie.Options{&pkce, &state, &nonce} {
			o.SameSite = http.SameSiteNoneMode
			o.Secure = true
		}
	}
	return
}

// randomValue returns n random bytes, base64url (no padding).
func randomValue(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// startOAuth begins an OAuth sign-in (POST /signin/{provider}): it makes
// the state, PKCE verifier and nonce the provider's checks need, seals each
// in its check cookie (a JWE, salt = cookie name, 15 minutes) and sends the
// browser to the authorization URL.
func (a *Auth) startOAuth(w http.ResponseWriter, rq *request, p oauth.Provider, callbackURL string) {
	ctx := rq.r.Context()
	checks, err := p.Checks(ctx)
	if err != nil {
		a.oauthFailed(w, rq, p, oauth.StepDiscovery, OAuthSignInError, err)
		return
	}
	pkceOpt, stateOpt, nonceOpt := checkCookies(rq, p)
	expires := a.now().Add(checkMaxAge)
	req := oauth.AuthorizationRequest{RedirectURI: rq.actionURL(a, "callback/"+p.ID()), Params: url.Values{}}
	for k, v := range rq.r.URL.Query() {
		if reservedAuthParams[k] || len(v) == 0 || len(k) > 64 || len(v[0]) > maxParamLength {
			continue
		}
		req.Params.Set(k, v[0])
	}
	var cookies []*http.Cookie
	seal := func(o cookie.Options, value string) error {
		sealed, err := a.codec.Encode(checkPayload{Value: value, Provider: p.ID()}, o.Name, checkMaxAge)
		if err != nil {
			return err
		}
		cookies = append(cookies, o.Cookie(sealed, expires))
		return nil
	}
	if checks.PKCE {
		verifier := oauth2.GenerateVerifier()
		req.CodeChallenge = oauth2.S256ChallengeFromVerifier(verifier)
		if err := seal(pkceOpt, verifier); err != nil {
			a.oauthFailed(w, rq, p, oauth.StepAuthorize, Configuration, fmt.Errorf("seal PKCE cookie: %w", err))
			return
		}
	}
	if checks.State {
		sp := statePayload{Random: randomValue(32)}
		if p.FormPost() {
			sp.CallbackURL = callbackURL
		}
		state, err := a.codec.Encode(sp, stateSalt, checkMaxAge)
		if err == nil {
			err = seal(stateOpt, state)
		}
		if err != nil {
			a.oauthFailed(w, rq, p, oauth.StepAuthorize, Configuration, fmt.Errorf("seal state: %w", err))
			return
		}
		req.State = state
	}
	if checks.Nonce {
		req.Nonce = randomValue(32)
		if err := seal(nonceOpt, req.Nonce); err != nil {
			a.oauthFailed(w, rq, p, oauth.StepAuthorize, Configuration, fmt.Errorf("seal nonce cookie: %w", err))
			return
		}
	}
	target, err := p.AuthCodeURL(ctx, req)
	if err != nil {
		a.oauthFailed(w, rq, p, oauth.StepAuthorize, OAuthSignInError, err)
		return
	}
	for _, c := range cookies {
		cookie.Write(w, c)
	}
	a.log.DebugContext(ctx, "authgo: oauth sign-in started", "provider", p.ID(), "pkce", checks.PKCE, "state", checks.State, "nonce", checks.Nonce)
	redirect(w, rq.r, target)
}

// openCheck reads the check cookie o: present, sealed by this server, not
// expired, and made for provider p. Any failure is InvalidCheck.
func (a *Auth) openCheck(rq *request, o cookie.Options, p oauth.Provider, what string) (string, error) {
	raw := cookie.Value(rq.r, o.Name)
	if raw == "" {
		return "", fmt.Errorf("%s cookie missing", what)
	}
	var c checkPayload
	if err := a.codec.DecodeInto(raw, o.Name, &c); err != nil {
		return "", fmt.Errorf("%s cookie invalid: %w", what, err)
	}
	if c.Provider != p.ID() {
		return "", fmt.Errorf("%s cookie was made for another provider", what)
	}
	if c.Value == "" {
		return "", fmt.Errorf("%s cookie empty", what)
	}
	return c.Value, nil
}

// verifyChecks runs the checks of a callback: the state parameter must be
// the value of the state cookie (and a state JWE of this server, whose
// payload it returns); the PKCE verifier and the nonce come from their
// cookies into req. Any failure is a failed check (InvalidCheck).
func (a *Auth) verifyChecks(rq *request, p oauth.Provider, checks oauth.Checks, req *oauth.CallbackRequest) (statePayload, error) {
	pkceOpt, stateOpt, nonceOpt := checkCookies(rq, p)
	var sp statePayload
	if checks.State {
		want, err := a.openCheck(rq, stateOpt, p, "state")
		if err != nil {
			return sp, err
		}
		got := req.Params.Get("state")
		switch {
		case got == "":
			return sp, errors.New("state parameter missing")
		case subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1:
			return sp, errors.New("state parameter does not match the state cookie")
		}
		if err := a.codec.DecodeInto(got, stateSalt, &sp); err != nil {
			return sp, fmt.Errorf("state parameter invalid: %w", err)
		}
	}
	var err error
	if checks.PKCE {
		if req.CodeVerifier, err = a.openCheck(rq, pkceOpt, p, "pkce"); err != nil {
			return sp, err
		}
	}
	if checks.Nonce {
		if req.Nonce, err = a.openCheck(rq, nonceOpt, p, "nonce"); err != nil {
			return sp, err
		}
	}
	return sp, nil
}

// finishOAuth completes an OAuth sign-in (GET|POST /callback/{provider}):
// the IdP's error, the checks, the exchange at the provider, the SignIn
// callback, linking, the session and the redirect. The check cookies are
// cleared whatever the outcome.
//
// Errors, as Auth.js sorts them: an error from the IdP (error=…), a failed
// token request, ID token or user info is OAuthCallbackError (sign-in
// page); a missing, forged, expired or foreign check cookie, a state or
// nonce mismatch is InvalidCheck (error page, shown as Configuration);
// linking conflicts are OAuthAccountNotLinked; a refusing SignIn callback
// is AccessDenied. The profile's email is stored and compared in its
// email.Normalize form; one that NFKC would change beyond case (full-width
// or other look-alike characters) is OAuthCallbackError with code
// invalid_email.
func (a *Auth) finishOAuth(w http.ResponseWriter, rq *request, p oauth.Provider) {
	ctx := rq.r.Context()
	pkceOpt, stateOpt, nonceOpt := checkCookies(rq, p)
	for _, o := range []cookie.Options{pkceOpt, stateOpt, nonceOpt} {
		if cookie.Has(rq.r, o.Name) {
			cookie.Write(w, o.Expired(o.Name))
		}
	}
	params := rq.r.URL.Query()
	if rq.r.Method == http.MethodPost && p.FormPost() {
		params = url.Values{}
		for k, v := range rq.form.values {
			params.Set(k, v)
		}
	}
	if code := params.Get("error"); code != "" {
		a.oauthFailed(w, rq, p, oauth.StepAuthorize, OAuthCallbackError, &oauth.Error{Provider: p.ID(), Step: oauth.StepAuthorize, Code: safeCode(code), Err: errors.New("the provider answered with an error")})
		return
	}
	checks, err := p.Checks(ctx)
	if err != nil {
		a.oauthFailed(w, rq, p, oauth.StepDiscovery, OAuthCallbackError, err)
		return
	}
	req := oauth.CallbackRequest{RedirectURI: rq.actionURL(a, "callback/"+p.ID()), Params: params}
	sp, err := a.verifyChecks(rq, p, checks, &req)
	if err != nil {
		a.oauthFailed(w, rq, p, oauth.StepCheck, InvalidCheck, err)
		return
	}
	if params.Get("code") == "" {
		a.oauthFailed(w, rq, p, oauth.StepAuthorize, OAuthCallbackError, errors.New("callback without a code"))
		return
	}
	res, err := p.Exchange(ctx, req)
	if err != nil {
		a.oauthFailed(w, rq, p, "", OAuthCallbackError, err)
		return
	}
	if res == nil || res.Account.ProviderAccountID == "" {
		a.oauthFailed(w, rq, p, oauth.StepProfile, OAuthCallbackError, errors.New("the profile has no account id"))
		return
	}
	accountID := res.Account.ProviderAccountID
	if res.User.Email, err = providerEmail(res.User.Email); err != nil {
		a.oauthFailed(w, rq, p, oauth.StepProfile, OAuthCallbackError, &oauth.Error{Provider: p.ID(), Step: oauth.StepProfile, Code: "invalid_email", Err: err})
		return
	}
	in, target, err := a.oauthSignIn(ctx, rq, p, res)
	if err != nil {
		a.oauthSignInFailed(rq, p, accountID, err)
		a.fail(w, rq, err)
		return
	}
	if target != "" {
		redirect(w, rq.r, target)
		return
	}
	in.methods, in.provider = []string{amr.Federated}, p.ID()
	challenge, err := a.issueSession(ctx, w, rq, in)
	if err != nil {
		a.oauthSignInFailed(rq, p, accountID, err)
		a.fail(w, rq, err)
		return
	}
	if challenge != "" {
		redirect(w, rq.r, challenge)
		return
	}
	client, idHash := a.clientIP(rq.r), a.signIns.identifierHash(accountID)
	emit(ctx, a.log, "signIn", a.cfg.Events.SignIn, SignInEvent{User: in.user, Account: in.account, Profile: in.profile, IsNewUser: in.isNewUser, ClientIP: client, IdentifierHash: idHash})
	a.signInSucceeded(ctx, p.ID(), client, idHash, "new_user", in.isNewUser)
	cb := a.callbackURL(rq)
	if sp.CallbackURL != "" && callbackCookie(rq) == "" {
		cb = a.redirectTarget(ctx, rq, sp.CallbackURL)
	}
	if in.isNewUser && a.cfg.Pages.NewUser != "" {
		redirect(w, rq.r, withQuery(a.pageURL(rq, a.cfg.Pages.NewUser, ""), "callbackUrl", cb))
		return
	}
	redirect(w, rq.r, cb)
}

// oauthFailed logs the failed step, naming the provider and the step (never
// a token), and answers with the error redirect of typ. An *oauth.Error in
// err supplies the step and, when set, the type.
func (a *Auth) oauthFailed(w http.ResponseWriter, rq *request, p oauth.Provider, step string, typ ErrorType, err error) {
	code := ""
	var oe *oauth.Error
	if errors.As(err, &oe) {
		if oe.Step != "" {
			step = oe.Step
		}
		if oe.Type != "" {
			typ = ErrorType(oe.Type)
		}
		code = oe.Code
	}
	if step == "" {
		step = "callback"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		code = "timeout"
	}
	a.signInFailed(rq.r.Context(), SignInFailureEvent{Provider: p.ID(), ClientIP: a.clientIP(rq.r), Type: typ, Code: code, Step: step})
	a.fail(w, rq, &Error{Type: typ, Err: fmt.Errorf("provider %s, step %s: %w", p.ID(), step, err)})
}

// safeCode keeps an IdP error code printable and short for the log.
func safeCode(s string) string {
	s = clip.String(s, 64)
	return strings.Map(func(r rune) rune {
		if r < 0x21 || r > 0x7e {
			return '_'
		}
		return r
	}, s)
}

// ProviderSignOutURL returns the URL that ends the user's session at the
// identity provider (OpenID Connect RP-initiated logout): the provider's
// end_session_endpoint with id_token_hint, post_logout_redirect_uri and
// state. An app's sign-out handler first ends the authgo session, then
// sends the browser there:
//
//	idToken := ... // the id_token kept at sign-in (e.g. by refresh.Refresher.JWT)
//	next, _ := auth.SignOut(w, r, "/")
//	if u, err := auth.ProviderSignOutURL(r.Context(), "keycloak", idToken, next); err == nil {
//		next = u
//	}
//	http.Redirect(w, r, next, http.StatusSeeOther)
//
// It fails for a provider that does not support RP-initiated logout.
func (a *Auth) ProviderSignOutURL(ctx context.Context, providerID, idTokenHint, postLogoutRedirectURI string) (string, error) {
	p, ok := a.providers[providerID]
	if !ok {
		return "", errorf(InvalidProvider, "no provider with id %q", clip.String(providerID, 64))
	}
	es, ok := p.(oauth.EndSession)
	if !ok {
		return "", errorf(Configuration, "provider %q does not support RP-initiated logout", providerID)
	}
	return es.EndSessionURL(ctx, idTokenHint, postLogoutRedirectURI, "")
}
