package providers

import (
	"context"
	"net/http"

	"github.com/authgo/authgo"
)

// Dropbox returns the Dropbox provider (OAuth 2, offline access for a
// refresh token). The profile comes from users/get_current_account, an
// RPC endpoint that takes a POST without a body.
func Dropbox(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "dropbox", Name: "Dropbox", Type: authgo.TypeOAuth,
		AuthorizationURL:    "https://www.dropbox.com/oauth2/authorize",
		TokenURL:            "https://api.dropboxapi.com/oauth2/token",
		UserinfoURL:         "https://api.dropboxapi.com/2/users/get_current_account",
		Scopes:              []string{"account_info.read"},
		AuthorizationParams: params("token_access_type", "offline"),
		FetchProfile: func(ctx context.Context, c *http.Client, t TokenSet) (map[string]any, error) {
			var p map[string]any
			err := fetchJSON(ctx, c, http.MethodPost, "https://api.dropboxapi.com/2/users/get_current_account", t.AccessToken, nil, &p)
			return p, err
		},
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "account_id"), Name: Str(Obj(p, "name"), "display_name"), Email: Str(p, "email"), Image: Str(p, "profile_photo_url")}, nil
		},
	}, o)
}
