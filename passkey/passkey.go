// Package passkey signs users in with passkeys (WebAuthn) on
// github.com/go-webauthn/webauthn, on Auth.js's endpoints: an Auth.js
// front end (next-auth/webauthn's signIn("passkey")) works against it
// unchanged, and passkeys live in the Authenticator table Auth.js's
// adapters already have, so a Next.js app and an authgo server share them
// on one database.
//
//	auth, err := authgo.New(authgo.Config{
//		Adapter:   db,
//		Providers: []authgo.Provider{passkey.Provider(passkey.Config{})},
//	})
//
// It is a module of its own, not providers.Passkey: go-webauthn brings
// several modules (CBOR, TPM, JWT, msgp), and keeping them here keeps them
// out of the module graph of every authgo user who does not use passkeys.
//
// The root package does the generic parts: GET <base>/webauthn-options/<id>
// answers the options and sets the challenge cookie (sealed, bound to the
// browser, 5 minutes, and recorded so that each challenge is accepted
// once); POST <base>/callback/<id> with action and data creates the user,
// the account (providerAccountId = the base64 credential id) and the
// authenticator row, or signs in with a stored one, and issues the session.
// Auth.Passkeys and the JSON endpoints under <base>/passkeys let a
// signed-in user list, add, rename and delete passkeys.
package passkey

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/internal/webauthn"
	"github.com/go-webauthn/webauthn/protocol"
)

// DefaultTimeout is how long a ceremony may take, as Auth.js: 5 minutes.
const DefaultTimeout = 5 * time.Minute

// Config configures a passkey provider. The zero Config is Auth.js's
// Passkey(): id "passkey", resident keys and user verification required,
// attestation "none", the relying party taken from the URL.
type Config struct {
	// ID is the provider id, in the URLs webauthn-options/<id> and
	// callback/<id>. Default "passkey".
	ID string
	// Name is shown on the sign-in button. Default "Passkey".
	Name string
	// RPID is the relying party id: the host name passkeys are bound to.
	// A parent domain (example.com) lets every subdomain use them.
	// Default: the host name of Config.URL (or of each request, with
	// TrustHost), as Auth.js.
	RPID string
	// RPName is the name authenticators show. Default: the host (with
	// port) of the URL.
	RPName string
	// Origins are the origins a ceremony may run on, e.g.
	// https://app.example.com and https://admin.example.com; each must be
	// on RPID or a subdomain of it. Default: the origin of the URL.
	Origins []string
	// Timeout is how long a ceremony may take; the browser is told and
	// the server enforces it. Default DefaultTimeout (5 minutes).
	Timeout time.Duration
	// Attestation is the attestation conveyance preference: "none"
	// (default: no attestation statement, nothing about the device is
	// collected), "indirect", "direct" or "enterprise".
	Attestation string
	// DisableSignUp refuses to create users: only a signed-in user can
	// register a passkey. Default false: a browser that is not signed in
	// may register one for a new email address, as in Auth.js.
	DisableSignUp bool
	// AllowCounterRegression signs in with a credential whose signature
	// counter did not grow (a sign that it was cloned). The warning is
	// logged and Events.PasskeyCloneWarning told either way. Default
	// false: such a sign-in is refused (AccessDenied), as
	// @simplewebauthn/server refuses it for Auth.js.
	AllowCounterRegression bool
}

// Provider returns the passkey provider c describes: id "passkey" (or
// c.ID), type "webauthn". New checks its settings.
func Provider(c Config) authgo.Provider {
	if c.ID == "" {
		c.ID = "passkey"
	}
	if c.Name == "" {
		c.Name = "Passkey"
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Attestation == "" {
		c.Attestation = string(protocol.PreferNoAttestation)
	}
	return &provider{c: c}
}

type provider struct{ c Config }

var _ webauthn.Provider = (*provider)(nil)

func (p *provider) ID() string   { return p.c.ID }
func (p *provider) Name() string { return p.c.Name }
func (p *provider) Type() string { return authgo.TypeWebAuthn }

// Settings returns the settings the root package acts on.
func (p *provider) Settings() webauthn.Settings {
	return webauthn.Settings{SignUp: !p.c.DisableSignUp, Timeout: p.c.Timeout, AllowCounterRegression: p.c.AllowCounterRegression}
}

// ValidateProvider checks the configuration at authgo.New.
func (p *provider) ValidateProvider(s authgo.ProviderSettings) error {
	c := p.c
	if c.Timeout < 0 {
		return errors.New("passkey: Timeout must not be negative")
	}
	switch protocol.ConveyancePreference(c.Attestation) {
	case protocol.PreferNoAttestation, protocol.PreferIndirectAttestation, protocol.PreferDirectAttestation, protocol.PreferEnterpriseAttestation:
	default:
		return fmt.Errorf("passkey: Attestation %q is not one of none, indirect, direct, enterprise", c.Attestation)
	}
	if c.RPID != "" {
		if err := protocol.ValidateRPID(c.RPID); err != nil {
			return fmt.Errorf("passkey: RPID %q is not a host name: %v", c.RPID, err)
		}
	}
	for _, o := range c.Origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" && u.Path != "/" || u.RawQuery != "" {
			return fmt.Errorf("passkey: origin %q is not an origin like https://app.example.com", o)
		}
		if u.Scheme == "http" && !s.Development && u.Hostname() != "localhost" {
			return fmt.Errorf("passkey: origin %q is plain http; browsers allow WebAuthn on http only for localhost", o)
		}
		if c.RPID != "" && !onRPID(u.Hostname(), c.RPID) {
			return fmt.Errorf("passkey: origin %q is not on the RPID %q or a subdomain of it", o, c.RPID)
		}
	}
	return nil
}

// onRPID reports whether host is rpID or a subdomain of it (WebAuthn §5.1.3
// step 8: the RP ID must be a registrable domain suffix of the origin's
// effective domain).
func onRPID(host, rpID string) bool {
	host, rpID = strings.ToLower(host), strings.ToLower(rpID)
	return host == rpID || strings.HasSuffix(host, "."+rpID)
}

// relyingParty is the RP of a request: the configured values over the
// request's defaults.
func (p *provider) relyingParty(def webauthn.RelyingParty) webauthn.RelyingParty {
	rp := def
	if p.c.RPID != "" {
		rp.ID = p.c.RPID
	}
	if p.c.RPName != "" {
		rp.Name = p.c.RPName
	}
	if len(p.c.Origins) > 0 {
		rp.Origins = p.c.Origins
	}
	return rp
}
