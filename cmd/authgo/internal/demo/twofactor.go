package demo

import (
	"context"

	"github.com/authgo/authgo"
)

// Two-factor authentication in the demo is authgo's, with its built-in
// pages: the settings page links to /api/auth/two-factor/enroll (QR code,
// first code, backup codes) and posts its forms for new backup codes and
// for turning the factor off to authgo's endpoints, with the same CSRF
// token as every form of the app. After the password (or an email link,
// or OAuth) a user with a factor is sent to authgo's challenge.

// twoFactorRequired is the policy hook (TwoFactorConfig.Required): with
// admins set, a user whose role is admin must have a second factor; one
// without is sent to set it up before the session is issued, and cannot
// turn it off.
func (a *App) twoFactorRequired(admins bool) func(context.Context, *authgo.User) bool {
	return func(_ context.Context, u *authgo.User) bool { return admins && u.Role == "admin" }
}

// twoFactorUser is the user of s as the policy hook sees it.
func twoFactorUser(s *authgo.Session) *authgo.User {
	if s.UserRecord != nil {
		return s.UserRecord
	}
	return &authgo.User{ID: s.User.ID, Email: s.User.Email, Role: s.User.Role}
}
