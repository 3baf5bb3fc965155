package providers

// Slack returns the Sign in with Slack provider (OpenID Connect, issuer
// https://slack.com). Auth.js checks the nonce only; authgo adds state.
// Slack does not support PKCE.
func Slack(o Options) *OAuth {
	return oidcPreset("slack", "Slack", "https://slack.com", o, func(c *OAuthConfig) {
		c.Checks = []string{CheckNonce, CheckState}
	})
}
