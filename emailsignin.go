package authgo

import (
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/ratelimit"
)

// EmailProvider signs users in by email: a one-time link, a one-time code,
// or both. providers.Email makes one. New requires an Adapter with an email
// provider: tokens and users are stored there.
//
// Wire: POST <base>/signin/<id> with email, csrfToken and callbackUrl stores the
// token as Auth.js does (hex(SHA-256(token + secret)), the secrets
// comma-joined), mails the link
// <origin><base>/callback/<id>?callbackUrl=…&token=…&email=… and answers 302
// to <base>/verify-request?provider=<id>&type=email (200 {"url": …} with
// X-Auth-Return-Redirect). A link made by an Auth.js app on the same database
// and secret signs in here, and the reverse. A missing, used, expired or
// mismatched token is the Verification error (the error page, 403).
//
// Threat model: mail scanners (Outlook Safe Links, Defender, Mimecast) and link previews
// fetch every URL of a mail before the reader clicks. With Auth.js such a
// fetch consumes the one-time token, so the reader's click fails. authgo's
// GET of the link consumes nothing: it answers a small page, "Sign in as
// ada@example.com" and one button, whose POST (CSRF-protected, no script)
// consumes the token. HEAD is refused and changes nothing; a prefetch
// (Sec-Purpose or Purpose: prefetch) is answered the page even where
// email.Options.ConsumeOnGet is set. The page names the address, so a link
// an attacker mailed to a victim (to sign the victim into the attacker's
// account, "login CSRF") says whose account it opens.
//
// The browser that asked gets a binding cookie (encrypted; it holds the
// address and a random nonce). The one-time code works only in that
// browser, so a code read over the user's shoulder or guessed is useless
// elsewhere; a code allows email.CodeTries wrong guesses, then is burned. A
// link opened in another browser still shows the button (people read mail
// on their phone and sign in on the laptop) and says that it was opened in
// another browser than the one that asked.
//
// What it does not protect against: an attacker who reads the victim's
// mailbox signs in as the victim, as with every email sign-in; a scanner
// that submits forms would consume the link (none of the common ones does).
//
// Abuse: sends are rate limited per address, per address and client, and per
// client (email.Options.SendLimits) through Config.RateLimit.Limiter, in one
// atomic reservation before any work. An address the SignIn callback
// refuses, or an unknown address when DisableSignUp is set, gets no mail and
// the same answer (status, headers, body) as any other, after about the
// time a real send takes; a log line names it by its keyed hash only. When
// the mail server is down the client gets 503 ("could not send, try
// later"); nothing stays stored and the send is not counted, so a retry
// works at once. An attacker who can make the mail server fail while he
// probes could tell refused addresses (answered 302) from accepted ones
// (503); he learns nothing while the server works.
type EmailProvider interface {
	Provider
	// EmailOptions returns the provider's settings; New fills in the
	// defaults and checks them.
	EmailOptions() email.Options
}

// emailState is what the email providers of an Auth share.
type emailState struct {
	opts    map[string]email.Options // by provider id, defaults filled
	codeKey []byte                   // HMAC key of stored codes
	// tries limits wrong codes: Config.RateLimit.Limiter, or one of its own
	// when rate limits are off (code guessing is never unlimited).
	tries ratelimit.Limiter
	// sends times real sends, so a refused address is answered after
	// about the same time.
	sends sendTimer
}

func newEmailState(c Config) *emailState {
	s := &emailState{opts: map[string]email.Options{}, tries: c.RateLimit.Limiter}
	if s.tries == nil {
		s.tries = ratelimit.NewMemory()
	}
	key, err := hkdf.Key(sha256.New, []byte(c.Secret[0]), nil, "authgo email sign-in code", 32)
	if err != nil {
		panic("authgo: hkdf: " + err.Error())
	}
	s.codeKey = key
	for _, p := range c.Providers {
		if ep, ok := p.(EmailProvider); ok {
			o, _ := emailOptionsWithDefaults(ep.EmailOptions(), c) // checked by Config.normalize
			s.opts[p.ID()] = o
		}
	}
	return s
}

