package providers

import (
	"context"
	"net/http"

	"github.com/authgo/authgo"
)

// notionVersion is the Notion API version the preset speaks.
const notionVersion = "2022-06-28"

// Notion returns the Notion provider (OAuth 2, owner=user). The profile is
// the person who installed the integration: the owner of the bot user that
// /v1/users/me returns for the access token.
func Notion(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "notion", Name: "Notion", Type: authgo.TypeOAuth,
		AuthorizationURL:    "https://api.notion.com/v1/oauth/authorize",
		TokenURL:            "https://api.notion.com/v1/oauth/token",
		UserinfoURL:         "https://api.notion.com/v1/users/me",
		Scopes:              []string{},
		AuthorizationParams: params("owner", "user"),
		FetchProfile: func(ctx context.Context, c *http.Client, t TokenSet) (map[string]any, error) {
			var me map[string]any
			err := fetchJSON(ctx, c, http.MethodGet, "https://api.notion.com/v1/users/me", t.AccessToken, http.Header{"Notion-Version": {notionVersion}}, &me)
			if err != nil {
				return nil, err
			}
			return Obj(Obj(Obj(me, "bot"), "owner"), "user"), nil
		},
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "id"), Name: Str(p, "name"), Email: Str(Obj(p, "person"), "email"), Image: Str(p, "avatar_url")}, nil
		},
	}, o)
}
