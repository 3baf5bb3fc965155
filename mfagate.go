package authgo

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/amr"
	"github.com/authgo/authgo/internal/cookie"
)

// The second factor at the end of every first factor.
//
// issueSession asks secondFactorGate before it issues a session. When the
// user has a factor (or policy requires one) and the sign-in has not proved
// two factors already (a passkey with user verification declares
// amr.MultiFactor), no session is issued: the sign-in — user, account,
// profile, the methods proved, where to go next — is sealed into the
// "second factor pending" cookie (JWE under the auth secret, bound to its
// name, PendingMaxAge long), and the user is sent to the challenge
// (mfachallenge.go) or, when policy requires a factor they have not set up,
// to enrolment (mfaenrol.go). The JWT callback, Events.SignIn and the
// success log wait until the second factor is proved, and then see the
// sign-in as the first factor left it.
//
// A pending state is spent by the success it leads to: the user's record
// remembers the time of the latest pending state that succeeded
// (SpentBefore), and older or equal ones are refused, so a copied cookie
// cannot be replayed after the sign-in.

const (
	pendingCookieName = "authjs.second-factor"
	trustedCookieName = "authjs.trusted-device"
)

// pendingState is the content of the pending cookie.
type pendingState struct {
	User     *User          `json:"user"`
	Account  *Account       `json:"account,omitempty"`
	Profile  map[string]any `json:"profile,omitempty"`
	NewUser  bool           `json:"newUser,omitempty"`
	Methods  []string       `json:"amr"`
	Provider string         `json:"provider"`
	Callback string         `json:"callbackUrl"`
	At       int64          `json:"pendingAt"` // Unix microseconds
	// Enrol: policy requires a factor the user has not set up; the state
	// leads to enrolment, not to the challenge.
	Enrol bool `json:"enrol,omitempty"`
}

func (p *pendingState) signedIn() signedIn {
	return signedIn{user: p.User, account: p.Account, profile: p.Profile, isNewUser: p.NewUser, methods: p.Methods, provider: p.Provider}
}

// factorCookie is the options of one of the second factor's cookies:
// those of the state cookie (HttpOnly, SameSite=Lax, Secure and
// __Secure- on https), under its own name.
func (a *Auth) factorCookie(rq *request, name string, maxAge time.Duration) cookie.Options {
	o := rq.cookies.State
	o.Name = name
	if o.Secure {
		o.Name = "__Secure-" + name
	}
	o.MaxAge = maxAge
	return o
}

func (a *Auth) pendingCookie(rq *request) cookie.Options {
	return a.factorCookie(rq, pendingCookieName, a.twoFactor.cfg.PendingMaxAge)
}

// secondFactorGate decides, at the end of a first factor, whether the user
// must still prove a second one. It returns the URL of the challenge (and
// has set the pending cookie on w) when so, "" when the session may be
// issued now.
func (a *Auth) secondFactorGate(ctx context.Context, w http.ResponseWriter, rq *request, in signedIn) (string, error) {
	tf := a.twoFactor
	if tf == nil || in.user == nil || slices.Contains(in.methods, amr.MultiFactor) {
		return "", nil
	}
	rec, err := tf.store.GetSecondFactor(ctx, in.user.ID)
	if err != nil {
		return "", &Error{Type: AdapterError, Err: err}
	}
	enrolled := rec != nil && rec.TOTPSecret != ""
	if !enrolled && !a.factorRequired(ctx, in.user) {
		return "", nil
	}
	if enrolled && a.deviceTrusted(ctx, rq, in.user.ID, rec) {
		a.log.InfoContext(ctx, "authgo: second factor skipped on a trusted device", "identifier_hash", a.signIns.identifierHash(in.user.ID))
		return "", nil
	}
	st := pendingState{User: in.user, Account: in.account, Profile: in.profile, NewUser: in.isNewUser, Methods: in.methods,
		Provider: in.provider, Callback: a.callbackURL(rq), At: a.revocations.startAfterEpoch(in.user.ID, a.now(), time.Microsecond).UnixMicro(), Enrol: !enrolled}
	o := a.pendingCookie(rq)
	value, err := a.codec.Encode(st, o.Name, o.MaxAge)
	if err != nil {
		return "", errorf(Configuration, "encode second-factor state: %w", err)
	}
	cookie.WriteChunked(w, rq.r, o, value, a.now().Add(o.MaxAge))
	a.log.InfoContext(ctx, "authgo: first factor passed, second factor pending", "provider", in.provider,
		"client_ip", ipString(a.clientIP(rq.r)), "identifier_hash", a.signIns.identifierHash(in.user.ID), "enrol", st.Enrol)
	if st.Enrol {
		return rq.actionURL(a, "two-factor/enroll"), nil
	}
	return rq.actionURL(a, "two-factor/challenge"), nil
}

