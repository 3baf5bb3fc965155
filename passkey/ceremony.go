package passkey

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/webauthn"
	"github.com/go-webauthn/webauthn/protocol"
	gowebauthn "github.com/go-webauthn/webauthn/webauthn"
	"github.com/google/uuid"
)

// Device types of adapter.Authenticator.CredentialDeviceType, as
// @simplewebauthn/server names the backup-eligible flag.
const (
	multiDevice  = "multiDevice"
	singleDevice = "singleDevice"
)

// engine returns go-webauthn configured for one relying party: resident
// keys and user verification required, the timeout enforced by the server
// too.
func (p *provider) engine(rp webauthn.RelyingParty) (*gowebauthn.WebAuthn, error) {
	required := true
	timeouts := gowebauthn.TimeoutConfig{Enforce: true, Timeout: p.c.Timeout, TimeoutUVD: p.c.Timeout}
	return gowebauthn.New(&gowebauthn.Config{
		RPID:                  rp.ID,
		RPDisplayName:         rp.Name,
		RPOrigins:             rp.Origins,
		AttestationPreference: protocol.ConveyancePreference(p.c.Attestation),
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			RequireResidentKey: &required,
			ResidentKey:        protocol.ResidentKeyRequirementRequired,
			UserVerification:   protocol.VerificationRequired,
		},
		Timeouts: gowebauthn.TimeoutsConfig{Login: timeouts, Registration: timeouts},
	})
}

// user is a go-webauthn User: the account a ceremony is for.
type user struct {
	handle        []byte
	name, display string
	creds         []gowebauthn.Credential
}

func (u *user) WebAuthnID() []byte                           { return u.handle }
func (u *user) WebAuthnName() string                         { return u.name }
func (u *user) WebAuthnDisplayName() string                  { return u.display }
func (u *user) WebAuthnCredentials() []gowebauthn.Credential { return u.creds }

// BeginRegistration makes the creation options of a new credential.
func (p *provider) BeginRegistration(_ context.Context, def webauthn.RelyingParty, u webauthn.User, exclude []adapter.Authenticator) (*webauthn.Ceremony, error) {
	rp := p.relyingParty(def)
	w, err := p.engine(rp)
	if err != nil {
		return nil, fmt.Errorf("passkey: relying party %q: %w", rp.ID, err)
	}
	display := u.DisplayName
	if display == "" {
		display = u.Name
	}
	var excl []protocol.CredentialDescriptor
	for _, a := range exclude {
		id, err := base64.StdEncoding.DecodeString(a.CredentialID)
		if err != nil {
			continue // not a credential a browser could hold
		}
		excl = append(excl, protocol.CredentialDescriptor{Type: protocol.PublicKeyCredentialType, CredentialID: id, Transport: transports(a.Transports)})
	}
	creation, session, err := w.BeginRegistration(&user{handle: u.Handle, name: u.Name, display: display},
		gowebauthn.WithExclusions(excl), gowebauthn.WithRegistrationRelyingPartyID(rp.ID))
	if err != nil {
		return nil, fmt.Errorf("passkey: begin registration: %w", err)
	}
	return ceremony(creation.Response, session)
}

// BeginAuthentication makes the request options of a discoverable sign-in.
func (p *provider) BeginAuthentication(_ context.Context, def webauthn.RelyingParty) (*webauthn.Ceremony, error) {
	rp := p.relyingParty(def)
	w, err := p.engine(rp)
	if err != nil {
		return nil, fmt.Errorf("passkey: relying party %q: %w", rp.ID, err)
	}
	assertion, session, err := w.BeginDiscoverableLogin(gowebauthn.WithUserVerification(protocol.VerificationRequired), gowebauthn.WithLoginRelyingPartyID(rp.ID))
	if err != nil {
		return nil, fmt.Errorf("passkey: begin authentication: %w", err)
	}
	return ceremony(assertion.Response, session)
}

func ceremony(options any, session *gowebauthn.SessionData) (*webauthn.Ceremony, error) {
	opts, err := json.Marshal(options)
	if err != nil {
		return nil, err
	}
	state, err := json.Marshal(session)
	if err != nil {
		return nil, err
	}
	return &webauthn.Ceremony{Options: opts, Challenge: session.Challenge, State: state}, nil
}

// session reads the state of a ceremony back.
func session(state []byte) (gowebauthn.SessionData, error) {
	var s gowebauthn.SessionData
	if err := json.Unmarshal(state, &s); err != nil || s.Challenge == "" {
		return s, &webauthn.Error{Code: webauthn.CodeVerification, Err: errors.New("ceremony state unreadable")}
	}
	return s, nil
}

