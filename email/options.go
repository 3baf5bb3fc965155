package email

import (
	"context"
	"net/http"
	"time"

	"github.com/authgo/authgo/ratelimit"
)

// Defaults of Options.
const (
	// DefaultMaxAge is how long a sign-in link lasts by default, as
	// Auth.js: 24 hours. 15 minutes is a better choice for most apps.
	DefaultMaxAge = 24 * time.Hour
	// DefaultFrom is the sender of sign-in mail by default, as Auth.js.
	DefaultFrom = "Auth.js <no-reply@authjs.dev>"
	// DefaultCodeLength is how many digits a one-time code has.
	DefaultCodeLength = 6
	// MaxCodeAge is how long a one-time code lasts at most, and by
	// default.
	MaxCodeAge = 10 * time.Minute
	// CodeTries is how many wrong codes a browser may enter for one mail;
	// after that the code is burned.
	CodeTries = 5
)

// Codes says whether sign-in mail carries a link, a one-time code, or
// both.
type Codes int

// The modes of Options.Codes.
const (
	// CodesWithLinks mails a link and a code (the default).
	CodesWithLinks Codes = iota
	// CodesOff mails a link only, as Auth.js.
	CodesOff
	// CodesOnly mails a code only: no link, so no scanner can follow one.
	CodesOnly
)

// Options configure an email sign-in provider (providers.Email; the flow
// is authgo.EmailProvider's). Every field is optional but one of Sender and
// SendVerificationRequest; authgo.New fills in the defaults and checks the
// rest.
type Options struct {
	// Sender sends the sign-in mail, e.g. NewSMTP(…) or a *Memory in
	// tests. Required unless SendVerificationRequest is set.
	Sender Sender
	// From is the sender address of the mail. Default DefaultFrom.
	From string
	// Theme styles the mail. Default: authgo.Config.Theme's brand colour,
	// button text colour and logo.
	Theme *Theme
	// MaxAge is how long a link lasts. Default DefaultMaxAge (24 h, as
	// Auth.js); 15 minutes is recommended.
	MaxAge time.Duration
	// SendVerificationRequest sends the mail itself, instead of the
	// built-in SignIn mail through Sender. An error answers the client
	// 503 "could not send, try later", and nothing stays stored.
	SendVerificationRequest func(ctx context.Context, v VerificationRequest) error
	// GenerateVerificationToken makes the link's token. Default: 32 random
	// bytes, hex, as Auth.js. A token must be 1 to 512 printable ASCII
	// characters.
	GenerateVerificationToken func() (string, error)
	// NormalizeIdentifier turns what the user typed into the stored
	// address; an error refuses it. Default NormalizeIdentifier.
	NormalizeIdentifier func(string) (string, error)
	// Secret is hashed with link tokens, as Auth.js's provider secret.
	// Default: authgo.Config.Secret, comma-joined (what Auth.js hashes
	// with).
	Secret string
	// ConsumeOnGet signs in on the GET of the link, as Auth.js does,
	// instead of showing a page with a button: mail scanners then burn
	// links. A prefetch is still answered the page. Default false.
	ConsumeOnGet bool
	// Codes says whether mail carries a link, a code or both. Default
	// CodesWithLinks.
	Codes Codes
	// CodeLength is the number of digits of a code, 6 to 12. Default
	// DefaultCodeLength.
	CodeLength int
	// CodeMaxAge is how long a code lasts, at most MaxCodeAge (the
	// default) and never longer than MaxAge.
	CodeMaxAge time.Duration
	// DisableSignUp makes the provider invite-only: an address without a
	// user gets no mail (and the same answer as any other) and no user is
	// created. Default false: a first sign-in creates the user, as
	// Auth.js.
	DisableSignUp bool
	// SendLimits bound how many mails are sent. Unused when
	// authgo.Config.RateLimit.Disabled is set.
	SendLimits SendLimits
}

// SendLimits bound the sign-in mail sent. Every send counts, except one the
// mail server did not take. A zero Limit stands for its default.
type SendLimits struct {
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

// SignInParams is authgo.SignInParams.Email: what the SignIn callback
// learns of an email sign-in, as Auth.js's signIn callback's email
// parameter.
type SignInParams struct {
	// VerificationRequest is true when the callback runs before the mail
	// is sent (refusing then sends nothing, and the client gets the same
	// answer as for any address), false when the link or code is used.
	VerificationRequest bool
}

// VerificationRequest is what Options.SendVerificationRequest receives:
// the mail to send.
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
	// From is Options.From.
	From string
	// Theme is the mail's theme.
	Theme Theme
	// Request is the request that asked for the mail.
	Request *http.Request
}
