package providers

import "github.com/authgo/authgo"

// Atlassian returns the Atlassian provider (OAuth 2.0 3LO, state only, as
// Auth.js), with the audience and consent prompt Atlassian requires.
func Atlassian(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "atlassian", Name: "Atlassian", Type: authgo.TypeOAuth,
		AuthorizationURL:    "https://auth.atlassian.com/authorize",
		TokenURL:            "https://auth.atlassian.com/oauth/token",
		UserinfoURL:         "https://api.atlassian.com/me",
		Scopes:              []string{"read:me"},
		Checks:              []string{CheckState},
		ClientAuth:          ClientSecretPost,
		AuthorizationParams: params("audience", "api.atlassian.com", "prompt", "consent"),
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "account_id"), Name: Str(p, "name", "nickname"), Email: Str(p, "email"), Image: Str(p, "picture")}, nil
		},
	}, o)
}
