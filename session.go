package authgo

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/cookie"
)

// lastSeenEvery is how often a database session's LastSeenAt is written.
const lastSeenEvery = time.Hour

// SessionRecord is a database session row.
type SessionRecord = adapter.Session

func (a *Auth) clearSessionCookies(rq *request) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) { cookie.ClearChunked(w, rq.r, rq.cookies.SessionToken) }
}

// issueSession starts the session of a user who just signed in: a JWT
// cookie (after the JWT callback with trigger signIn or signUp) or a
// database session row and its cookie.
//
// Every sign-in path ends here, so the second factor is enforced here
// (mfagate.go): when the user must still prove one, no session is issued;
// the "second factor pending" cookie is set instead and challenge is the
// URL to send the user to in place of the callback URL. The caller then
// tells no SignIn event and logs no success: the sign-in is not done.
func (a *Auth) issueSession(ctx context.Context, w http.ResponseWriter, rq *request, in signedIn) (challenge string, err error) {
	if challenge, err := a.secondFactorGate(ctx, w, rq, in); err != nil || challenge != "" {
		return challenge, err
	}
	return "", a.startSession(ctx, w, rq, in)
}

// startSession issues the session of in, whose factors are all proved.
func (a *Auth) startSession(ctx context.Context, w http.ResponseWriter, rq *request, in signedIn) error {
	// The token records its start to the millisecond (auth_time).
	now := a.revocations.startAfterEpoch(in.user.ID, a.now(), time.Millisecond)
	expires, maxAge := a.sessionExpiry(now, now)
	if a.cfg.Session.Strategy == StrategyDatabase {
		row := SessionRecord{
			SessionToken: a.cfg.Session.GenerateToken() + a.sessionTokenMethods(in.methods),
			UserID:       in.user.ID,
			Expires:      expires,
			CreatedAt:    now,
			LastSeenAt:   now,
			UserAgent:    clip.String(strings.ToValidUTF8(rq.r.UserAgent(), "\uFFFD"), 512),
		}
		if a.cfg.Session.RecordClientIP {
			if ip := a.cfg.RateLimit.Proxies.ClientIP(rq.r); ip.IsValid() {
				row.IP = ip.String()
			}
		}
		created, err := a.cfg.Adapter.CreateSession(ctx, row)
		if err != nil {
			return &Error{Type: AdapterError, Err: err}
		}
		if created != nil {
			row = *created
		}
		// WriteChunked also deletes chunks of a JWT left over from the
		// other strategy.
		cookie.WriteChunked(w, rq.r, rq.cookies.SessionToken, row.SessionToken, row.Expires)
		return nil
	}
	trigger := TriggerSignIn
	if in.isNewUser {
		trigger = TriggerSignUp
	}
	// A new session id at every sign-in: signing out ends this session
	// alone (and a token planted before the sign-in is another session).
	def := &Token{Subject: in.user.ID, Name: in.user.Name, Email: in.user.Email, Picture: in.user.Image, Role: in.user.Role,
		Extra: map[string]any{authTimeClaim: float64(now.UnixMilli()) / 1000, sessionIDClaim: newSessionID()}}
	if len(in.methods) > 0 {
		def.Extra[amrClaim] = in.methods
	}
	tok, err := a.runJWT(ctx, JWTParams{Token: def, Trigger: trigger, User: in.user, Account: in.account, Profile: in.profile, IsNewUser: in.isNewUser})
	if err != nil {
		return err
	}
	o := rq.cookies.SessionToken
	if tok == nil {
		cookie.ClearChunked(w, rq.r, o)
		return nil
	}
	keepSessionClaims(def, tok)
	value, err := a.codec.Encode(tok, o.Name, maxAge)
	if err != nil {
		return errorf(JWTSessionError, "encode session token: %w", err)
	}
	cookie.WriteChunked(w, rq.r, o, value, expires)
	return nil
}

// signedIn is a completed sign-in, before its session is issued.
type signedIn struct {
	user      *User
	account   *Account
	profile   map[string]any
	isNewUser bool
	// methods are the RFC 8176 amr values the path proved (package amr):
	// amr.Password for credentials, amr.Federated for OAuth,
	// amr.Email for email links and codes; a passkey with user verification
	// adds amr.MultiFactor, which satisfies the second-factor check.
	methods []string
	// provider is the id of the provider that signed the user in.
	provider string
}
