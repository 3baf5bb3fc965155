package providers

import (
	"net/http"
	"net/url"
	"strings"
)

// Options are what an app sets on a preset: the client credentials and,
// for some presets, where the provider lives. Zero fields keep the
// preset's defaults.
type Options struct {
	ClientID     string
	ClientSecret string
	// Issuer is the OIDC issuer of presets that have no fixed one (Auth0,
	// Keycloak, Okta, Cognito, Authentik, Zitadel), or overrides a fixed
	// one (Microsoft Entra ID, Salesforce sandboxes).
	Issuer string
	// BaseURL is the address of a self-hosted GitHub Enterprise Server or
	// GitLab, e.g. https://github.example.com.
	BaseURL string
	// Tenant is the Microsoft Entra ID tenant: an id, a domain, or
	// "common" (default), "organizations" or "consumers".
	Tenant string
	// TeamID, KeyID and PrivateKey (a .p8 PEM file) make Apple's client
	// secret, an ES256 JWT made afresh before it expires.
	TeamID     string
	KeyID      string
	PrivateKey []byte
	// ID and Name override the preset's id and display name, e.g. to
	// configure two tenants of one provider.
	ID   string
	Name string
	// Scopes replace the preset's scopes.
	Scopes []string
	// AuthorizationParams are added to the authorization URL.
	AuthorizationParams url.Values
	// AllowDangerousEmailAccountLinking links a new account of this
	// provider to an existing user with the same email address.
	AllowDangerousEmailAccountLinking bool
	// HTTPClient makes the requests to the provider.
	HTTPClient *http.Client
	// Configure changes anything else of the preset's configuration.
	Configure func(*OAuthConfig)
}

// preset lays o over the preset's configuration c.
func preset(c OAuthConfig, o Options) *OAuth {
	c.Style.Brand = c.ID // kept when o.ID renames the provider
	c.ClientID, c.ClientSecret = o.ClientID, o.ClientSecret
	if o.Issuer != "" {
		c.Issuer = o.Issuer
	}
	if o.ID != "" {
		c.ID = o.ID
	}
	if o.Name != "" {
		c.Name = o.Name
	}
	if o.Scopes != nil {
		c.Scopes = o.Scopes
	}
	if len(o.AuthorizationParams) > 0 {
		params := url.Values{}
		for k, v := range c.AuthorizationParams {
			params[k] = v
		}
		for k, v := range o.AuthorizationParams {
			params[k] = v
		}
		c.AuthorizationParams = params
	}
	c.AllowDangerousEmailAccountLinking = o.AllowDangerousEmailAccountLinking
	if o.HTTPClient != nil {
		c.HTTPClient = o.HTTPClient
	}
	if o.Configure != nil {
		o.Configure(&c)
	}
	return NewOAuth(c)
}

// baseURL returns o.BaseURL without a trailing slash, or def.
func baseURL(o Options, def string) string {
	if o.BaseURL == "" {
		return def
	}
	return strings.TrimRight(o.BaseURL, "/")
}

func params(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
