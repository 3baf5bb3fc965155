package providers

import (
	"strings"

	"github.com/authgo/authgo"
)

// Reddit returns the Reddit provider (OAuth 2, state only, as Auth.js).
// Reddit gives no email address.
func Reddit(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "reddit", Name: "Reddit", Type: authgo.TypeOAuth,
		AuthorizationURL: "https://www.reddit.com/api/v1/authorize",
		TokenURL:         "https://www.reddit.com/api/v1/access_token",
		UserinfoURL:      "https://oauth.reddit.com/api/v1/me",
		Scopes:           []string{"identity"},
		Checks:           []string{CheckState},
		EmailOptional:    true,
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			img, _, _ := strings.Cut(Str(p, "icon_img"), "?")
			return authgo.User{ID: Str(p, "id"), Name: Str(p, "name"), Image: img}, nil
		},
	}, o)
}
