package providers

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authgo/authgo"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// ClientAuth is how a client authenticates at the token endpoint
// (RFC 6749 §2.3.1, OIDC Core §9).
type ClientAuth string

// The client authentication methods.
const (
	// ClientSecretBasic sends the id and secret in an Authorization: Basic
	// header (the default, as in Auth.js).
	ClientSecretBasic ClientAuth = "client_secret_basic"
	// ClientSecretPost sends them as client_id and client_secret form
	// parameters.
	ClientSecretPost ClientAuth = "client_secret_post"
	// ClientNone sends only client_id (public clients with PKCE).
	ClientNone ClientAuth = "none"
)

// The check names of OAuthConfig.Checks, as Auth.js names them.
const (
	CheckPKCE  = "pkce"
	CheckState = "state"
	CheckNonce = "nonce"
)

// Defaults of the engine.
const (
	// DefaultHTTPTimeout bounds every request to the provider (discovery,
	// token, JWKS, user info) when OAuthConfig.HTTPClient is nil.
	DefaultHTTPTimeout = 10 * time.Second
	// DefaultClockSkew is the leeway allowed on an ID token's exp and iat.
	DefaultClockSkew = 30 * time.Second
	// DefaultDiscoveryTimeout bounds one OIDC discovery attempt.
	DefaultDiscoveryTimeout = 10 * time.Second
	// maxResponseBytes bounds a user info response.
	maxResponseBytes = 1 << 20
)

// ProfileFunc maps a provider's profile to a user. The user's ID must be
// the provider's account id (sub, id, …); authgo replaces it with the
// stored user's id. tokens are the tokens of the sign-in.
type ProfileFunc func(profile map[string]any, tokens authgo.TokenSet) (authgo.User, error)

// FetchProfileFunc fetches the profile of an OAuth 2 provider in its own
// way (several requests, a POST, …) with client, which carries the
// engine's timeout. The default GETs UserinfoURL with the access token.
type FetchProfileFunc func(ctx context.Context, client *http.Client, tokens authgo.TokenSet) (map[string]any, error)

