package providers

// Okta returns the Okta provider. Set Options.Issuer to the authorization
// server, e.g. https://example.okta.com/oauth2/default (AUTH_OKTA_ISSUER).
// Auth.js checks PKCE and state for Okta; authgo adds the nonce.
func Okta(o Options) *OAuth { return oidcPreset("okta", "Okta", "", o) }
