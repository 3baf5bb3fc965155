package providers

// Twitch returns the Twitch provider (OpenID Connect, issuer
// https://id.twitch.tv/oauth2). The email, picture and name are asked for
// through the claims parameter, and the secret goes in the body as Twitch
// requires.
func Twitch(o Options) *OAuth {
	return oidcPreset("twitch", "Twitch", "https://id.twitch.tv/oauth2", o, func(c *OAuthConfig) {
		c.Scopes = []string{"openid", "user:read:email"}
		c.ClientAuth = ClientSecretPost
		c.AuthorizationParams = params("claims", `{"id_token":{"email":null,"email_verified":null,"picture":null,"preferred_username":null}}`)
	})
}
