package demo

import (
	"context"
	"errors"

	"github.com/authgo/authgo/password"
)

var errNoPassword = errors.New("no password for the demo users")

// The demo's users sign in through authgo's password accounts
// (providers.Password, id "credentials"): authgo checks the argon2id hash
// it keeps in its own table (authgo_passwords, through the adapter's
// PasswordStore), rehashes bcrypt, spends a hash's time on unknown
// addresses, and serves sign-up, verification, reset, change and deletion.

// seed creates the demo users on first start, and reports in
// a.StalePasswords the users whose stored password is not pw (a file
// created with another one). With reset, their password is set to pw. A
// file made by an older demo, whose hashes are in demo_credentials, has
// them moved to authgo's table.
func (a *App) seed(ctx context.Context, pw string, reset bool) error {
	if pw == "" {
		return errNoPassword
	}
	for _, want := range demoUsers {
		u, err := a.db.GetUserByEmail(ctx, want.Email)
		if err != nil {
			return err
		}
		if u == nil {
			h, err := password.Hash(pw) // a salt of its own per user
			if err != nil {
				return err
			}
			if _, err = a.db.CreateUserWithPassword(ctx, want, h); err != nil {
				return err
			}
			a.Seeded = true
			continue
		}
		stored, err := a.db.GetPasswordHash(ctx, u.ID)
		if err == nil && stored == "" {
			stored, err = a.store.legacyPasswordHash(ctx, u.ID)
		}
		if err != nil {
			return err
		}
		if stored != "" && !reset {
			if ok, err := password.Verify(pw, stored); err != nil || !ok {
				a.StalePasswords = append(a.StalePasswords, u.Email)
			}
			if _, err := a.db.SetPasswordHash(ctx, u.ID, "", stored); err != nil {
				return err
			}
			continue
		}
		h, err := password.Hash(pw)
		if err != nil {
			return err
		}
		if _, err := a.db.SetPasswordHash(ctx, u.ID, "", h); err != nil {
			return err
		}
	}
	return nil
}
