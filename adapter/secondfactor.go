package adapter

import (
	"context"
	"time"
)

// SecondFactor is the second-factor record of one user: the authenticator
// app's secret, the backup codes and the bookkeeping that makes each code
// single use. The root package writes it; an adapter stores it as it is
// given and never reads into it.
type SecondFactor struct {
	UserID string `json:"userId"`
	// TOTPSecret is the sealed (encrypted) TOTP secret of the confirmed
	// authenticator app; "" when the user has none.
	TOTPSecret string `json:"totpSecret,omitempty"`
	// PendingSecret is the sealed secret of an enrolment not confirmed
	// yet; it becomes TOTPSecret when the user types its first code.
	PendingSecret string `json:"pendingSecret,omitempty"`
	// LastStep is the last TOTP time step used (RFC 6238 counter): a code
	// of that step or an earlier one is refused.
	LastStep int64 `json:"lastStep,omitempty"`
	// BackupCodes are the hashes of the unused backup codes.
	BackupCodes []string `json:"backupCodes,omitempty"`
	// TrustedSince: a trusted-device cookie issued before it is refused
	// (the factor changed, the user signed out everywhere).
	TrustedSince time.Time `json:"trustedSince,omitzero"`
	// SpentBefore: a pending second-factor state issued at or before it is
	// refused (a later challenge succeeded), so one cannot be replayed.
	// Both times are compared to the microsecond: a store keeps them so.
	SpentBefore time.Time `json:"spentBefore,omitzero"`
	// Version counts the writes of the record, from 1; the write that
	// expects version v stores v+1.
	Version int64 `json:"version"`
}

// SecondFactorStore is implemented by adapters that keep users' second
// factors (the memory and SQL adapters). Every change is one
// compare-and-swap on the record's Version, so two requests that use the
// same code, or confirm an enrolment, at once cannot both succeed.
type SecondFactorStore interface {
	// GetSecondFactor returns the user's record, nil when there is none.
	GetSecondFactor(ctx context.Context, userID string) (*SecondFactor, error)
	// PutSecondFactor stores f (with Version expect+1) if the stored
	// record's Version is expect (0: there is none) and reports whether it
	// did; false means another write came first. f.Version is ignored.
	PutSecondFactor(ctx context.Context, f SecondFactor, expect int64) (bool, error)
	// DeleteSecondFactor removes the user's record (second factor off);
	// none is not an error.
	DeleteSecondFactor(ctx context.Context, userID string) error
}
