package providers

import "github.com/authgo/authgo"

// Twitter returns the X (Twitter) provider (OAuth 2 with PKCE and state,
// as Auth.js). X gives no email address, so the profile has none.
func Twitter(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "twitter", Name: "X", Type: authgo.TypeOAuth,
		AuthorizationURL: "https://x.com/i/oauth2/authorize",
		TokenURL:         "https://api.x.com/2/oauth2/token",
		UserinfoURL:      "https://api.x.com/2/users/me?user.fields=profile_image_url",
		Scopes:           []string{"users.read", "tweet.read", "offline.access"},
		Checks:           []string{CheckPKCE, CheckState},
		EmailOptional:    true,
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			d := Obj(p, "data")
			return authgo.User{ID: Str(d, "id"), Name: Str(d, "name", "username"), Image: Str(d, "profile_image_url")}, nil
		},
	}, o)
}
