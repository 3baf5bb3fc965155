package serve

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/providers"
)

// users are the users of the config file, by normalised email.
type users map[string]UserFile

func newUsers(list []UserFile, roles []string) (users, error) {
	out := users{}
	for i, u := range list {
		where := fmt.Sprintf("users[%d]", i+1)
		addr, ok := email.Normalize(u.Email)
		if !ok {
			return nil, fmt.Errorf("%s: email %q is not an email address", where, u.Email)
		}
		if _, dup := out[addr]; dup {
			return nil, fmt.Errorf("%s: %s is listed twice", where, addr)
		}
		if u.Role != "" && !slices.Contains(roles, u.Role) {
			return nil, fmt.Errorf("%s: role %q is not in access.roles (%s)", where, u.Role, strings.Join(roles, ", "))
		}
		if u.PasswordHash != "" {
			if _, err := password.Verify("", u.PasswordHash); err != nil {
				return nil, fmt.Errorf("%s: password_hash is not an argon2id or bcrypt hash (make one with authgo serve --hash-password): %v", where, err)
			}
		}
		u.Email = addr
		if u.ID == "" {
			u.ID = addr
		}
		out[addr] = u
	}
	return out, nil
}

// hasPasswords reports whether some user signs in with a password.
func (us users) hasPasswords() bool {
	for _, u := range us {
		if u.PasswordHash != "" {
			return true
		}
	}
	return false
}

// provider is the credentials provider over the users with a password.
// An unknown email costs a dummy hash, as much time as a wrong password.
func (us users) provider() authgo.Provider {
	return providers.Credentials(providers.CredentialsConfig{
		Name: "Email and password",
		Authorize: func(ctx context.Context, c authgo.Credentials, _ *http.Request) (*authgo.User, error) {
			u, ok := us[c["email"]]
			if !ok || u.PasswordHash == "" {
				_, err := password.DummyVerify(c["password"])
				return nil, err
			}
			match, err := password.Verify(c["password"], u.PasswordHash)
			if err != nil || !match {
				return nil, err
			}
			return &authgo.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}, nil
		},
	})
}

// roleJWT gives a JWT session at sign-in the role its email has in the
// file, when the provider gave none (an OAuth sign-in).
func (us users) roleJWT(_ context.Context, p authgo.JWTParams) (*authgo.Token, error) {
	t := p.Token
	if t == nil || t.Role != "" || (p.Trigger != authgo.TriggerSignIn && p.Trigger != authgo.TriggerSignUp) {
		return t, nil
	}
	addr, _ := email.Normalize(t.Email)
	if u, ok := us[addr]; ok {
		t.Role = u.Role
	}
	return t, nil
}

// sync creates the file's users in the database, or brings their name and
// role up to date, so that database sessions carry the file's roles. An
// address held by a user of another id whose address nobody verified is
// an error: the role is not handed to a stranger's sign-up.
func (us users) sync(ctx context.Context, ad adapter.Adapter) error {
	for _, u := range us {
		cur, err := ad.GetUserByEmail(ctx, u.Email)
		if err != nil {
			return fmt.Errorf("users: look up %s: %w", u.Email, err)
		}
		if cur == nil {
			if _, err := ad.CreateUser(ctx, adapter.User{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role}); err != nil {
				return fmt.Errorf("users: create %s: %w", u.Email, err)
			}
			continue
		}
		if cur.ID != u.ID && cur.EmailVerified == nil {
			// Someone signed up with the address (a passkey sign-up proves
			// no mailbox) before it was listed: giving that user the file's
			// role would hand it to them.
			return fmt.Errorf("users: %s is in the database already as user %s, whose address nobody verified (someone may have signed up with it): it would get role %q. Delete that user, or have the owner prove the address with an email sign-in, then start again", u.Email, cur.ID, u.Role)
		}
		if cur.Role != u.Role || (u.Name != "" && cur.Name != u.Name) {
			cur.Role = u.Role
			if u.Name != "" {
				cur.Name = u.Name
			}
			if _, err := ad.UpdateUser(ctx, *cur); err != nil {
				return fmt.Errorf("users: update %s: %w", u.Email, err)
			}
		}
	}
	return nil
}
