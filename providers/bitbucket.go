package providers

import (
	"context"
	"net/http"

	"github.com/authgo/authgo"
)

// Bitbucket returns the Bitbucket Cloud provider (OAuth 2). The email is
// the primary confirmed address from /2.0/user/emails.
func Bitbucket(o Options) *OAuth {
	const api = "https://api.bitbucket.org/2.0"
	return preset(OAuthConfig{
		ID: "bitbucket", Name: "Bitbucket", Type: authgo.TypeOAuth,
		AuthorizationURL: "https://bitbucket.org/site/oauth2/authorize",
		TokenURL:         "https://bitbucket.org/site/oauth2/access_token",
		UserinfoURL:      api + "/user",
		Scopes:           []string{"account", "email"},
		FetchProfile: func(ctx context.Context, c *http.Client, t TokenSet) (map[string]any, error) {
			p, err := GetJSON(ctx, c, api+"/user", t.AccessToken)
			if err != nil {
				return nil, err
			}
			var emails struct {
				Values []struct {
					Email       string `json:"email"`
					IsPrimary   bool   `json:"is_primary"`
					IsConfirmed bool   `json:"is_confirmed"`
				} `json:"values"`
			}
			if err := getJSONInto(ctx, c, api+"/user/emails", t.AccessToken, &emails); err != nil {
				return nil, err
			}
			for _, e := range emails.Values {
				if e.IsPrimary && e.IsConfirmed {
					p["email"] = e.Email
				}
			}
			return p, nil
		},
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "uuid", "account_id"), Name: Str(p, "display_name", "username"), Email: Str(p, "email"), Image: Str(Obj(Obj(p, "links"), "avatar"), "href")}, nil
		},
	}, o)
}
