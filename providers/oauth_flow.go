package providers

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/oauth"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// The authorization code flow: the authorization URL, the code exchange,
// ID token verification and the mapping of tokens and profile to a user.

// AuthCodeURL returns the authorization URL: response_type=code,
// client_id, redirect_uri, scope, the configured parameters, state, nonce,
// the S256 code challenge, and then those requested parameters that name
// none of these (a request's prompt=none never replaces a configured
// prompt=consent).
func (o *OAuth) AuthCodeURL(ctx context.Context, req oauth.AuthorizationRequest) (string, error) {
	d, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	conf := &oauth2.Config{ClientID: o.cfg.ClientID, Endpoint: d.endpoint, RedirectURL: req.RedirectURI, Scopes: o.cfg.Scopes}
	var opts []oauth2.AuthCodeOption
	for k, vs := range o.cfg.AuthorizationParams {
		if len(vs) > 0 {
			opts = append(opts, oauth2.SetAuthURLParam(k, vs[0]))
		}
	}
	if o.cfg.FormPost {
		opts = append(opts, oauth2.SetAuthURLParam("response_mode", "form_post"))
	}
	if req.Nonce != "" {
		opts = append(opts, oidc.Nonce(req.Nonce))
	}
	if req.CodeChallenge != "" {
		opts = append(opts, oauth2.SetAuthURLParam("code_challenge", req.CodeChallenge), oauth2.SetAuthURLParam("code_challenge_method", "S256"))
	}
	return addMissingParams(conf.AuthCodeURL(req.State, opts...), req.Params)
}

// addMissingParams adds to the query of target each parameter of extra
// that it does not have yet.
func addMissingParams(target string, extra url.Values) (string, error) {
	if len(extra) == 0 {
		return target, nil
	}
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("authorization URL: %w", err)
	}
	q := u.Query()
	for k, vs := range extra {
		if len(vs) > 0 && !q.Has(k) {
			q.Set(k, vs[0])
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// tokenError turns an error of x/oauth2 into an OAuthError of step. A
// RetrieveError's body is left out: only its status and error code are
// kept, so nothing the provider echoed reaches a log.
func (o *OAuth) tokenError(step string, err error) *oauth.Error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if code == "" {
			code = fmt.Sprintf("http_%d", status)
		}
		return o.fail(step, code, fmt.Errorf("the token endpoint answered %d", status))
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return o.fail(step, "timeout", errors.New("the token endpoint did not answer in time"))
	}
	return o.fail(step, "", scrub(err))
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// scrub removes the response body x/oauth2 puts into some messages.
func scrub(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "\nResponse:"); i >= 0 {
		msg = msg[:i]
	}
	return errors.New(msg)
}

// tokenSet converts an x/oauth2 token.
func (o *OAuth) tokenSet(t *oauth2.Token) TokenSet {
	ts := TokenSet{
		AccessToken:  t.AccessToken,
		RefreshToken: t.RefreshToken,
		TokenType:    strings.ToLower(t.TokenType),
	}
	if s, ok := t.Extra("id_token").(string); ok {
		ts.IDToken = s
	}
	if s, ok := t.Extra("scope").(string); ok {
		ts.Scope = s
	}
	if s, ok := t.Extra("session_state").(string); ok {
		ts.SessionState = s
	}
	switch {
	case t.ExpiresIn > 0:
		ts.ExpiresAt = o.cfg.Now().Unix() + t.ExpiresIn
	case !t.Expiry.IsZero():
		ts.ExpiresAt = t.Expiry.Unix()
	}
	return ts
}

// Exchange trades the code for tokens, verifies the ID token, reads the
// profile and maps it to a user.
func (o *OAuth) Exchange(ctx context.Context, req oauth.CallbackRequest) (res *oauth.Result, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, &oauth.Error{Provider: o.cfg.ID, Step: oauth.StepProfile, Type: string(authgo.OAuthProfileParseError), Err: fmt.Errorf("panic: %v", v)}
		}
	}()
	d, err := o.discover(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := o.exchangeCode(ctx, d, req)
	if err != nil {
		return nil, err
	}
	profile, err := o.readProfile(ctx, d, ts, req.Nonce)
	if err != nil {
		return nil, err
	}
	if profile == nil {
		profile = map[string]any{}
	}
	if o.cfg.CallbackProfile != nil {
		o.cfg.CallbackProfile(req.Params, profile)
	}
	user, err := o.mapProfile(profile, ts)
	if err != nil {
		return nil, err
	}
	acct := authgo.Account{Type: o.cfg.Type, Provider: o.cfg.ID, ProviderAccountID: user.ID}
	ts.CopyTo(&acct)
	return &oauth.Result{Account: acct, Profile: profile, User: user}, nil
}

// exchangeCode trades the authorization code (with the PKCE verifier) for
// tokens at the token endpoint and checks the token type.
func (o *OAuth) exchangeCode(ctx context.Context, d *discovery, req oauth.CallbackRequest) (TokenSet, error) {
	conf, err := o.oauth2Config(ctx, d, req.RedirectURI)
	if err != nil {
		return TokenSet{}, err
	}
	var opts []oauth2.AuthCodeOption
	if req.CodeVerifier != "" {
		opts = append(opts, oauth2.VerifierOption(req.CodeVerifier))
	}
	tok, err := conf.Exchange(o.withClient(ctx), req.Params.Get("code"), opts...)
	if err != nil {
		return TokenSet{}, o.tokenError(oauth.StepToken, err)
	}
	ts := o.tokenSet(tok)
	if ts.TokenType != "" && ts.TokenType != "bearer" && ts.TokenType != "dpop" {
		return TokenSet{}, o.fail(oauth.StepToken, "", fmt.Errorf("unsupported token_type %q", clip.String(ts.TokenType, 32)))
	}
	return ts, nil
}