// OAuthConfig configures an OAuth 2.0 or OpenID Connect provider. A preset
// fills most of it; an app sets ClientID and ClientSecret (or reads them
// from the environment with FromEnv).
type OAuthConfig struct {
	// ID is the provider id in /signin/{id} and /callback/{id}.
	ID string
	// Name is shown on the sign-in page.
	Name string
	// Type is authgo.TypeOIDC or authgo.TypeOAuth. Default: oidc when
	// Issuer is set and AuthorizationURL is not, else oauth.
	Type string

	ClientID     string
	ClientSecret string
	// ClientSecretFunc makes the client secret for each token request
	// (Apple's is a short-lived JWT). It overrides ClientSecret.
	ClientSecretFunc func(ctx context.Context) (string, error)
	// ClientAuth is how the client authenticates at the token endpoint.
	// Default ClientSecretBasic.
	ClientAuth ClientAuth

	// Issuer is the OIDC issuer; its discovery document supplies every
	// endpoint not set below. For oauth providers it is optional.
	Issuer string
	// AuthorizationURL, TokenURL, UserinfoURL and EndSessionURL override
	// (or, without an Issuer, provide) the endpoints.
	AuthorizationURL string
	TokenURL         string
	UserinfoURL      string
	EndSessionURL    string

	// Scopes are requested at authorization. Default for oidc:
	// openid profile email.
	Scopes []string
	// AuthorizationParams are added to the authorization URL.
	AuthorizationParams url.Values
	// Checks are the browser-bound checks: CheckPKCE, CheckState,
	// CheckNonce. Default: pkce and state for oauth, pkce, state and nonce
	// for oidc (Auth.js uses pkce alone; state and nonce are added where
	// they are harmless).
	Checks []string
	// FormPost asks for response_mode=form_post: the provider POSTs the
	// result to the callback.
	FormPost bool

	// UserinfoForOIDC also fetches the user info of an oidc provider and
	// lays it over the ID token claims (its sub must match).
	UserinfoForOIDC bool
	// FetchProfile replaces the user info request of an oauth provider.
	FetchProfile FetchProfileFunc
	// CallbackProfile adds callback parameters to the profile (Apple sends
	// the user's name once, in the user form field).
	CallbackProfile func(params url.Values, profile map[string]any)
	// Profile maps the profile to a user. Default: id from sub or id;
	// name from name, nickname or preferred_username; email; image from
	// picture.
	Profile ProfileFunc
	// EmailVerified reports whether the profile's email is verified:
	// true, false, or unknown (nil). Default: the email_verified claim
	// (a boolean, or "true"/"false").
	EmailVerified func(profile map[string]any) *bool

	// AllowDangerousEmailAccountLinking lets a new account of this
	// provider be linked to an existing user with the same email.
	AllowDangerousEmailAccountLinking bool
	// EmailOptional accepts profiles without an email address (providers
	// that have none to give). Default: a sign-in without email fails
	// with OAuthCallbackError.
	EmailOptional bool
	// AllowUnverifiedEmail accepts an email address the provider marks
	// unverified. Default: such a sign-in fails with OAuthCallbackError,
	// because an unverified address says nothing about who signs in.
	AllowUnverifiedEmail bool

	// HTTPClient makes every request to the provider. Default: a client
	// with DefaultHTTPTimeout.
	HTTPClient *http.Client
	// ClockSkew is the leeway on an ID token's exp and iat. Default
	// DefaultClockSkew.
	ClockSkew time.Duration
	// DiscoveryTimeout bounds one discovery attempt. Default
	// DefaultDiscoveryTimeout.
	DiscoveryTimeout time.Duration
	// IssuerCheck replaces the exact issuer comparison, for multi-tenant
	// issuers whose discovery document names a template (Microsoft Entra
	// ID "common"). It gets the ID token's iss and claims.
	IssuerCheck func(iss string, claims map[string]any) error
	// SigningAlgs are the accepted ID token algorithms. Default: those the
	// discovery document lists, else RS256. "none" is never accepted.
	SigningAlgs []string
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// OAuth is an OAuth 2.0 or OIDC provider: the one engine behind every
// preset. It implements authgo.OAuthProvider and
// authgo.EndSessionProvider. Make one with OIDC, OAuth2 or a preset.
type OAuth struct {
	cfg    OAuthConfig
	client *http.Client

	mu   sync.Mutex // guards disc and serializes discovery attempts
	disc *discovery
}

// discovery is what OIDC discovery found, cached once it succeeds.
type discovery struct {
	provider   *oidc.Provider
	verifier   *oidc.IDTokenVerifier
	endpoint   oauth2.Endpoint
	userinfo   string
	endSession string
	pkceS256   bool
}

// OIDC returns a generic OpenID Connect provider for cfg.Issuer. ID
// defaults to "oidc" and Name to "OIDC".
func OIDC(cfg OAuthConfig) *OAuth {
	if cfg.ID == "" {
		cfg.ID = "oidc"
	}
	if cfg.Name == "" {
		cfg.Name = "OIDC"
	}
	if cfg.Type == "" {
		cfg.Type = authgo.TypeOIDC
	}
	return NewOAuth(cfg)
}

// OAuth2 returns a generic OAuth 2.0 provider for the endpoints in cfg
// (AuthorizationURL, TokenURL and UserinfoURL or FetchProfile). ID
// defaults to "oauth" and Name to "OAuth".
func OAuth2(cfg OAuthConfig) *OAuth {
	if cfg.ID == "" {
		cfg.ID = "oauth"
	}
	if cfg.Name == "" {
		cfg.Name = "OAuth"
	}
	if cfg.Type == "" {
		cfg.Type = authgo.TypeOAuth
	}
	return NewOAuth(cfg)
}

// NewOAuth returns the provider cfg describes, filling its defaults.
// Mistakes are reported by Validate, which authgo.New calls.
func NewOAuth(cfg OAuthConfig) *OAuth {
	if cfg.Type == "" {
		cfg.Type = authgo.TypeOAuth
		if cfg.Issuer != "" && cfg.AuthorizationURL == "" {
			cfg.Type = authgo.TypeOIDC
		}
	}
	if cfg.ClientAuth == "" {
		cfg.ClientAuth = ClientSecretBasic
	}
	if cfg.Scopes == nil && cfg.Type == authgo.TypeOIDC {
		cfg.Scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	if cfg.Checks == nil {
		cfg.Checks = []string{CheckPKCE, CheckState}
		if cfg.Type == authgo.TypeOIDC {
			cfg.Checks = append(cfg.Checks, CheckNonce)
		}
	}
	if cfg.Profile == nil {
		cfg.Profile = DefaultProfile
	}
	if cfg.EmailVerified == nil {
		cfg.EmailVerified = func(p map[string]any) *bool { return Bool(p["email_verified"]) }
	}
	if cfg.ClockSkew == 0 {
		cfg.ClockSkew = DefaultClockSkew
	}
	if cfg.DiscoveryTimeout == 0 {
		cfg.DiscoveryTimeout = DefaultDiscoveryTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	o := &OAuth{cfg: cfg, client: cfg.HTTPClient}
	if o.client == nil {
		o.client = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	return o
}

// Config returns a copy of the provider's configuration, defaults filled.
func (o *OAuth) Config() OAuthConfig { return o.cfg }

// ID returns the provider id.
func (o *OAuth) ID() string { return o.cfg.ID }

// Name returns the display name.
func (o *OAuth) Name() string { return o.cfg.Name }

// Type returns authgo.TypeOIDC or authgo.TypeOAuth.
func (o *OAuth) Type() string { return o.cfg.Type }

// FormPost reports whether the provider uses response_mode=form_post.
func (o *OAuth) FormPost() bool { return o.cfg.FormPost }

// AllowDangerousEmailAccountLinking reports the option of the same name.
func (o *OAuth) AllowDangerousEmailAccountLinking() bool {
	return o.cfg.AllowDangerousEmailAccountLinking
}

// Validate reports a provider that cannot work; authgo.New calls it.
func (o *OAuth) Validate() error {
	c := o.cfg
	switch {
	case c.ClientID == "":
		return fmt.Errorf("no client id: set ClientID (or AUTH_%s_ID)", EnvName(c.ID))
	case c.Type != authgo.TypeOIDC && c.Type != authgo.TypeOAuth:
		return fmt.Errorf("type %q is neither oidc nor oauth", c.Type)
	case c.ClientSecret == "" && c.ClientSecretFunc == nil && c.ClientAuth != ClientNone:
		return fmt.Errorf("no client secret: set ClientSecret (or AUTH_%s_SECRET)", EnvName(c.ID))
	case c.Type == authgo.TypeOIDC && c.Issuer == "":
		return fmt.Errorf("an OIDC provider needs its issuer: set Issuer (or AUTH_%s_ISSUER)", EnvName(c.ID))
	case c.Issuer == "" && (c.AuthorizationURL == "" || c.TokenURL == ""):
		return errors.New("no endpoints: set Issuer, or AuthorizationURL and TokenURL")
	case c.Type == authgo.TypeOAuth && c.UserinfoURL == "" && c.FetchProfile == nil && c.Issuer == "":
		return errors.New("no way to read the profile: set UserinfoURL or FetchProfile")
	case c.ClientAuth != ClientSecretBasic && c.ClientAuth != ClientSecretPost && c.ClientAuth != ClientNone:
		return fmt.Errorf("client auth %q is not client_secret_basic, client_secret_post or none", c.ClientAuth)
	}
	for _, u := range []string{c.Issuer, c.AuthorizationURL, c.TokenURL, c.UserinfoURL, c.EndSessionURL} {
		if u == "" {
			continue
		}
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return fmt.Errorf("%q is not an http(s) URL", u)
		}
	}
	for _, ch := range c.Checks {
		if ch != CheckPKCE && ch != CheckState && ch != CheckNonce {
			return fmt.Errorf("unknown check %q; use pkce, state or nonce", ch)
		}
	}
	if slices.Contains(c.SigningAlgs, "none") {
		return errors.New(`signing algorithm "none" is never accepted`)
	}
	return nil
}

func (o *OAuth) fail(step string, code string, err error) *authgo.OAuthError {
	return &authgo.OAuthError{Provider: o.cfg.ID, Step: step, Code: code, Err: err}
}

// withClient puts the engine's HTTP client where x/oauth2 and go-oidc look
// for it.
func (o *OAuth) withClient(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, o.client)
	return oidc.ClientContext(ctx, o.client)
}

// discover runs OIDC discovery once it is needed and caches the result. A
// failed attempt is not cached, so the next sign-in tries again; concurrent
// callers wait for one attempt. Providers without an Issuer need none.
func (o *OAuth) discover(ctx context.Context) (*discovery, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.disc != nil {
		return o.disc, nil
	}
	c := o.cfg
	d := &discovery{
		endpoint:   oauth2.Endpoint{AuthURL: c.AuthorizationURL, TokenURL: c.TokenURL},
		userinfo:   c.UserinfoURL,
		endSession: c.EndSessionURL,
	}
	if c.Issuer == "" {
		o.disc = d
		return d, nil
	}
	dctx, cancel := context.WithTimeout(o.withClient(ctx), c.DiscoveryTimeout)
	defer cancel()
	if c.IssuerCheck != nil {
		dctx = oidc.InsecureIssuerURLContext(dctx, c.Issuer)
	}
	p, err := oidc.NewProvider(dctx, c.Issuer)
	if err != nil {
		return nil, o.fail(authgo.StepDiscovery, "", err)
	}
	var meta struct {
		EndSession string   `json:"end_session_endpoint"`
		PKCE       []string `json:"code_challenge_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, o.fail(authgo.StepDiscovery, "", err)
	}
	ep := p.Endpoint()
	if d.endpoint.AuthURL == "" {
		d.endpoint.AuthURL = ep.AuthURL
	}
	if d.endpoint.TokenURL == "" {
		d.endpoint.TokenURL = ep.TokenURL
	}
	if d.userinfo == "" {
		d.userinfo = p.UserInfoEndpoint()
	}
	if d.endSession == "" {
		d.endSession = meta.EndSession
	}
	if d.endpoint.AuthURL == "" || d.endpoint.TokenURL == "" {
		return nil, o.fail(authgo.StepDiscovery, "", errors.New("the discovery document has no authorization or token endpoint"))
	}
	d.pkceS256 = slices.Contains(meta.PKCE, "S256")
	d.provider = p
	// Expiry is checked by go-oidc against a clock set back by the skew,
	// which gives exp its leeway; iat is checked in verifyIDToken.
	d.verifier = p.VerifierContext(o.withClient(context.Background()), &oidc.Config{
		ClientID:             c.ClientID,
		SupportedSigningAlgs: c.SigningAlgs,
		SkipIssuerCheck:      c.IssuerCheck != nil,
		Now:                  func() time.Time { return c.Now().Add(-c.ClockSkew) },
	})
	o.disc = d
	return d, nil
}

// Checks returns the checks of the flow. An oidc provider whose discovery
// document does not list PKCE S256 drops PKCE and uses the nonce, as
// Auth.js does.
func (o *OAuth) Checks(ctx context.Context) (authgo.OAuthChecks, error) {
	ch := authgo.OAuthChecks{
		PKCE:  slices.Contains(o.cfg.Checks, CheckPKCE),
		State: slices.Contains(o.cfg.Checks, CheckState),
		Nonce: slices.Contains(o.cfg.Checks, CheckNonce),
	}
	if o.cfg.Type == authgo.TypeOIDC && ch.PKCE {
		d, err := o.discover(ctx)
		if err != nil {
			return ch, err
		}
		if !d.pkceS256 {
			ch.PKCE, ch.Nonce = false, true
		}
	}
	return ch, nil
}

func (o *OAuth) oauth2Config(ctx context.Context, d *discovery, redirectURI string) (*oauth2.Config, error) {
	secret := o.cfg.ClientSecret
	if o.cfg.ClientSecretFunc != nil {
		s, err := o.cfg.ClientSecretFunc(ctx)
		if err != nil {
			return nil, o.fail(authgo.StepToken, "", fmt.Errorf("client secret: %w", err))
		}
		secret = s
	}
	ep := d.endpoint
	switch o.cfg.ClientAuth {
	case ClientSecretPost, ClientNone:
		ep.AuthStyle = oauth2.AuthStyleInParams
	default:
		ep.AuthStyle = oauth2.AuthStyleInHeader
	}
	if o.cfg.ClientAuth == ClientNone {
		secret = ""
	}
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: secret, Endpoint: ep, RedirectURL: redirectURI, Scopes: o.cfg.Scopes}, nil
}

// AuthCodeURL returns the authorization URL: response_type=code,
// client_id, redirect_uri, scope, the configured and requested parameters,
// state, nonce, and the S256 code challenge.
func (o *OAuth) AuthCodeURL(ctx context.Context, req authgo.AuthorizationRequest) (string, error) {
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
	for k, vs := range req.Params {
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
	return conf.AuthCodeURL(req.State, opts...), nil
}

// tokenError turns an error of x/oauth2 into an OAuthError of step. A
// RetrieveError's body is left out: only its status and error code are
// kept, so nothing the provider echoed reaches a log.
func (o *OAuth) tokenError(step string, err error) *authgo.OAuthError {
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
func (o *OAuth) tokenSet(t *oauth2.Token) authgo.TokenSet {
	ts := authgo.TokenSet{
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
func (o *OAuth) Exchange(ctx context.Context, req authgo.CallbackRequest) (res *authgo.OAuthResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, &authgo.OAuthError{Provider: o.cfg.ID, Step: authgo.StepProfile, Type: authgo.OAuthProfileParseErr, Err: fmt.Errorf("panic: %v", v)}
		}
	}()
	d, err := o.discover(ctx)
	if err != nil {
		return nil, err
	}
	conf, err := o.oauth2Config(ctx, d, req.RedirectURI)
	if err != nil {
		return nil, err
	}
	var opts []oauth2.AuthCodeOption
	if req.CodeVerifier != "" {
		opts = append(opts, oauth2.VerifierOption(req.CodeVerifier))
	}
	tok, err := conf.Exchange(o.withClient(ctx), req.Params.Get("code"), opts...)
	if err != nil {
		return nil, o.tokenError(authgo.StepToken, err)
	}
	ts := o.tokenSet(tok)
	if ts.TokenType != "" && ts.TokenType != "bearer" && ts.TokenType != "dpop" {
		return nil, o.fail(authgo.StepToken, "", fmt.Errorf("unsupported token_type %q", truncate(ts.TokenType, 32)))
	}

	var profile map[string]any
	if o.cfg.Type == authgo.TypeOIDC {
		if ts.IDToken == "" {
			return nil, o.fail(authgo.StepIDToken, "", errors.New("the token response has no id_token"))
		}
		if profile, err = o.verifyIDToken(ctx, d, ts.IDToken, req.Nonce); err != nil {
			return nil, err
		}
		if o.cfg.UserinfoForOIDC && d.userinfo != "" {
			info, err := o.userinfo(ctx, d.userinfo, ts)
			if err != nil {
				return nil, err
			}
			if sub, _ := info["sub"].(string); sub != "" && sub != profile["sub"] {
				return nil, o.fail(authgo.StepUserinfo, "", errors.New("the user info sub differs from the ID token's"))
			}
			for k, v := range info {
				profile[k] = v
			}
		}
	} else {
		switch {
		case o.cfg.FetchProfile != nil:
			profile, err = o.cfg.FetchProfile(o.withClient(ctx), o.client, ts)
			if err != nil {
				var oe *authgo.OAuthError
				if !errors.As(err, &oe) {
					err = o.fail(authgo.StepUserinfo, "", err)
				}
				return nil, err
			}
		default:
			if profile, err = o.userinfo(ctx, d.userinfo, ts); err != nil {
				return nil, err
			}
		}
	}
	if profile == nil {
		profile = map[string]any{}
	}
	if o.cfg.CallbackProfile != nil {
		o.cfg.CallbackProfile(req.Params, profile)
	}
	user, err := o.cfg.Profile(profile, ts)
	if err != nil {
		return nil, &authgo.OAuthError{Provider: o.cfg.ID, Step: authgo.StepProfile, Type: authgo.OAuthProfileParseErr, Err: err}
	}
	if user.ID == "" {
		return nil, o.fail(authgo.StepProfile, "", errors.New("the profile has no account id"))
	}
	if user.Email == "" && !o.cfg.EmailOptional {
		return nil, o.fail(authgo.StepProfile, "missing_email", errors.New("the profile has no email address"))
	}
	if user.Email != "" && !o.cfg.AllowUnverifiedEmail {
		if v := o.cfg.EmailVerified(profile); v != nil && !*v {
			return nil, o.fail(authgo.StepProfile, "unverified_email", errors.New("the provider marks the email address unverified"))
		}
	}
	return &authgo.OAuthResult{Tokens: ts, Profile: profile, User: user}, nil
}

// verifyIDToken checks the ID token (OIDC Core §3.1.3.7): the signature by
// the provider's JWKS with an accepted algorithm (never none), iss, aud,
// exp (with skew), by go-oidc; then iat, azp and the nonce here. It returns
// the claims.
func (o *OAuth) verifyIDToken(ctx context.Context, d *discovery, raw, nonce string) (map[string]any, error) {
	idt, err := d.verifier.Verify(o.withClient(ctx), raw)
	if err != nil {
		return nil, o.fail(authgo.StepIDToken, "", err)
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		return nil, o.fail(authgo.StepIDToken, "", err)
	}
	if o.cfg.IssuerCheck != nil {
		if err := o.cfg.IssuerCheck(idt.Issuer, claims); err != nil {
			return nil, o.fail(authgo.StepIDToken, "", err)
		}
	}
	now := o.cfg.Now()
	if idt.IssuedAt.IsZero() {
		return nil, o.fail(authgo.StepIDToken, "", errors.New("the ID token has no iat"))
	}
	if idt.IssuedAt.After(now.Add(o.cfg.ClockSkew)) {
		return nil, o.fail(authgo.StepIDToken, "", errors.New("the ID token was issued in the future"))
	}
	azp, _ := claims["azp"].(string)
	if len(idt.Audience) > 1 && azp == "" {
		return nil, o.fail(authgo.StepIDToken, "", errors.New("the ID token has several audiences and no azp"))
	}
	if azp != "" && azp != o.cfg.ClientID {
		return nil, o.fail(authgo.StepIDToken, "", errors.New("the ID token's azp is another client"))
	}
	if nonce != "" {
		if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
			return nil, &authgo.OAuthError{Provider: o.cfg.ID, Step: authgo.StepCheck, Type: authgo.InvalidCheck, Err: errors.New("the ID token's nonce does not match the nonce cookie")}
		}
	}
	if idt.Subject == "" {
		return nil, o.fail(authgo.StepIDToken, "", errors.New("the ID token has no sub"))
	}
	return claims, nil
}

// userinfo GETs the user info endpoint with the access token and decodes
// the JSON object it answers.
func (o *OAuth) userinfo(ctx context.Context, endpoint string, ts authgo.TokenSet) (map[string]any, error) {
	if endpoint == "" {
		return nil, o.fail(authgo.StepUserinfo, "", errors.New("no user info endpoint"))
	}
	m, err := GetJSON(ctx, o.client, endpoint, ts.AccessToken)
	if err != nil {
		return nil, o.fail(authgo.StepUserinfo, "", err)
	}
	return m, nil
}

// GetJSON GETs url with a Bearer access token and decodes the JSON object
// it answers, at most 1 MiB, numbers kept exact (json.Number). A status
// other than 200 is an error that names the status only. Presets use it to
// fetch profiles.
func GetJSON(ctx context.Context, client *http.Client, url, accessToken string) (map[string]any, error) {
	var m map[string]any
	if err := getJSONInto(ctx, client, url, accessToken, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("the response is not a JSON object")
	}
	return m, nil
}

func getJSONInto(ctx context.Context, client *http.Client, url, accessToken string, dst any) error {
	return fetchJSON(ctx, client, http.MethodGet, url, accessToken, nil, dst)
}

// fetchJSON sends a request without a body and decodes the JSON answer
// into dst, as GetJSON does.
func fetchJSON(ctx context.Context, client *http.Client, method, url, accessToken string, header http.Header, dst any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "authgo")
	if accessToken != "" {
		req.Header.Set("Authorization", "Bearer "+accessToken)
	}
	resp, err := client.Do(req)
	if err != nil {
		if isTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
			return errors.New("the request timed out")
		}
		return fmt.Errorf("request failed: %w", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the endpoint answered %d", resp.StatusCode)
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("the response is not valid JSON: %v", jsonErrKind(err))
	}
	return nil
}

// jsonErrKind describes a JSON error without quoting the input.
func jsonErrKind(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at offset %d", se.Offset)
	case errors.As(err, &te):
		return "unexpected type " + te.Value
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated"
	}
	return "malformed"
}

// Refresh runs the refresh-token grant. When the provider sends no new
// refresh token, the old one is kept (x/oauth2 does so).
func (o *OAuth) Refresh(ctx context.Context, refreshToken string) (*authgo.TokenSet, error) {
	if refreshToken == "" {
		return nil, o.fail(authgo.StepRefresh, "", errors.New("no refresh token"))
	}
	d, err := o.discover(ctx)
	if err != nil {
		return nil, err
	}
	conf, err := o.oauth2Config(ctx, d, "")
	if err != nil {
		return nil, err
	}
	tok, err := conf.TokenSource(o.withClient(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return nil, o.tokenError(authgo.StepRefresh, err)
	}
	ts := o.tokenSet(tok)
	return &ts, nil
}

// EndSessionURL returns the provider's end_session_endpoint with
// id_token_hint, client_id, post_logout_redirect_uri and state (OpenID
// Connect RP-Initiated Logout 1.0 §2). It fails when the provider has no
// such endpoint.
func (o *OAuth) EndSessionURL(ctx context.Context, idTokenHint, postLogoutRedirectURI, state string) (string, error) {
	d, err := o.discover(ctx)
	if err != nil {
		return "", err
	}
	if d.endSession == "" {
		return "", o.fail(authgo.StepDiscovery, "", errors.New("the provider has no end_session_endpoint"))
	}
	u, err := url.Parse(d.endSession)
	if err != nil {
		return "", o.fail(authgo.StepDiscovery, "", err)
	}
	q := u.Query()
	q.Set("client_id", o.cfg.ClientID)
	if idTokenHint != "" {
		q.Set("id_token_hint", idTokenHint)
	}
	if postLogoutRedirectURI != "" {
		q.Set("post_logout_redirect_uri", postLogoutRedirectURI)
	}
	if state != "" {
		q.Set("state", state)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

var (
	_ authgo.OAuthProvider      = (*OAuth)(nil)
	_ authgo.EndSessionProvider = (*OAuth)(nil)
)
