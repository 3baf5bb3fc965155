package providers

// Zitadel returns the ZITADEL provider. Set Options.Issuer to the
// instance, e.g. https://example-abc.zitadel.cloud (AUTH_ZITADEL_ISSUER).
func Zitadel(o Options) *OAuth { return oidcPreset("zitadel", "ZITADEL", "", o) }
