// Package webauthn is the contract between authgo's passkey flow and its
// one engine. The root package keeps what is generic — the challenge
// cookie, single use of each challenge, users, accounts, authenticator
// rows, the session — and the module github.com/authgo/authgo/passkey
// runs the WebAuthn ceremonies on go-webauthn. The contract lives here,
// below both, so that go-webauthn stays out of the root module's
// requirements (and so out of every user's module graph); users never
// implement it, they call passkey.Provider.
package webauthn

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/authgo/authgo/adapter"
)

// Provider is a passkey provider as the root package's webauthn-options
// and callback actions drive it.
type Provider interface {
	ID() string
	Name() string
	Type() string
	// Settings returns the provider's fixed settings.
	Settings() Settings
	// BeginRegistration makes the creation options for a new credential of
	// user, excluding the credentials in exclude.
	BeginRegistration(ctx context.Context, rp RelyingParty, user User, exclude []adapter.Authenticator) (*Ceremony, error)
	// FinishRegistration verifies the attestation response data (the JSON
	// of the browser's PublicKeyCredential) against the state of the
	// ceremony and returns the new credential. Every refusal is an *Error.
	FinishRegistration(ctx context.Context, rp RelyingParty, state, data []byte) (*Credential, error)
	// BeginAuthentication makes the request options of a sign-in with a
	// discoverable credential (no allow list: the options never tell whose
	// credentials exist).
	BeginAuthentication(ctx context.Context, rp RelyingParty) (*Ceremony, error)
	// FinishAuthentication verifies the assertion response data against
	// the state of the ceremony; lookup finds the stored authenticator of
	// the credential id. Every refusal is an *Error.
	FinishAuthentication(ctx context.Context, rp RelyingParty, state, data []byte, lookup Lookup) (*Assertion, error)
}

// Settings are a provider's fixed settings.
type Settings struct {
	// SignUp allows a browser that is not signed in to register a passkey
	// for a new user (with an email address no user has).
	SignUp bool
	// Timeout is how long a ceremony may take.
	Timeout time.Duration
	// AllowCounterRegression signs in a credential whose signature counter
	// went back (a possible clone), after the warning; by default it is
	// refused.
	AllowCounterRegression bool
}

// RelyingParty is the relying party of one request: the configured values,
// else those of the request's origin (as Auth.js defaults them).
type RelyingParty struct {
	ID      string   // the RP ID, a host name
	Name    string   // shown by the authenticator
	Origins []string // the origins a response may come from
}

// User is the account a credential is registered for.
type User struct {
	Handle      []byte // the WebAuthn user handle, at most 64 bytes
	Name        string // e.g. the email address
	DisplayName string
}

// Ceremony is a begun ceremony.
type Ceremony struct {
	// Options is the JSON the browser passes to navigator.credentials:
	// PublicKeyCredentialCreationOptionsJSON or
	// PublicKeyCredentialRequestOptionsJSON.
	Options json.RawMessage
	// Challenge is the challenge, base64url: the root records it to make
	// it single use.
	Challenge string
	// State is what the finish step needs back, kept sealed in the
	// challenge cookie.
	State []byte
}

// Lookup returns the stored authenticator of a credential id (raw bytes),
// or (nil, nil) when there is none.
type Lookup func(ctx context.Context, credentialID []byte) (*adapter.Authenticator, error)

// Credential is a verified new credential. Authenticator has
// CredentialID, CredentialPublicKey (standard base64), Counter,
// CredentialDeviceType, CredentialBackedUp, Transports, UserHandle and
// AAGUID set; the root package fills in the rest.
type Credential struct {
	Authenticator adapter.Authenticator
	UserVerified  bool
}

// Assertion is a verified sign-in with a stored credential.
type Assertion struct {
	// Authenticator is the stored row that lookup returned.
	Authenticator adapter.Authenticator
	Counter       int64
	BackedUp      bool
	UserVerified  bool
	// CloneWarning is set when the signature counter did not grow: the
	// credential may have been copied. The sign-in was refused unless
	// Settings.AllowCounterRegression is set.
	CloneWarning bool
}

// Codes of an Error.
const (
	// CodeMalformed: the data is not a credential response.
	CodeMalformed = "malformed"
	// CodeUnknownCredential: no stored authenticator has the credential id.
	CodeUnknownCredential = "unknown_credential"
	// CodeUserHandle: the user handle is not the credential owner's.
	CodeUserHandle = "user_handle"
	// CodeCounter: the signature counter went back (a possible clone).
	CodeCounter = "counter"
	// CodeVerification: a check of the ceremony failed (challenge,
	// origin, RP ID, flags, signature, attestation).
	CodeVerification = "verification"
)

// Error is a refused ceremony. Its message names the check that failed and
// never holds key material.
type Error struct {
	Code string
	Err  error
}

// Error returns "webauthn: <code>: <cause>".
func (e *Error) Error() string {
	if e.Err == nil {
		return "webauthn: " + e.Code
	}
	return "webauthn: " + e.Code + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// CodeOf returns the code of an *Error in err, or "".
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
