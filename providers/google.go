package providers

// Google returns the Google provider (OpenID Connect, issuer
// https://accounts.google.com). Google marks each address with
// email_verified, which the engine checks.
func Google(o Options) *OAuth {
	return oidcPreset("google", "Google", "https://accounts.google.com", o)
}
