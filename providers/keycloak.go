package providers

// Keycloak returns the Keycloak provider. Set Options.Issuer to the realm,
// e.g. https://sso.example.com/realms/main (AUTH_KEYCLOAK_ISSUER). Keycloak
// supports RP-initiated logout (see authgo.Auth.ProviderSignOutURL).
func Keycloak(o Options) *OAuth { return oidcPreset("keycloak", "Keycloak", "", o) }
