package providers

import (
	"context"
	"errors"
	"net/http"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
)

// PasswordConfig configures Password.
type PasswordConfig struct {
	// ID is the provider id. Default "password".
	ID string
	// Name is shown on the sign-in page. Default "Password".
	Name string
	account.PasswordOptions
}

// Password returns the provider of password accounts that authgo keeps
// itself — sign-up, email verification, password reset, change of
// password or email, account deletion — with argon2id hashes stored
// through the adapter (adapter.PasswordStore). See authgo.PasswordProvider
// for the endpoints and the guarantees. Its sign-in form has the fields
// email and password, like Credentials with DefaultCredentialFields.
func Password(cfg PasswordConfig) authgo.PasswordProvider {
	if cfg.ID == "" {
		cfg.ID = "password"
	}
	if cfg.Name == "" {
		cfg.Name = "Password"
	}
	return &passwordProvider{cfg: cfg}
}

type passwordProvider struct{ cfg PasswordConfig }

func (p *passwordProvider) ID() string                               { return p.cfg.ID }
func (p *passwordProvider) Name() string                             { return p.cfg.Name }
func (p *passwordProvider) Type() string                             { return authgo.TypeCredentials }
func (p *passwordProvider) Fields() []authgo.Field                   { return DefaultCredentialFields }
func (p *passwordProvider) IdentifierField() string                  { return "email" }
func (p *passwordProvider) PasswordOptions() account.PasswordOptions { return p.cfg.PasswordOptions }

// errPasswordAuthorize is Authorize's answer: authgo checks password
// accounts itself and never calls it.
var errPasswordAuthorize = errors.New("providers: a Password provider is checked by authgo, not through Authorize")

// Authorize is never called by authgo for this provider.
func (p *passwordProvider) Authorize(context.Context, authgo.Credentials, *http.Request) (*authgo.User, error) {
	return nil, errPasswordAuthorize
}
