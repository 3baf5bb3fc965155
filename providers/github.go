package providers

import (
	"context"
	"net/http"

	"github.com/authgo/authgo"
)

// GitHub returns the GitHub provider (OAuth 2). Options.BaseURL points it
// at a GitHub Enterprise Server (its API is <BaseURL>/api/v3). When the
// profile has no public email, the primary verified address is read from
// /user/emails (the user:email scope). Auth.js checks PKCE only; authgo
// adds state.
func GitHub(o Options) *OAuth {
	base, api := "https://github.com", "https://api.github.com"
	if o.BaseURL != "" {
		base = baseURL(o, base)
		api = base + "/api/v3"
	}
	return preset(OAuthConfig{
		ID: "github", Name: "GitHub", Type: authgo.TypeOAuth,
		AuthorizationURL: base + "/login/oauth/authorize",
		TokenURL:         base + "/login/oauth/access_token",
		UserinfoURL:      api + "/user",
		Scopes:           []string{"read:user", "user:email"},
		FetchProfile:     githubProfile(api),
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "id"), Name: Str(p, "name", "login"), Email: Str(p, "email"), Image: Str(p, "avatar_url")}, nil
		},
	}, o)
}

func githubProfile(api string) FetchProfileFunc {
	return func(ctx context.Context, c *http.Client, t TokenSet) (map[string]any, error) {
		p, err := GetJSON(ctx, c, api+"/user", t.AccessToken)
		if err != nil || Str(p, "email") != "" {
			return p, err
		}
		var emails []struct {
			Email    string `json:"email"`
			Primary  bool   `json:"primary"`
			Verified bool   `json:"verified"`
		}
		if err := getJSONInto(ctx, c, api+"/user/emails", t.AccessToken, &emails); err != nil {
			return nil, err
		}
		for _, e := range emails {
			if e.Primary && e.Verified {
				p["email"] = e.Email
				p["email_verified"] = true
			}
		}
		return p, nil
	}
}
