package providers

import "github.com/authgo/authgo"

// GitLab returns the GitLab provider (OAuth 2). Options.BaseURL points it
// at a self-hosted GitLab.
func GitLab(o Options) *OAuth {
	base := baseURL(o, "https://gitlab.com")
	return preset(OAuthConfig{
		ID: "gitlab", Name: "GitLab", Type: authgo.TypeOAuth,
		AuthorizationURL: base + "/oauth/authorize",
		TokenURL:         base + "/oauth/token",
		UserinfoURL:      base + "/api/v4/user",
		Scopes:           []string{"read_user"},
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "id"), Name: Str(p, "name", "username"), Email: Str(p, "email"), Image: Str(p, "avatar_url")}, nil
		},
	}, o)
}
