package sql

import (
	"context"
	"encoding/json"
	"time"

	"github.com/authgo/authgo/adapter"
)

var _ adapter.SecondFactorStore = (*Adapter)(nil)

// factorQueries are the statements of adapter.SecondFactorStore, on the
// side table of migration 4 ({second_factors}, authgo_second_factors by
// default).
type factorQueries struct {
	get, insert, update, delete string
}

func buildFactorQueries(d Dialect, tables replacer) factorQueries {
	p := func(q string) string { return d.prepare(q, tables) }
	const cols = `"totpSecret", "pendingSecret", "lastStep", "backupCodes", "trustedSince", "spentBefore", version`
	return factorQueries{
		get:    p(`SELECT ` + cols + ` FROM {second_factors} WHERE "userId" = ?`),
		insert: p(`INSERT INTO {second_factors} ("userId", ` + cols + `) VALUES (?, ?, ?, ?, ?, ?, ?, 1)`),
		update: p(`UPDATE {second_factors} SET "totpSecret" = ?, "pendingSecret" = ?, "lastStep" = ?, "backupCodes" = ?, "trustedSince" = ?, "spentBefore" = ?, version = version + 1 WHERE "userId" = ? AND version = ?`),
		delete: p(`DELETE FROM {second_factors} WHERE "userId" = ?`),
	}
}

// GetSecondFactor returns the user's record, nil when none.
func (a *Adapter) GetSecondFactor(ctx context.Context, userID string) (*adapter.SecondFactor, error) {
	if badKey(userID) {
		return nil, nil
	}
	var totp, pending, codes *string
	var trusted, spent int64
	f := adapter.SecondFactor{UserID: userID}
	found, err := a.one(ctx, a.fq.get, []any{userID}, &totp, &pending, &f.LastStep, &codes, &trusted, &spent, &f.Version)
	if err != nil || !found {
		return nil, a.fail(ctx, "GetSecondFactor", err)
	}
	f.TOTPSecret, f.PendingSecret = deref(totp), deref(pending)
	if c := deref(codes); c != "" {
		if err := json.Unmarshal([]byte(c), &f.BackupCodes); err != nil {
			return nil, a.fail(ctx, "GetSecondFactor", err)
		}
	}
	f.TrustedSince, f.SpentBefore = fromMicros(trusted), fromMicros(spent)
	return &f, nil
}

// PutSecondFactor inserts the record (expect 0; a row already there is a
// lost race, not an error) or updates it where its version is expect:
// one statement either way, so concurrent writers cannot both succeed.
func (a *Adapter) PutSecondFactor(ctx context.Context, f adapter.SecondFactor, expect int64) (bool, error) {
	const method = "PutSecondFactor"
	if badKey(f.UserID) {
		return false, a.fail(ctx, method, errBadKey)
	}
	var codes *string
	if len(f.BackupCodes) > 0 {
		b, _ := json.Marshal(f.BackupCodes)
		s := string(b)
		codes = &s
	}
	args := []any{nilIfEmpty(f.TOTPSecret), nilIfEmpty(f.PendingSecret), f.LastStep, codes, micros(f.TrustedSince), micros(f.SpentBefore)}
	if expect == 0 {
		_, err := a.db.ExecContext(ctx, a.fq.insert, append([]any{f.UserID}, args...)...)
		if err != nil && a.drv.Duplicate(err) {
			return false, nil
		}
		return err == nil, a.fail(ctx, method, err)
	}
	won, err := a.deleted(ctx, a.fq.update, append(args, f.UserID, expect)...)
	return won, a.fail(ctx, method, err)
}

// DeleteSecondFactor deletes the user's record.
func (a *Adapter) DeleteSecondFactor(ctx context.Context, userID string) error {
	if badKey(userID) {
		return nil
	}
	_, err := a.db.ExecContext(ctx, a.fq.delete, userID)
	return a.fail(ctx, "DeleteSecondFactor", err)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
