package providers

// LinkedIn returns the Sign In with LinkedIn (OpenID Connect) provider,
// issuer https://www.linkedin.com/oauth. LinkedIn has no PKCE for web apps
// and takes the client secret in the body; Auth.js checks state only,
// authgo adds the nonce.
func LinkedIn(o Options) *OAuth {
	return oidcPreset("linkedin", "LinkedIn", "https://www.linkedin.com/oauth", o, func(c *OAuthConfig) {
		c.Checks = []string{CheckState, CheckNonce}
		c.ClientAuth = ClientSecretPost
	})
}
