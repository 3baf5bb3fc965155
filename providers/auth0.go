package providers

// Auth0 returns the Auth0 provider. Set Options.Issuer to the tenant's
// domain, e.g. https://example.eu.auth0.com/ (AUTH_AUTH0_ISSUER).
func Auth0(o Options) *OAuth { return oidcPreset("auth0", "Auth0", "", o) }
