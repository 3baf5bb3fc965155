package account

import (
	"errors"
	"net/netip"
	"time"
)

// Passkey is one of a user's passkeys, as authgo.Auth.ListPasskeys and GET
// <base>/passkeys show it. It holds no key material.
type Passkey struct {
	// ID is the credential id (standard base64, as stored).
	ID string `json:"id"`
	// Name is what the user called it; "" until they name it.
	Name string `json:"name"`
	// CreatedAt and LastUsedAt are zero for passkeys an Auth.js app added.
	CreatedAt  time.Time `json:"createdAt,omitzero"`
	LastUsedAt time.Time `json:"lastUsedAt,omitzero"`
	// Synced says the passkey may be backed up (a multi-device
	// credential); BackedUp that it was at its last use.
	Synced   bool `json:"synced"`
	BackedUp bool `json:"backedUp"`
	// Transports are how the browser reaches it (internal, hybrid, usb…).
	Transports []string `json:"transports,omitempty"`
	// AAGUID names the authenticator model; all zeros when it did not say.
	AAGUID string `json:"aaguid,omitempty"`
}

// Errors of the passkey management functions (authgo.Auth.RenamePasskey,
// DeletePasskey), for errors.Is.
var (
	// ErrPasskeyNotFound: the user has no passkey with this id.
	ErrPasskeyNotFound = errors.New("authgo: the user has no such passkey")
	// ErrLastPasskey: the passkey is the user's last one and the user has
	// no other way authgo knows to sign in (an email sign-in with their
	// address); deleting it needs confirmLast.
	ErrLastPasskey = errors.New("authgo: this is the user's last passkey and they may have no other way to sign in")
	// ErrInvalidPasskeyName: a name that is empty, longer than
	// MaxPasskeyName characters, or holds control characters.
	ErrInvalidPasskeyName = errors.New("authgo: a passkey name must be 1 to 64 printable characters")
)

// MaxPasskeyName is the longest passkey name, in characters.
const MaxPasskeyName = 64

// PasskeyCloneEvent is the payload of authgo.Events.PasskeyCloneWarning: a
// passkey sign-in whose signature counter did not grow, so that two copies
// of the credential may exist. It carries no key material.
type PasskeyCloneEvent struct {
	// Provider is the passkey provider's id.
	Provider string
	// UserID owns the credential.
	UserID string
	// CredentialID is the credential (standard base64), as stored; the ID
	// of its Passkey.
	CredentialID string
	// StoredCounter is the counter stored before; Counter the one sent.
	StoredCounter, Counter int64
	// ClientIP is the client, as authgo.RateLimitConfig.Proxies find it.
	ClientIP netip.Addr
	// Refused says the sign-in was refused (the provider does not allow
	// counter regressions, the default).
	Refused bool
}
