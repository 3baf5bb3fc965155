package providers

import "github.com/authgo/authgo"

// oidcPreset is an OIDC provider found by discovery at its issuer, with
// Auth.js's default profile mapping.
func oidcPreset(id, name, issuer string, o Options, more ...func(*OAuthConfig)) *OAuth {
	c := OAuthConfig{ID: id, Name: name, Type: authgo.TypeOIDC, Issuer: issuer}
	for _, f := range more {
		f(&c)
	}
	return preset(c, o)
}
