package providers

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/oauth"
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
		return nil, o.fail(oauth.StepDiscovery, "", err)
	}
	var meta struct {
		EndSession string   `json:"end_session_endpoint"`
		JWKS       string   `json:"jwks_uri"`
		PKCE       []string `json:"code_challenge_methods_supported"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, o.fail(oauth.StepDiscovery, "", err)
	}
	if err := o.checkDiscovered(p, meta.JWKS, meta.EndSession); err != nil {
		return nil, o.fail(oauth.StepDiscovery, "", err)
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
		return nil, o.fail(oauth.StepDiscovery, "", errors.New("the discovery document has no authorization or token endpoint"))
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

// checkDiscovered holds the endpoints the discovery document names (those
// the configuration does not override, and the JWKS) to the rule
// ValidateProvider applies to configured ones: https, except on loopback
// hosts. An issuer on a plain-http, non-loopback host (which New accepts
// only in development) vouches for plain-http endpoints; a loopback issuer
// does not vouch for other hosts.
func (o *OAuth) checkDiscovered(p *oidc.Provider, jwks, endSession string) error {
	c := o.cfg
	iss, _ := url.Parse(c.Issuer) // checked by ValidateProvider
	devIssuer := iss != nil && iss.Scheme == "http" && !loopbackHost(iss.Hostname())
	ep := p.Endpoint()
	for _, e := range []struct{ field, u, configured string }{
		{"authorization_endpoint", ep.AuthURL, c.AuthorizationURL}, {"token_endpoint", ep.TokenURL, c.TokenURL},
		{"userinfo_endpoint", p.UserInfoEndpoint(), c.UserinfoURL}, {"end_session_endpoint", endSession, c.EndSessionURL},
		{"jwks_uri", jwks, ""},
	} {
		if e.u == "" || e.configured != "" {
			continue
		}
		u, err := url.Parse(e.u)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			return fmt.Errorf("the discovery document's %s %q is not an http(s) URL", e.field, clip.String(e.u, 200))
		case u.Scheme == "http" && !devIssuer && !loopbackHost(u.Hostname()):
			return fmt.Errorf("the discovery document's %s %q is plain http: use https (http is accepted only on loopback hosts)", e.field, clip.String(e.u, 200))
		}
	}
	return nil
}

// Checks returns the checks of the flow. An oidc provider whose discovery
// document does not list PKCE S256 drops PKCE and uses the nonce, as
// Auth.js does.
func (o *OAuth) Checks(ctx context.Context) (oauth.Checks, error) {
	ch := oauth.Checks{
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
			return nil, o.fail(oauth.StepToken, "", fmt.Errorf("client secret: %w", err))
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
