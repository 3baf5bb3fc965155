package providers

// Cognito returns the Amazon Cognito provider. Set Options.Issuer to the
// user pool, https://cognito-idp.<region>.amazonaws.com/<pool id>
// (AUTH_COGNITO_ISSUER).
func Cognito(o Options) *OAuth { return oidcPreset("cognito", "Cognito", "", o) }