// FinishRegistration verifies an attestation response.
func (p *provider) FinishRegistration(_ context.Context, def webauthn.RelyingParty, state, data []byte) (*webauthn.Credential, error) {
	s, err := session(state)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(data)
	if err != nil {
		return nil, &webauthn.Error{Code: webauthn.CodeMalformed, Err: describe(err)}
	}
	w, err := p.engine(p.relyingParty(def))
	if err != nil {
		return nil, err
	}
	cred, err := w.CreateCredential(&user{handle: s.UserID}, s, parsed)
	if err != nil {
		return nil, &webauthn.Error{Code: webauthn.CodeVerification, Err: describe(err)}
	}
	a := adapter.Authenticator{
		CredentialID:         base64.StdEncoding.EncodeToString(cred.ID),
		CredentialPublicKey:  base64.StdEncoding.EncodeToString(cred.PublicKey),
		Counter:              int64(cred.Authenticator.SignCount),
		CredentialDeviceType: singleDevice,
		CredentialBackedUp:   cred.Flags.BackupState,
		UserHandle:           base64.RawURLEncoding.EncodeToString(s.UserID),
	}
	a.ProviderAccountID = a.CredentialID
	if cred.Flags.BackupEligible {
		a.CredentialDeviceType = multiDevice
	}
	var ts []string
	for _, t := range cred.Transport {
		ts = append(ts, string(t))
	}
	a.Transports = strings.Join(ts, ",")
	if id, err := uuid.FromBytes(cred.Authenticator.AAGUID); err == nil {
		a.AAGUID = id.String()
	}
	return &webauthn.Credential{Authenticator: a, UserVerified: cred.Flags.UserVerified}, nil
}

// FinishAuthentication verifies an assertion response against the stored
// credential that lookup finds.
func (p *provider) FinishAuthentication(ctx context.Context, def webauthn.RelyingParty, state, data []byte, lookup webauthn.Lookup) (*webauthn.Assertion, error) {
	s, err := session(state)
	if err != nil {
		return nil, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(data)
	if err != nil {
		return nil, &webauthn.Error{Code: webauthn.CodeMalformed, Err: describe(err)}
	}
	w, err := p.engine(p.relyingParty(def))
	if err != nil {
		return nil, err
	}
	var stored *adapter.Authenticator
	refused := &webauthn.Error{Code: webauthn.CodeVerification}
	handler := func(rawID, handle []byte) (gowebauthn.User, error) {
		row, err := lookup(ctx, rawID)
		if err != nil {
			refused.Err = err
			return nil, err
		}
		if row == nil {
			refused.Code = webauthn.CodeUnknownCredential
			return nil, errors.New("no stored credential has this id")
		}
		stored = row
		return credentialOwner(row, rawID, handle, refused)
	}
	_, cred, err := w.ValidatePasskeyLogin(handler, s, parsed)
	if err != nil {
		if refused.Err == nil {
			refused.Err = describe(err)
		}
		return nil, refused
	}
	out := &webauthn.Assertion{Authenticator: *stored, Counter: int64(cred.Authenticator.SignCount), BackedUp: cred.Flags.BackupState,
		UserVerified: cred.Flags.UserVerified, CloneWarning: cred.Authenticator.CloneWarning}
	if out.CloneWarning {
		// go-webauthn keeps the stored count on a clone warning; the
		// counter the authenticator sent is what the log must show.
		out.Counter = int64(parsed.Response.AuthenticatorData.Counter)
		if !p.c.AllowCounterRegression {
			return out, &webauthn.Error{Code: webauthn.CodeCounter, Err: fmt.Errorf("signature counter %d is not above the stored %d", out.Counter, stored.Counter)}
		}
	}
	return out, nil
}

// credentialOwner is the go-webauthn User that owns the stored row: its
// user handle is the one recorded at registration. A row Auth.js wrote has
// none recorded; its handle is then taken as the response gives it, as
// Auth.js does (it never checks the handle).
func credentialOwner(row *adapter.Authenticator, rawID, handle []byte, refused *webauthn.Error) (gowebauthn.User, error) {
	owner := handle
	if row.UserHandle != "" {
		h, err := base64.RawURLEncoding.DecodeString(row.UserHandle)
		if err != nil {
			return nil, fmt.Errorf("stored user handle unreadable: %w", err)
		}
		if !bytes.Equal(h, handle) {
			refused.Code = webauthn.CodeUserHandle
			return nil, errors.New("the user handle is not the credential owner's")
		}
		owner = h
	}
	pub, err := base64.StdEncoding.DecodeString(row.CredentialPublicKey)
	if err != nil {
		return nil, fmt.Errorf("stored public key unreadable: %w", err)
	}
	c := gowebauthn.Credential{
		ID:        rawID,
		PublicKey: pub,
		Transport: transports(row.Transports),
		// The backup-eligible flag is fixed for a credential's life, and
		// go-webauthn refuses an assertion whose flag differs from the
		// stored one; Auth.js stores it as the device type.
		Flags:         gowebauthn.CredentialFlags{BackupEligible: row.CredentialDeviceType == multiDevice, BackupState: row.CredentialBackedUp, UserPresent: true, UserVerified: true},
		Authenticator: gowebauthn.Authenticator{SignCount: uint32(min(max(row.Counter, 0), 1<<32-1))},
	}
	if id, err := uuid.Parse(row.AAGUID); err == nil {
		c.Authenticator.AAGUID = id[:]
	}
	return &user{handle: owner, creds: []gowebauthn.Credential{c}}, nil
}

func transports(s string) []protocol.AuthenticatorTransport {
	var out []protocol.AuthenticatorTransport
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, protocol.AuthenticatorTransport(t))
		}
	}
	return out
}

// describe keeps the detail of a go-webauthn error (which check failed)
// for the log.
func describe(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Details != "" {
		return fmt.Errorf("%s: %s", pe.Type, pe.Details)
	}
	return err
}
