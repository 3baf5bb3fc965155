package providers

import "github.com/authgo/authgo"

// Facebook returns the Facebook Login provider (OAuth 2, Graph API).
func Facebook(o Options) *OAuth {
	return preset(OAuthConfig{
		ID: "facebook", Name: "Facebook", Type: authgo.TypeOAuth,
		AuthorizationURL: "https://www.facebook.com/v19.0/dialog/oauth",
		TokenURL:         "https://graph.facebook.com/oauth/access_token",
		UserinfoURL:      "https://graph.facebook.com/me?fields=id,name,email,picture",
		Scopes:           []string{"email"},
		Profile: func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "id"), Name: Str(p, "name"), Email: Str(p, "email"), Image: Str(Obj(Obj(p, "picture"), "data"), "url")}, nil
		},
	}, o)
}