// readProfile returns the user's claims: from the verified ID token (and
// the user info endpoint when UserinfoForOIDC) for OIDC, from FetchProfile
// or the user info endpoint for OAuth 2.
func (o *OAuth) readProfile(ctx context.Context, d *discovery, ts TokenSet, nonce string) (map[string]any, error) {
	if o.cfg.Type == authgo.TypeOIDC {
		return o.readOIDCProfile(ctx, d, ts, nonce)
	}
	if o.cfg.FetchProfile == nil {
		return o.userinfo(ctx, d.userinfo, ts)
	}
	profile, err := o.cfg.FetchProfile(o.withClient(ctx), o.client, ts)
	if err != nil {
		var oe *oauth.Error
		if !errors.As(err, &oe) {
			err = o.fail(oauth.StepUserinfo, "", err)
		}
		return nil, err
	}
	return profile, nil
}

// readOIDCProfile verifies the ID token and returns its claims, merged
// with the user info endpoint's when UserinfoForOIDC is set (whose sub must
// be the ID token's).
func (o *OAuth) readOIDCProfile(ctx context.Context, d *discovery, ts TokenSet, nonce string) (map[string]any, error) {
	if ts.IDToken == "" {
		return nil, o.fail(oauth.StepIDToken, "", errors.New("the token response has no id_token"))
	}
	profile, err := o.verifyIDToken(ctx, d, ts.IDToken, nonce)
	if err != nil {
		return nil, err
	}
	if !o.cfg.UserinfoForOIDC || d.userinfo == "" {
		return profile, nil
	}
	info, err := o.userinfo(ctx, d.userinfo, ts)
	if err != nil {
		return nil, err
	}
	if sub, _ := info["sub"].(string); sub != "" && sub != profile["sub"] {
		return nil, o.fail(oauth.StepUserinfo, "", errors.New("the user info sub differs from the ID token's"))
	}
	for k, v := range info {
		profile[k] = v
	}
	return profile, nil
}

// mapProfile maps the profile to a user with the provider's Profile
// function and checks it has an account id and, unless the provider allows
// otherwise, an email address not marked unverified.
func (o *OAuth) mapProfile(profile map[string]any, ts TokenSet) (authgo.User, error) {
	user, err := o.cfg.Profile(profile, ts)
	if err != nil {
		return user, &oauth.Error{Provider: o.cfg.ID, Step: oauth.StepProfile, Type: string(authgo.OAuthProfileParseError), Err: err}
	}
	if user.ID == "" {
		return user, o.fail(oauth.StepProfile, "", errors.New("the profile has no account id"))
	}
	if user.Email == "" && !o.cfg.EmailOptional {
		return user, o.fail(oauth.StepProfile, "missing_email", errors.New("the profile has no email address"))
	}
	if user.Email != "" && !o.cfg.AllowUnverifiedEmail {
		if v := o.cfg.EmailVerified(profile); v != nil && !*v {
			return user, o.fail(oauth.StepProfile, "unverified_email", errors.New("the provider marks the email address unverified"))
		}
	}
	return user, nil
}

// verifyIDToken checks the ID token (OIDC Core §3.1.3.7): the signature by
// the provider's JWKS with an accepted algorithm (never none), iss, aud,
// exp (with skew), by go-oidc; then iat, azp and the nonce here. It returns
// the claims.
func (o *OAuth) verifyIDToken(ctx context.Context, d *discovery, raw, nonce string) (map[string]any, error) {
	idt, err := d.verifier.Verify(o.withClient(ctx), raw)
	if err != nil {
		return nil, o.fail(oauth.StepIDToken, "", err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, o.fail(oauth.StepIDToken, "", err)
	}
	if o.cfg.IssuerCheck != nil {
		if err := o.cfg.IssuerCheck(idt.Issuer, claims); err != nil {
			return nil, o.fail(oauth.StepIDToken, "", err)
		}
	}
	now := o.cfg.Now()
	if idt.IssuedAt.IsZero() {
		return nil, o.fail(oauth.StepIDToken, "", errors.New("the ID token has no iat"))
	}
	if idt.IssuedAt.After(now.Add(o.cfg.ClockSkew)) {
		return nil, o.fail(oauth.StepIDToken, "", errors.New("the ID token was issued in the future"))
	}
	azp, _ := claims["azp"].(string)
	if len(idt.Audience) > 1 && azp == "" {
		return nil, o.fail(oauth.StepIDToken, "", errors.New("the ID token has several audiences and no azp"))
	}
	if azp != "" && azp != o.cfg.ClientID {
		return nil, o.fail(oauth.StepIDToken, "", errors.New("the ID token's azp is another client"))
	}
	if nonce != "" {
		if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
			return nil, &oauth.Error{Provider: o.cfg.ID, Step: oauth.StepCheck, Type: string(authgo.InvalidCheck), Err: errors.New("the ID token's nonce does not match the nonce cookie")}
		}
	}
	if idt.Subject == "" {
		return nil, o.fail(oauth.StepIDToken, "", errors.New("the ID token has no sub"))
	}
	return claims, nil
}
