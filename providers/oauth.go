package providers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/oauth"
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
type ProfileFunc func(profile map[string]any, tokens TokenSet) (authgo.User, error)

// FetchProfileFunc fetches the profile of an OAuth 2 provider in its own
// way (several requests, a POST, …) with client, which carries the
// engine's timeout. The default GETs UserinfoURL with the access token.
type FetchProfileFunc func(ctx context.Context, client *http.Client, tokens TokenSet) (map[string]any, error)

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
	// Style is the look of the provider's button on the built-in sign-in
	// page. Default: the preset's bundled look, if any.
	Style ButtonStyle

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
// preset. authgo's sign-in and callback actions drive it through FormPost,
// Checks, AuthCodeURL and Exchange; Refresh serves package refresh, and
// EndSessionURL authgo.Auth.ProviderSignOutURL. Make one with OIDC, OAuth2
// or a preset.
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

// Validate reports a provider that cannot work, as production would see
// it: ValidateProvider with no settings.
func (o *OAuth) Validate() error { return o.ValidateProvider(authgo.ProviderSettings{}) }

// ValidateProvider reports a provider that cannot work; authgo.New calls
// it with the settings of its Config. Every endpoint (Issuer,
// AuthorizationURL, TokenURL, UserinfoURL, EndSessionURL) must be an https
// URL: codes, tokens and the client secret cross these connections. Plain
// http is accepted on loopback hosts (127.0.0.0/8, ::1, localhost) and,
// for any host, in development (authgo.Config.Development). The endpoints
// an OIDC discovery document names are held to the same rule when
// discovered (see discover).
func (o *OAuth) ValidateProvider(s authgo.ProviderSettings) error {
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
	if err := o.checkEndpoints(s.Development); err != nil {
		return err
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

// checkEndpoints requires every configured endpoint to be an https URL, or
// an http one on a loopback host or in development.
func (o *OAuth) checkEndpoints(development bool) error {
	c := o.cfg
	for _, e := range []struct{ name, u string }{{"Issuer", c.Issuer}, {"AuthorizationURL", c.AuthorizationURL}, {"TokenURL", c.TokenURL}, {"UserinfoURL", c.UserinfoURL}, {"EndSessionURL", c.EndSessionURL}} {
		if e.u == "" {
			continue
		}
		p, err := url.Parse(e.u)
		switch {
		case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "":
			return fmt.Errorf("%s %q is not an http(s) URL", e.name, e.u)
		case p.Scheme == "http" && !development && !loopbackHost(p.Hostname()):
			return fmt.Errorf("%s %q is plain http: use https (http is accepted only on loopback hosts, or with authgo.Config.Development)", e.name, e.u)
		}
	}
	return nil
}

// loopbackHost reports whether host (without port or brackets) is
// localhost or a loopback IP address (127.0.0.0/8, ::1, also written as an
// IPv4-mapped IPv6 address). A name that merely starts with localhost or
// 127. is not.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

func (o *OAuth) fail(step string, code string, err error) *oauth.Error {
	return &oauth.Error{Provider: o.cfg.ID, Step: step, Code: code, Err: err}
}
