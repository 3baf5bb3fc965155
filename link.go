package authgo

import (
	"context"
	"errors"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/oauth"
	"github.com/authgo/authgo/internal/uuid"
)

// userIDNamespace is the UUID namespace of the user ids derived from a
// provider account when there is no adapter.
var userIDNamespace = uuid.MustParse("3d0f6f9e-5b7a-4c1e-9a57-2f4b8c0d6e21")

// StableUserID returns the user id authgo gives an OAuth user when there is
// no adapter: a name-based (version 5) UUID of the provider id and the
// provider's account id. The same account gets the same id at every
// sign-in, so the session's sub is stable — unlike Auth.js, which makes a
// new random id each time (its issue #12050).
func StableUserID(provider, providerAccountID string) string {
	return uuid.NewSHA1(userIDNamespace, []byte(provider+"\x00"+providerAccountID))
}

// oauthSignIn runs the SignIn callback and Auth.js's handleLoginOrRegister
// (§6.2) for a completed provider flow. It returns the sign-in to issue, or
// a URL when the SignIn callback redirects instead.
//
// Without an adapter nothing is stored and the user id is StableUserID.
// With one:
//   - an account already linked signs its user in, unless another user is
//     signed in (OAuthAccountNotLinked);
//   - a new account is linked to the signed-in user;
//   - a new account whose email belongs to a user is linked to that user
//     only when the provider allows dangerous email account linking, else
//     OAuthAccountNotLinked;
//   - otherwise the user and the account are created, in one transaction
//     when the adapter is an adapter.UserAccountCreator.
func (a *Auth) oauthSignIn(ctx context.Context, rq *request, p oauth.Provider, res *oauth.Result) (signedIn, string, error) {
	acct := &res.Account
	user := res.User // its Email is canonical: see providerEmail
	user.EmailVerified = nil
	ad := a.cfg.Adapter
	if ad == nil {
		user.ID = StableUserID(p.ID(), acct.ProviderAccountID)
		acct.UserID = user.ID
		to, err := a.runSignIn(ctx, rq, SignInParams{User: &user, Account: acct, Profile: res.Profile, Request: rq.r})
		if err != nil || to != "" {
			return signedIn{}, to, err
		}
		return signedIn{user: &user, account: acct, profile: res.Profile}, "", nil
	}

	byAccount, err := ad.GetUserByAccount(ctx, acct.Provider, acct.ProviderAccountID)
	if err != nil {
		return signedIn{}, "", &Error{Type: AdapterError, Err: err}
	}
	candidate := &user
	if byAccount != nil {
		candidate = byAccount
	} else {
		user.ID = StableUserID(p.ID(), acct.ProviderAccountID)
	}
	if to, err := a.runSignIn(ctx, rq, SignInParams{User: candidate, Account: acct, Profile: res.Profile, Request: rq.r}); err != nil || to != "" {
		return signedIn{}, to, err
	}
	current, err := a.currentUser(ctx, rq)
	if err != nil {
		return signedIn{}, "", err
	}

	if byAccount != nil {
		if current != nil && current.ID != byAccount.ID {
			return signedIn{}, "", errorf(OAuthAccountNotLinked, "the %s account is already linked to another user", p.ID())
		}
		acct.UserID = byAccount.ID
		if up, ok := ad.(adapter.AccountUpdater); ok {
			// Keep the stored tokens current; a failure here does not
			// stop the sign-in.
			if err := up.UpdateAccount(ctx, *acct); err != nil {
				a.log.WarnContext(ctx, "authgo: storing the new tokens of an account failed", "provider", p.ID(), "err", err)
			}
		}
		return signedIn{user: byAccount, account: acct, profile: res.Profile}, "", nil
	}

	if current != nil {
		acct.UserID = current.ID
		if err := ad.LinkAccount(ctx, *acct); err != nil {
			return signedIn{}, "", &Error{Type: AdapterError, Err: err}
		}
		a.linkAccountEvent(ctx, current, acct, res.Profile)
		return signedIn{user: current, account: acct, profile: res.Profile}, "", nil
	}

	if user.Email != "" {
		byEmail, err := ad.GetUserByEmail(ctx, user.Email)
		if err != nil {
			return signedIn{}, "", &Error{Type: AdapterError, Err: err}
		}
		if byEmail != nil {
			if !p.AllowDangerousEmailAccountLinking() {
				return signedIn{}, "", errorf(OAuthAccountNotLinked, "another user has the email address of this %s account", p.ID())
			}
			acct.UserID = byEmail.ID
			if err := ad.LinkAccount(ctx, *acct); err != nil {
				return signedIn{}, "", &Error{Type: AdapterError, Err: err}
			}
			a.linkAccountEvent(ctx, byEmail, acct, res.Profile)
			return signedIn{user: byEmail, account: acct, profile: res.Profile}, "", nil
		}
	}

	created, err := a.createOAuthUser(ctx, user, acct)
	if errors.Is(err, adapter.ErrDuplicate) {
		// A concurrent sign-in of the same account may have created it
		// first: sign in as that user. Otherwise the email is taken.
		if again, err2 := ad.GetUserByAccount(ctx, acct.Provider, acct.ProviderAccountID); err2 == nil && again != nil {
			acct.UserID = again.ID
			return signedIn{user: again, account: acct, profile: res.Profile}, "", nil
		}
		return signedIn{}, "", errorf(OAuthAccountNotLinked, "creating the user of a new %s account: %v", p.ID(), err)
	}
	if err != nil {
		return signedIn{}, "", &Error{Type: AdapterError, Err: err}
	}
	acct.UserID = created.ID
	emit(ctx, a.log, "createUser", a.cfg.Events.CreateUser, created)
	a.linkAccountEvent(ctx, created, acct, res.Profile)
	return signedIn{user: created, account: acct, profile: res.Profile, isNewUser: true}, "", nil
}

