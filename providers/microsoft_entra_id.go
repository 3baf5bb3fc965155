package providers

import (
	"errors"

	"github.com/authgo/authgo"
)

// MicrosoftEntraID returns the Microsoft Entra ID (Azure AD) provider, id
// "microsoft-entra-id", OpenID Connect on
// https://login.microsoftonline.com/<tenant>/v2.0. Options.Tenant is a
// tenant id or domain, or "common" (the default), "organizations" or
// "consumers"; those three share a discovery document whose issuer is a
// template, so the ID token's iss is checked against its tid claim instead.
// Entra ID does not say whether an email address is verified, so email
// account linking stays off unless you turn it on knowingly.
func MicrosoftEntraID(o Options) *OAuth {
	tenant := o.Tenant
	if tenant == "" {
		tenant = "common"
	}
	return oidcPreset("microsoft-entra-id", "Microsoft Entra ID", "https://login.microsoftonline.com/"+tenant+"/v2.0", o, func(c *OAuthConfig) {
		switch tenant {
		case "common", "organizations", "consumers":
			c.IssuerCheck = entraIssuer
		}
		c.Profile = func(p map[string]any, _ TokenSet) (authgo.User, error) {
			return authgo.User{ID: Str(p, "sub"), Name: Str(p, "name"), Email: Str(p, "email", "preferred_username")}, nil
		}
	})
}

// entraIssuer accepts iss only when it is the issuer of the token's own
// tenant.
func entraIssuer(iss string, claims map[string]any) error {
	tid := Str(claims, "tid")
	if tid == "" || iss != "https://login.microsoftonline.com/"+tid+"/v2.0" {
		return errors.New("the ID token's issuer is not its tenant's")
	}
	return nil
}
