package providers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/input"
)

// CredentialsConfig configures a credentials provider.
type CredentialsConfig struct {
	// ID is the provider id in /callback/{id}. Default "credentials".
	ID string
	// Name is shown on the sign-in page. Default "Credentials".
	Name string
	// Fields are the form inputs, in order. Default: an email and a
	// password field.
	Fields []authgo.Field
	// Authorize checks the submitted fields and returns the user, or nil
	// (or authgo.CredentialsError(code)) to refuse. It must take the same
	// time for an unknown account as for a wrong password; EmailPassword
	// does that for you.
	Authorize func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error)
	// IdentifierField names the field that identifies the account, for
	// rate limiting. Default "email" if there is such a field, else the
	// first field.
	IdentifierField string
	// Input are the checks the fields pass before Authorize runs, and
	// whether Authorize receives an email field normalised. The zero
	// value is the default for new apps: an email field must be a plain
	// address and arrives in its email.Normalize form (trimmed,
	// lower case); a password field holds at least 8 characters and at
	// most 1024 bytes. InputAsIs() passes the fields of an existing
	// backend through untouched. See input.Rules.
	Input input.Rules
}

// InputAsIs returns the input rules for an existing backend: Authorize
// receives every field as submitted, byte for byte (an email field is
// neither lower-cased, trimmed nor checked, a password may be any length
// up to 1024 bytes); only fields marked Required must not be empty. Rate
// limits still count an identifier in its folded form, so varying its case
// earns no extra attempts.
func InputAsIs() input.Rules {
	return input.Rules{MinPasswordLen: -1, Email: input.EmailAsIs}
}

// DefaultCredentialFields are the fields of a credentials provider that
// declares none: an email and a password.
var DefaultCredentialFields = []authgo.Field{
	{Name: "email", Label: "Email", Type: "email", Placeholder: "you@example.com", Autocomplete: "username", Required: true},
	{Name: "password", Label: "Password", Type: "password", Autocomplete: "current-password", Required: true},
}

// Credentials returns a credentials provider: sign-in with fields the app
// checks in Authorize, as Auth.js's Credentials provider.
func Credentials(cfg CredentialsConfig) authgo.CredentialsProvider {
	if cfg.ID == "" {
		cfg.ID = "credentials"
	}
	if cfg.Name == "" {
		cfg.Name = "Credentials"
	}
	if len(cfg.Fields) == 0 {
		cfg.Fields = DefaultCredentialFields
	}
	if cfg.IdentifierField == "" {
		cfg.IdentifierField = cfg.Fields[0].Name
		for _, f := range cfg.Fields {
			if f.Name == "email" {
				cfg.IdentifierField = "email"
			}
		}
	}
	return &credentials{cfg: cfg}
}

type credentials struct{ cfg CredentialsConfig }

func (c *credentials) ID() string              { return c.cfg.ID }
func (c *credentials) Name() string            { return c.cfg.Name }
func (c *credentials) Type() string            { return authgo.TypeCredentials }
func (c *credentials) Fields() []authgo.Field  { return c.cfg.Fields }
func (c *credentials) IdentifierField() string { return c.cfg.IdentifierField }
func (c *credentials) InputRules() input.Rules {
	return c.cfg.Input
}

// Validate reports a provider that cannot work; authgo.New calls it.
func (c *credentials) Validate() error {
	if c.cfg.Authorize == nil {
		return errors.New("credentials provider " + c.cfg.ID + " has no Authorize function (MissingAuthorize): set CredentialsConfig.Authorize")
	}
	if err := c.cfg.Input.Validate(); err != nil {
		return fmt.Errorf("credentials provider %s: CredentialsConfig.Input.%w", c.cfg.ID, err)
	}
	return nil
}

func (c *credentials) Authorize(ctx context.Context, cr authgo.Credentials, r *http.Request) (*authgo.User, error) {
	return c.cfg.Authorize(ctx, cr, r)
}
