package providers

import "github.com/authgo/authgo"

// Spotify returns the Spotify provider (OAuth 2).
func Spotify(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "spotify", Name: "Spotify", Type: authgo.TypeOAuth,
		AuthorizationURL: "https://accounts.spotify.com/authorize",
		TokenURL:         "https://accounts.spotify.com/api/token",
		UserinfoURL:      "https://api.spotify.com/v1/me",
		Scopes:           []string{"user-read-email"},
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			image := ""
			if imgs, ok := p["images"].([]any); ok && len(imgs) > 0 {
				if m, ok := imgs[0].(map[string]any); ok {
					image = Str(m, "url")
				}
			}
			return authgo.User{ID: Str(p, "id"), Name: Str(p, "display_name"), Email: Str(p, "email"), Image: image}, nil
		},
	}, o)
}
