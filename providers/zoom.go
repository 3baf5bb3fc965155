package providers

import (
	"strings"

	"github.com/authgo/authgo"
)

// Zoom returns the Zoom provider (OAuth 2). Zoom's verified field (1 or
// 0) says whether the email is verified.
func Zoom(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "zoom", Name: "Zoom", Type: authgo.TypeOAuth,
		AuthorizationURL: "https://zoom.us/oauth/authorize",
		TokenURL:         "https://zoom.us/oauth/token",
		UserinfoURL:      "https://api.zoom.us/v2/users/me",
		Scopes:           []string{},
		EmailVerified: func(p map[string]any) *bool {
			switch Str(p, "verified") {
			case "1":
				return Bool(true)
			case "0":
				return Bool(false)
			}
			return nil
		},
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			name := Str(p, "display_name")
			if name == "" {
				name = strings.TrimSpace(Str(p, "first_name") + " " + Str(p, "last_name"))
			}
			return authgo.User{ID: Str(p, "id"), Name: name, Email: Str(p, "email"), Image: Str(p, "pic_url")}, nil
		},
	}, o)
}
