package providers

import (
	"github.com/authgo/authgo"
	"github.com/authgo/authgo/email"
)

// EmailConfig configures an email provider: sign-in by a one-time link, a
// one-time code, or both, mailed to the address the user types. The
// embedded email.Options hold the settings and their defaults
// (Sender, From, MaxAge, SendVerificationRequest,
// GenerateVerificationToken, NormalizeIdentifier, codes, limits).
type EmailConfig struct {
	// ID is the provider id in /signin/{id} and /callback/{id}. Default
	// "email" (Nodemailer: "nodemailer").
	ID string
	// Name is shown on the sign-in page. Default "Email".
	Name string
	email.Options
}

// Email returns an email provider of Auth.js's type "email", id "email" by
// default. authgo.New refuses it without a Config.Adapter, which stores
// the tokens and the users.
//
// Unlike Auth.js, opening the link does not sign in: it shows a page with
// the address and a button, so that mail scanners which fetch every link
// cannot use it up (see ConsumeOnGet), and the mail carries a one-time
// code as well (see Codes). MaxAge defaults to 24 hours as in Auth.js; 15
// minutes is recommended:
//
//	providers.Email(providers.EmailConfig{Options: email.Options{
//		Sender: smtp, From: "Example <no-reply@example.com>", MaxAge: 15 * time.Minute,
//	}})
func Email(cfg EmailConfig) authgo.EmailProvider {
	if cfg.ID == "" {
		cfg.ID = "email"
	}
	if cfg.Name == "" {
		cfg.Name = "Email"
	}
	return &emailProvider{cfg: cfg}
}

// Nodemailer is Email with the id "nodemailer", the id of Auth.js's
// Nodemailer provider, so that an Auth.js app's signIn("nodemailer") and
// its links work unchanged.
func Nodemailer(cfg EmailConfig) authgo.EmailProvider {
	if cfg.ID == "" {
		cfg.ID = "nodemailer"
	}
	return Email(cfg)
}

type emailProvider struct{ cfg EmailConfig }

func (p *emailProvider) ID() string                  { return p.cfg.ID }
func (p *emailProvider) Name() string                { return p.cfg.Name }
func (p *emailProvider) Type() string                { return authgo.TypeEmail }
func (p *emailProvider) EmailOptions() email.Options { return p.cfg.Options }
