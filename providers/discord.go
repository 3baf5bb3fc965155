package providers

import (
	"strconv"

	"github.com/authgo/authgo"
)

// Discord returns the Discord provider (OAuth 2). The avatar URL is built
// from the avatar hash, or Discord's default avatar; the verified field
// says whether the email is verified.
func Discord(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "discord", Name: "Discord", Type: authgo.TypeOAuth,
		AuthorizationURL: "https://discord.com/api/oauth2/authorize",
		TokenURL:         "https://discord.com/api/oauth2/token",
		UserinfoURL:      "https://discord.com/api/users/@me",
		Scopes:           []string{"identify", "email"},
		EmailVerified:    func(p map[string]any) *bool { return Bool(p["verified"]) },
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			id := Str(p, "id")
			image := ""
			if h := Str(p, "avatar"); h != "" {
				ext := "png"
				if len(h) > 2 && h[:2] == "a_" {
					ext = "gif"
				}
				image = "https://cdn.discordapp.com/avatars/" + id + "/" + h + "." + ext
			} else if n, err := strconv.ParseUint(id, 10, 64); err == nil {
				image = "https://cdn.discordapp.com/embed/avatars/" + strconv.FormatUint((n>>22)%6, 10) + ".png"
			}
			return authgo.User{ID: id, Name: Str(p, "global_name", "username"), Email: Str(p, "email"), Image: image}, nil
		},
	}, o)
}
