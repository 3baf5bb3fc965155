package providers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/authgo/authgo"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// OIDC discovery, the checks a provider asks for, and the x/oauth2 client
// configuration built from them.

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
