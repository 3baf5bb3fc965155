// Package providers holds authgo's sign-in providers: credentials (email and
// password, or any fields an app checks itself), and OAuth 2.0 / OpenID
// Connect providers over one engine with a small preset per identity
// provider. Each returns a value that goes into authgo.Config.Providers.
package providers
