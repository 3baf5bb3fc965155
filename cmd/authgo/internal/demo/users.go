package demo

import (
	"context"
	"errors"
	"net/http"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/password"
)

var errNoPassword = errors.New("no password for the demo users")

// authorize is the Authorize function of the credentials provider: the
// authorize() of the articles. authgo calls it from a.login (through
// auth.SignIn) and from POST /api/auth/callback/credentials, so it checks
// its input itself. It answers nil for every failure — unknown email,
// wrong password, malformed input — so authgo shows one message for all,
// and it spends the time of a password check when the email is unknown,
// so timing does not tell which emails exist either.
func (a *App) authorize(ctx context.Context, c authgo.Credentials, _ *http.Request) (*authgo.User, error) {
	in, errs := validateSignIn(c["email"], c["password"])
	if len(errs) > 0 {
		return nil, nil
	}
	u, err := a.db.GetUserByEmail(ctx, in.Email)
	if err != nil {
		return nil, err
	}
	hash := ""
	if u != nil {
		if hash, err = a.store.passwordHash(ctx, u.ID); err != nil {
			return nil, err
		}
	}
	if hash == "" {
		// As long as a wrong password takes; and when the server is busy
		// hashing, the same ErrBusy (503) a known account gets.
		_, err := password.DummyVerify(in.Password)
		return nil, err
	}
	ok, err := password.Verify(in.Password, hash)
	if errors.Is(err, password.ErrBusy) {
		return nil, err // authgo answers 503 with Retry-After
	}
	if err != nil {
		a.log.ErrorContext(ctx, "demo: stored password hash unreadable", "user", u.ID, "err", err)
		return nil, nil
	}
	if !ok {
		return nil, nil
	}
	if password.NeedsRehash(hash) {
		// The hash is bcrypt or has older parameters: store a new one now
		// that the password is at hand.
		if h, err := password.Hash(in.Password); err == nil {
			if err := a.store.setPasswordHash(ctx, u.ID, h); err != nil {
				a.log.WarnContext(ctx, "demo: password rehash not stored", "user", u.ID, "err", err)
			}
		}
	}
	// The role travels from the user record into the token and the session;
	// handlers read it from there, never from the request.
	return u, nil
}

// seed creates the demo users on first start, and reports in
// a.StalePasswords the users whose stored password is not pw (a file
// created with another one). With reset, their password is set to pw.
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
			if u, err = a.db.CreateUser(ctx, want); err != nil {
				return err
			}
			a.Seeded = true
		}
		stored, err := a.store.passwordHash(ctx, u.ID)
		if err != nil {
			return err
		}
		if stored != "" && !reset {
			if ok, err := password.Verify(pw, stored); err == nil && ok {
				continue
			}
			a.StalePasswords = append(a.StalePasswords, u.Email)
			continue
		}
		h, err := password.Hash(pw) // a salt of its own per user
		if err != nil {
			return err
		}
		if err := a.store.setPasswordHash(ctx, u.ID, h); err != nil {
			return err
		}
	}
	return nil
}
