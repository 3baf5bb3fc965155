package providers

// Authentik returns the authentik provider. Set Options.Issuer to the
// application's issuer, e.g. https://auth.example.com/application/o/app/
// (AUTH_AUTHENTIK_ISSUER).
func Authentik(o Options) *OAuth { return oidcPreset("authentik", "Authentik", "", o) }