// createOAuthUser creates the user of a new account and links the account:
// in one transaction when the adapter can, else one after the other,
// removing the user again when the link fails.
func (a *Auth) createOAuthUser(ctx context.Context, u User, acct *Account) (*User, error) {
	ad := a.cfg.Adapter
	u.ID = "" // the adapter makes the id
	if c, ok := ad.(adapter.UserAccountCreator); ok {
		return c.CreateUserAndLinkAccount(ctx, u, *acct)
	}
	created, err := ad.CreateUser(ctx, u)
	if err != nil {
		return nil, err
	}
	link := *acct
	link.UserID = created.ID
	if err := ad.LinkAccount(ctx, link); err != nil {
		if derr := ad.DeleteUser(ctx, created.ID); derr != nil {
			a.log.ErrorContext(ctx, "authgo: removing a user whose account could not be linked failed", "provider", acct.Provider, "err", derr)
		}
		return nil, err
	}
	return created, nil
}

func (a *Auth) linkAccountEvent(ctx context.Context, u *User, acct *Account, profile map[string]any) {
	emit(ctx, a.log, "linkAccount", a.cfg.Events.LinkAccount, LinkAccountEvent{User: u, Account: acct, Profile: profile})
}

// currentUser returns the user signed in on rq, from the JWT's sub or the
// database session, or nil. A missing, expired or unreadable session is
// no user; only a failing store is an error.
func (a *Auth) currentUser(ctx context.Context, rq *request) (*User, error) {
	ad := a.cfg.Adapter
	o := rq.cookies.SessionToken
	if a.cfg.Session.Strategy == StrategyDatabase {
		token := cookie.Value(rq.r, o.Name)
		if token == "" || len(token) > 512 {
			return nil, nil
		}
		row, u, err := ad.GetSessionAndUser(ctx, token)
		if err != nil {
			return nil, &Error{Type: SessionTokenError, Err: err}
		}
		if row == nil || u == nil || !row.Expires.After(a.now()) || a.authExpired(row.CreatedAt, a.now()) {
			return nil, nil
		}
		return u, nil
	}
	// The checks of a session read: signed out, revoked or past
	// MaxAuthAge is no user.
	c := a.readJWTCookie(rq)
	if c.raw == "" {
		return nil, nil
	}
	t, err := a.decodeJWTCookie(c)
	if err != nil || t.Subject == "" {
		return nil, nil
	}
	if live, err := a.tokenLive(ctx, t, a.now()); err != nil || !live {
		return nil, err
	}
	u, err := ad.GetUser(ctx, t.Subject)
	if err != nil {
		return nil, &Error{Type: AdapterError, Err: err}
	}
	return u, nil
}
