package providers

import "github.com/authgo/authgo"

// Salesforce returns the Salesforce provider (OpenID Connect, issuer
// https://login.salesforce.com; set Options.Issuer to
// https://test.salesforce.com for a sandbox or to a My Domain URL). Checks
// PKCE, state and nonce as Auth.js does; the user info supplies user_id,
// the account id Auth.js uses.
func Salesforce(o Options) *OAuth {
	return oidcPreset("salesforce", "Salesforce", "https://login.salesforce.com", o, func(c *OAuthConfig) {
		c.Checks = []string{CheckPKCE, CheckState, CheckNonce}
		c.UserinfoForOIDC = true
		c.Profile = func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "user_id", "sub"), Name: Str(p, "name"), Email: Str(p, "email"), Image: Str(p, "picture")}, nil
		}
	})
}