// factorRequired applies the policy: RequiredForAll, else Required.
func (a *Auth) factorRequired(ctx context.Context, u *User) bool {
	c := a.twoFactor.cfg
	return c.RequiredForAll || (c.Required != nil && c.Required(ctx, u))
}

// readPending returns the pending state of rq, nil when there is none or
// it is expired, forged or spent (rec is the user's record then, to save
// the caller a read).
func (a *Auth) readPending(ctx context.Context, rq *request) (*pendingState, *adapter.SecondFactor, error) {
	o := a.pendingCookie(rq)
	raw := cookie.ReadChunked(rq.r, o.Name)
	if raw == "" {
		return nil, nil, nil
	}
	var st pendingState
	if err := a.codec.DecodeInto(raw, o.Name, &st); err != nil || st.User == nil || st.User.ID == "" {
		a.log.InfoContext(ctx, "authgo: second-factor state refused", "err", err)
		return nil, nil, nil
	}
	if rv := a.revocations; rv.store != nil {
		// Begun before the user signed out everywhere (a user without a
		// factor has no record to mark it spent in).
		revoked, err := rv.userRevoked(ctx, st.User.ID, time.UnixMicro(st.At), a.now())
		if err != nil {
			return nil, nil, &Error{Type: AdapterError, Err: err}
		}
		if revoked {
			a.log.WarnContext(ctx, "authgo: second-factor state from before a sign-out everywhere refused", "client_ip", ipString(a.clientIP(rq.r)),
				"identifier_hash", a.signIns.identifierHash(st.User.ID))
			return nil, nil, nil
		}
	}
	rec, err := a.twoFactor.store.GetSecondFactor(ctx, st.User.ID)
	if err != nil {
		return nil, nil, &Error{Type: AdapterError, Err: err}
	}
	if rec != nil && st.At <= rec.SpentBefore.UnixMicro() {
		a.log.WarnContext(ctx, "authgo: spent second-factor state replayed", "client_ip", ipString(a.clientIP(rq.r)),
			"identifier_hash", a.signIns.identifierHash(st.User.ID))
		return nil, nil, nil
	}
	return &st, rec, nil
}

// trustedClaims is the content of the trusted-device cookie.
type trustedClaims struct {
	Subject string `json:"sub"`
	At      int64  `json:"trustedAt"` // Unix microseconds
}

func (a *Auth) trustedCookie(rq *request) cookie.Options {
	return a.factorCookie(rq, trustedCookieName, a.twoFactor.cfg.TrustedDeviceMaxAge)
}

// deviceTrusted reports whether rq carries a trusted-device cookie of
// userID that is still good: not expired, issued after the factor last
// changed and after the user last signed out everywhere.
func (a *Auth) deviceTrusted(ctx context.Context, rq *request, userID string, rec *adapter.SecondFactor) bool {
	if a.twoFactor.cfg.TrustedDeviceMaxAge < 0 {
		return false
	}
	o := a.trustedCookie(rq)
	raw := cookie.Value(rq.r, o.Name)
	if raw == "" {
		return false
	}
	var c trustedClaims
	if err := a.codec.DecodeInto(raw, o.Name, &c); err != nil || c.Subject != userID {
		return false
	}
	return c.At > rec.TrustedSince.UnixMicro()
}

// trustDevice sets the trusted-device cookie of userID on w.
func (a *Auth) trustDevice(w http.ResponseWriter, rq *request, userID string) error {
	o := a.trustedCookie(rq)
	value, err := a.codec.Encode(trustedClaims{Subject: userID, At: a.now().UnixMicro()}, o.Name, o.MaxAge)
	if err != nil {
		return errorf(Configuration, "encode trusted-device cookie: %w", err)
	}
	cookie.Write(w, o.Cookie(value, a.now().Add(o.MaxAge)))
	return nil
}

// distrustDevices refuses every trusted-device cookie of userID issued
// until now, and spends every pending sign-in begun until now, so that a
// first factor proved before (a phished password) cannot be completed
// after it (the user signed out everywhere).
func (a *Auth) distrustDevices(ctx context.Context, userID string) error {
	if a.twoFactor == nil {
		return nil
	}
	now := a.now()
	_, err := a.updateFactor(ctx, userID, func(f *adapter.SecondFactor) error {
		if f.Version == 0 {
			return errNoChange
		}
		f.TrustedSince = now
		if now.After(f.SpentBefore) {
			f.SpentBefore = now
		}
		return nil
	})
	if errors.Is(err, errNoChange) {
		return nil
	}
	return err
}

// showAuthMethods reports whether the session JSON carries "amr" and
// "auth_time": when the second factor is configured. Otherwise the JSON is
// exactly Auth.js's.
func (a *Auth) showAuthMethods() bool { return a.twoFactor != nil }
