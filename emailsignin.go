package authgo

import (
	"context"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/ratelimit"
)

// Defaults of EmailOptions.
const (
	// DefaultEmailMaxAge is how long a sign-in link lasts by default, as
	// Auth.js: 24 hours. 15 minutes is a better choice for most apps.
	DefaultEmailMaxAge = 24 * time.Hour
	// DefaultEmailFrom is the sender of sign-in mail by default, as
	// Auth.js.
	DefaultEmailFrom = "Auth.js <no-reply@authjs.dev>"
	// DefaultEmailCodeLength is how many digits a one-time code has.
	DefaultEmailCodeLength = 6
	// MaxEmailCodeAge is how long a one-time code lasts at most, and by
	// default.
	MaxEmailCodeAge = 10 * time.Minute
	// EmailCodeTries is how many wrong codes a browser may enter for one
	// mail; after that the code is burned.
	EmailCodeTries = 5
)

// EmailCodes says whether sign-in mail carries a link, a one-time code, or
// both.
type EmailCodes int

// The modes of EmailOptions.Codes.
const (
	// CodesWithLinks mails a link and a code (the default).
	CodesWithLinks EmailCodes = iota
	// CodesOff mails a link only, as Auth.js.
	CodesOff
	// CodesOnly mails a code only: no link, so no scanner can follow one.
	CodesOnly
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
// EmailOptions.ConsumeOnGet is set. The page names the address, so a link
// an attacker mailed to a victim (to sign the victim into the attacker's
// account, "login CSRF") says whose account it opens.
//
// The browser that asked gets a binding cookie (encrypted; it holds the
// address and a random nonce). The one-time code works only in that
// browser, so a code read over the user's shoulder or guessed is useless
// elsewhere; a code allows EmailCodeTries wrong guesses, then is burned. A
// link opened in another browser still shows the button (people read mail
// on their phone and sign in on the laptop) and says that it was opened in
// another browser than the one that asked.
//
// What it does not protect against: an attacker who reads the victim's
// mailbox signs in as the victim, as with every email sign-in; a scanner
// that submits forms would consume the link (none of the common ones does).
//
// Abuse: sends are rate limited per address, per address and client, and per
// client (EmailOptions.SendLimits) through Config.RateLimit.Limiter, in one
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
	EmailOptions() EmailOptions
}

// EmailOptions configure an email provider. Every field is optional but one
// of Sender and SendVerificationRequest.
type EmailOptions struct {
	// Sender sends the sign-in mail, e.g. email.NewSMTP(…) or an
	// *email.Memory in tests. Required unless SendVerificationRequest is
	// set.
	Sender email.Sender
	// From is the sender address of the mail. Default DefaultEmailFrom.
	From string
	// Theme styles the mail. Default: Config.Theme's brand colour, button
	// text colour and logo.
	Theme *email.Theme
	// MaxAge is how long a link lasts. Default DefaultEmailMaxAge (24 h, as
	// Auth.js); 15 minutes is recommended.
	MaxAge time.Duration
	// SendVerificationRequest sends the mail itself, instead of the
	// built-in email.SignIn mail through Sender. An error answers the
	// client 503 "could not send, try later", and nothing stays stored.
	SendVerificationRequest func(ctx context.Context, v VerificationRequest) error
	// GenerateVerificationToken makes the link's token. Default: 32 random
	// bytes, hex, as Auth.js. A token must be 1 to 512 printable ASCII
	// characters.
	GenerateVerificationToken func() (string, error)
	// NormalizeIdentifier turns what the user typed into the stored
	// address; an error refuses it. Default NormalizeEmailIdentifier.
	NormalizeIdentifier func(string) (string, error)
	// Secret is hashed with link tokens, as Auth.js's provider secret.
	// Default: Config.Secret, comma-joined (what Auth.js hashes with).
	Secret string
	// ConsumeOnGet signs in on the GET of the link, as Auth.js does,
	// instead of showing a page with a button: mail scanners then burn
	// links. A prefetch is still answered the page. Default false.
	ConsumeOnGet bool
	// Codes says whether mail carries a link, a code or both. Default
	// CodesWithLinks.
	Codes EmailCodes
	// CodeLength is the number of digits of a code, 6 to 12. Default
	// DefaultEmailCodeLength.
	CodeLength int
	// CodeMaxAge is how long a code lasts, at most MaxEmailCodeAge (the
	// default) and never longer than MaxAge.
	CodeMaxAge time.Duration
	// DisableSignUp makes the provider invite-only: an address without a
	// user gets no mail (and the same answer as any other) and no user is
	// created. Default false: a first sign-in creates the user, as
	// Auth.js.
	DisableSignUp bool
	// SendLimits bound how many mails are sent. Unused when
	// Config.RateLimit.Disabled is set.
	SendLimits EmailSendLimits
}

// EmailSendLimits bound the sign-in mail sent. Every send counts, except one
// the mail server did not take.
type EmailSendLimits struct {
	// PerEmail limits the mail to one address from all clients. Default 5
	// per hour.
	PerEmail ratelimit.Limit
	// PerEmailClient limits the mail to one address asked for by one
	// client. Default 3 per 15 minutes.
	PerEmailClient ratelimit.Limit
	// PerIP limits the mail one client asks for, whatever the address.
	// Default 20 per hour.
	PerIP ratelimit.Limit
}

