package providers

import (
	"errors"
	"fmt"
	"strings"

	"github.com/authgo/authgo"
)

// Presets lists every preset by provider id, in the order FromEnv returns
// them.
var presets = []struct {
	id  string
	new func(Options) *OAuth
}{
	{"github", GitHub}, {"google", Google}, {"microsoft-entra-id", MicrosoftEntraID}, {"apple", Apple},
	{"discord", Discord}, {"gitlab", GitLab}, {"auth0", Auth0}, {"keycloak", Keycloak}, {"okta", Okta},
	{"cognito", Cognito}, {"authentik", Authentik}, {"zitadel", Zitadel}, {"facebook", Facebook},
	{"twitter", Twitter}, {"linkedin", LinkedIn}, {"slack", Slack}, {"twitch", Twitch}, {"spotify", Spotify},
	{"reddit", Reddit}, {"bitbucket", Bitbucket}, {"atlassian", Atlassian}, {"zoom", Zoom}, {"notion", Notion},
	{"dropbox", Dropbox}, {"salesforce", Salesforce},
}

// FromEnv configures providers from the environment as Auth.js does: for
// every preset whose AUTH_<ID>_ID and AUTH_<ID>_SECRET are set (ID in upper
// case, - as _, e.g. AUTH_MICROSOFT_ENTRA_ID_ID), that preset, with
// AUTH_<ID>_ISSUER as its issuer (for GitHub and GitLab: the base URL of a
// self-hosted server). AUTH_OIDC_ISSUER, AUTH_OIDC_ID and AUTH_OIDC_SECRET
// add a generic OIDC provider with id "oidc". For Apple, AUTH_APPLE_SECRET
// is either the pre-made client secret JWT or the .p8 key itself, with
// AUTH_APPLE_TEAM_ID and AUTH_APPLE_KEY_ID. lookup is os.LookupEnv or a
// stand-in.
//
// A provider with only some of its variables set, or one that cannot work
// (an issuer-based preset without AUTH_<ID>_ISSUER), is an error naming the
// variable to set.
func FromEnv(lookup func(string) (string, bool)) ([]authgo.Provider, error) {
	get := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	var out []authgo.Provider
	var errs []error
	add := func(id string, make func(Options) *OAuth) {
		env := "AUTH_" + EnvName(id)
		o := Options{ClientID: get(env + "_ID"), ClientSecret: get(env + "_SECRET")}
		issuer := get(env + "_ISSUER")
		if o.ClientID == "" && o.ClientSecret == "" && issuer == "" {
			return
		}
		switch id {
		case "github", "gitlab":
			o.BaseURL = issuer
		case "apple":
			o.Issuer = issuer
			if strings.Contains(o.ClientSecret, "PRIVATE KEY") {
				o.PrivateKey = []byte(strings.ReplaceAll(o.ClientSecret, `\n`, "\n"))
				o.TeamID, o.KeyID = get("AUTH_APPLE_TEAM_ID"), get("AUTH_APPLE_KEY_ID")
				if o.TeamID == "" || o.KeyID == "" {
					errs = append(errs, errors.New("apple: AUTH_APPLE_SECRET holds a private key; set AUTH_APPLE_TEAM_ID and AUTH_APPLE_KEY_ID too"))
					return
				}
				o.ClientSecret = ""
			}
		default:
			o.Issuer = issuer
		}
		p := make(o)
		if o.ClientID == "" {
			errs = append(errs, fmt.Errorf("%s: %s_SECRET is set but %s_ID is not", id, env, env))
			return
		}
		// The https rule depends on authgo.Config.Development, which New
		// knows and applies; here everything else is checked.
		if err := p.ValidateProvider(authgo.ProviderSettings{Development: true}); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
			return
		}
		out = append(out, p)
	}
	for _, pr := range presets {
		add(pr.id, pr.new)
	}
	add("oidc", func(o Options) *OAuth {
		return OIDC(OAuthConfig{ClientID: o.ClientID, ClientSecret: o.ClientSecret, Issuer: o.Issuer})
	})
	return out, errors.Join(errs...)
}
