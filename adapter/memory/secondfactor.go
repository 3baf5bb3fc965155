package memory

import (
	"context"
	"slices"

	"github.com/authgo/authgo/adapter"
)

var _ adapter.SecondFactorStore = (*Adapter)(nil)

// GetSecondFactor returns a copy of the user's second-factor record, nil
// when there is none.
func (m *Adapter) GetSecondFactor(ctx context.Context, userID string) (*adapter.SecondFactor, error) {
	if err := m.begin(ctx, "GetSecondFactor"); err != nil {
		return nil, err
	}
	defer m.mu.Unlock()
	f, ok := m.factors[userID]
	if !ok {
		return nil, nil
	}
	f.BackupCodes = slices.Clone(f.BackupCodes)
	return &f, nil
}

// PutSecondFactor stores f when the stored version is expect (0: none),
// under the adapter's lock.
func (m *Adapter) PutSecondFactor(ctx context.Context, f adapter.SecondFactor, expect int64) (bool, error) {
	if err := m.begin(ctx, "PutSecondFactor"); err != nil {
		return false, err
	}
	defer m.mu.Unlock()
	if f.UserID == "" {
		return false, fail("PutSecondFactor", errNoUser)
	}
	if m.factors[f.UserID].Version != expect {
		return false, nil
	}
	f.Version = expect + 1
	f.BackupCodes = slices.Clone(f.BackupCodes)
	f.TrustedSince, f.SpentBefore = utc(f.TrustedSince), utc(f.SpentBefore)
	m.factors[f.UserID] = f
	return true, nil
}

// DeleteSecondFactor removes the user's record.
func (m *Adapter) DeleteSecondFactor(ctx context.Context, userID string) error {
	if err := m.begin(ctx, "DeleteSecondFactor"); err != nil {
		return err
	}
	defer m.mu.Unlock()
	delete(m.factors, userID)
	return nil
}
