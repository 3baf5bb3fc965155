package authgo

import (
	"context"
	"net/http"

	"github.com/authgo/authgo/internal/pages"
)

// Provider types, as Auth.js names them (one set of values, shared with the
// built-in pages).
const (
	TypeOAuth       = pages.TypeOAuth
	TypeOIDC        = pages.TypeOIDC
	TypeCredentials = pages.TypeCredentials
	TypeEmail       = pages.TypeEmail
	TypeWebAuthn    = pages.TypeWebAuthn
)

// Provider is a way to sign in. Every provider has an id (used in the URLs
// /signin/{id} and /callback/{id}), a display name and an Auth.js type.
// The package providers holds the implementations; a provider of type
// credentials implements CredentialsProvider, one of type oauth or oidc is
// made by providers.OAuth2, providers.OIDC or a preset.
type Provider interface {
	ID() string
	Name() string
	Type() string
}

// Field describes one input of a credentials sign-in form, as Auth.js's
// credentials option does.
type Field struct {
	Name         string // the form field name, e.g. "email"
	Label        string
	Type         string // the HTML input type, e.g. "email", "password"
	Placeholder  string
	Autocomplete string
	Required     bool
}

// Credentials are the submitted fields of a credentials sign-in: the whole
// request body, as Auth.js passes it (csrfToken and callbackUrl included).
type Credentials map[string]string

// CredentialsProvider signs users in with what they type: an email and a
// password, a username and a code. The fields pass the provider's
// input.Rules before Authorize runs (the zero Rules when it does not
// implement input.Provider).
type CredentialsProvider interface {
	Provider
	// Fields lists the form inputs, in order.
	Fields() []Field
	// Authorize checks the credentials and returns the user, or (nil, nil)
	// or an error to refuse. Return CredentialsError(code) to refuse with
	// a code the client may see; any other error is logged and shown as
	// Configuration.
	Authorize(ctx context.Context, c Credentials, r *http.Request) (*User, error)
}

// IdentifierField is implemented by credentials providers that name the
// field identifying the account (for rate limiting by identifier). Without
// it, "email", then "username", is used.
type IdentifierField interface {
	IdentifierField() string
}

// ProviderSettings are the parts of a Config that a provider's own checks
// depend on.
type ProviderSettings struct {
	// Development is Config.Development: a provider may accept what it
	// refuses in production, such as plain-http endpoints on any host.
	Development bool
}

// ProviderValidator is implemented by providers that check their own
// configuration. New calls ValidateProvider with the settings of its
// Config and fails with the error it returns; a provider without it but
// with a Validate() error method is checked by that.
type ProviderValidator interface {
	ValidateProvider(s ProviderSettings) error
}