// checkEmailProvider is New's check of an email provider.
func checkEmailProvider(p Provider, c Config) error {
	ep, ok := p.(EmailProvider)
	if !ok {
		return configErr("provider %q has type email but does not implement EmailProvider", p.ID())
	}
	if c.Adapter == nil {
		return configErr("provider %q sends sign-in mail, which needs an Adapter that stores verification tokens and users: set Config.Adapter (e.g. adapter/memory for tests, adapter/sql in production)", p.ID())
	}
	if _, err := emailOptionsWithDefaults(ep.EmailOptions(), c); err != nil {
		return configErr("provider %q: %v", p.ID(), err)
	}
	return nil
}

// emailOptionsWithDefaults fills the defaults of o and checks it.
func emailOptionsWithDefaults(o email.Options, c Config) (email.Options, error) {
	if o.Sender == nil && o.SendVerificationRequest == nil {
		return o, errors.New("set email.Options.Sender (e.g. email.NewSMTP) or SendVerificationRequest to send the sign-in mail")
	}
	if o.From == "" {
		o.From = email.DefaultFrom
	}
	if o.MaxAge < 0 || o.CodeMaxAge < 0 || o.CodeMaxAge > email.MaxCodeAge {
		return o, errors.New("email.Options.MaxAge must not be negative and CodeMaxAge must be 0 to 10 minutes")
	}
	if o.MaxAge == 0 {
		o.MaxAge = email.DefaultMaxAge
	}
	if o.CodeMaxAge == 0 {
		o.CodeMaxAge = email.MaxCodeAge
	}
	o.CodeMaxAge = min(o.CodeMaxAge, o.MaxAge)
	if o.CodeLength == 0 {
		o.CodeLength = email.DefaultCodeLength
	}
	if o.CodeLength < 6 || o.CodeLength > 12 {
		return o, errors.New("email.Options.CodeLength must be 6 to 12 digits")
	}
	if o.Codes < email.CodesWithLinks || o.Codes > email.CodesOnly {
		return o, errors.New("email.Options.Codes is not one of email.CodesWithLinks, CodesOff, CodesOnly")
	}
	if o.Theme == nil {
		o.Theme = &email.Theme{ColorScheme: c.Theme.ColorScheme, BrandColor: c.Theme.BrandColor, Logo: c.Theme.Logo, ButtonText: c.Theme.ButtonText}
	}
	if err := o.Theme.Validate(); err != nil {
		return o, err
	}
	if o.GenerateVerificationToken == nil {
		o.GenerateVerificationToken = func() (string, error) { return randomToken(), nil }
	}
	if o.NormalizeIdentifier == nil {
		o.NormalizeIdentifier = email.NormalizeIdentifier
	}
	if o.Secret == "" {
		o.Secret = strings.Join(c.Secret, ",")
	}
	return o, sendLimitsWithDefaults(&o.SendLimits)
}

// sendLimitsWithDefaults fills the limits of l left zero and checks them.
func sendLimitsWithDefaults(l *email.SendLimits) error {
	for _, d := range []struct {
		l   *ratelimit.Limit
		def ratelimit.Limit
	}{
		{&l.PerEmail, ratelimit.Limit{Events: 5, Per: time.Hour}},
		{&l.PerEmailClient, ratelimit.Limit{Events: 3, Per: 15 * time.Minute}},
		{&l.PerIP, ratelimit.Limit{Events: 20, Per: time.Hour}},
	} {
		if *d.l == (ratelimit.Limit{}) {
			*d.l = d.def
		}
		if d.l.Events < 1 || d.l.Per <= 0 {
			return errors.New("email.SendLimits need Events >= 1 and Per > 0")
		}
	}
	return nil
}

// mailsLink reports whether the mail of o carries a link; mailsCode
// whether a code.
func mailsLink(o email.Options) bool { return o.Codes != email.CodesOnly }
func mailsCode(o email.Options) bool { return o.Codes != email.CodesOff }

// storedVerificationToken returns what is stored for a link's token, as
// Auth.js stores it.
func storedVerificationToken(token, secret string) string {
	return sha256Hex(token + secret)
}

// adapterFailure wraps a store error: 503 when the store is down.
func adapterFailure(err error) error {
	if errors.Is(err, adapter.ErrUnavailable) {
		return &Error{Type: Unavailable, Err: err}
	}
	return &Error{Type: AdapterError, Err: err}
}