// VerificationRequest is what EmailOptions.SendVerificationRequest
// receives: the mail to send.
type VerificationRequest struct {
	// Identifier is the address to mail.
	Identifier string
	// Token is the link's token; "" with CodesOnly.
	Token string
	// URL is the sign-in link; "" with CodesOnly.
	URL string
	// Expires is when the link stops working.
	Expires time.Time
	// Code is the one-time code; "" with CodesOff.
	Code string
	// CodeExpires is when the code stops working.
	CodeExpires time.Time
	// Provider is the provider's id.
	Provider string
	// Host is the site's host, for the subject ("Sign in to <host>").
	Host string
	// From is EmailOptions.From.
	From string
	// Theme is the mail's theme.
	Theme email.Theme
	// Request is the request that asked for the mail.
	Request *http.Request
}

// EmailSignInParams is SignInParams.Email: set when the SignIn callback
// runs for an email sign-in.
type EmailSignInParams struct {
	// VerificationRequest is true when the callback runs before the mail
	// is sent (refusing then sends nothing, and the client gets the same
	// answer as for any address), false when the link or code is used.
	VerificationRequest bool
}

// ErrInvalidEmail is returned by NormalizeEmailIdentifier for input that is
// not one plain address.
var ErrInvalidEmail = errors.New("authgo: invalid email address")

// NormalizeEmailIdentifier is the default EmailOptions.NormalizeIdentifier:
// Auth.js's normaliser with its 2026 fix — NFKC first (a full-width ＠ is
// folded before it is counted), lower case, trimmed; a '"' or more than one
// '@' is refused. Auth.js drops what follows a ',' in the domain; authgo
// refuses the address instead, and any that NormalizeEmail refuses. For a
// plain address the result is the one Auth.js stores, so both find the same
// user.
func NormalizeEmailIdentifier(s string) (string, error) {
	f := foldIdentifier(s)
	if f == "" || strings.Count(f, "@") != 1 || strings.ContainsAny(f, "\",") {
		return "", ErrInvalidEmail
	}
	e, ok := NormalizeEmail(f)
	if !ok {
		return "", ErrInvalidEmail
	}
	return e, nil
}

// emailState is what the email providers of an Auth share.
type emailState struct {
	opts    map[string]EmailOptions // by provider id, defaults filled
	codeKey []byte                  // HMAC key of stored codes
	// tries limits wrong codes: Config.RateLimit.Limiter, or one of its own
	// when rate limits are off (code guessing is never unlimited).
	tries ratelimit.Limiter
	// sends times real sends, so a refused address is answered after
	// about the same time.
	sends sendTimer
}

func newEmailState(c Config) *emailState {
	s := &emailState{opts: map[string]EmailOptions{}, tries: c.RateLimit.Limiter}
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
			o, _ := ep.EmailOptions().normalize(c) // checked by Config.normalize
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
	if _, err := ep.EmailOptions().normalize(c); err != nil {
		return configErr("provider %q: %v", p.ID(), err)
	}
	return nil
}

// normalize fills the defaults of o and checks it.
func (o EmailOptions) normalize(c Config) (EmailOptions, error) {
	if o.Sender == nil && o.SendVerificationRequest == nil {
		return o, errors.New("set EmailOptions.Sender (e.g. email.NewSMTP) or SendVerificationRequest to send the sign-in mail")
	}
	if o.From == "" {
		o.From = DefaultEmailFrom
	}
	if o.MaxAge < 0 || o.CodeMaxAge < 0 || o.CodeMaxAge > MaxEmailCodeAge {
		return o, errors.New("EmailOptions.MaxAge must not be negative and CodeMaxAge must be 0 to 10 minutes")
	}
	if o.MaxAge == 0 {
		o.MaxAge = DefaultEmailMaxAge
	}
	if o.CodeMaxAge == 0 {
		o.CodeMaxAge = MaxEmailCodeAge
	}
	o.CodeMaxAge = min(o.CodeMaxAge, o.MaxAge)
	if o.CodeLength == 0 {
		o.CodeLength = DefaultEmailCodeLength
	}
	if o.CodeLength < 6 || o.CodeLength > 12 {
		return o, errors.New("EmailOptions.CodeLength must be 6 to 12 digits")
	}
	if o.Codes < CodesWithLinks || o.Codes > CodesOnly {
		return o, errors.New("EmailOptions.Codes is not one of CodesWithLinks, CodesOff, CodesOnly")
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
		o.NormalizeIdentifier = NormalizeEmailIdentifier
	}
	if o.Secret == "" {
		o.Secret = strings.Join(c.Secret, ",")
	}
	return o, o.SendLimits.normalize()
}

func (l *EmailSendLimits) normalize() error {
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
			return errors.New("EmailOptions.SendLimits need Events >= 1 and Per > 0")
		}
	}
	return nil
}

// links reports whether the mail carries a link; codes whether a code.
func (o EmailOptions) links() bool { return o.Codes != CodesOnly }
func (o EmailOptions) codes() bool { return o.Codes != CodesOff }

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
