package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"net"
	"net/textproto"
	"os"
	"regexp"
	"strconv"
)

// Step names the part of a send that failed.
type Step string

// The steps of a send, in order.
const (
	// StepMessage: the message is invalid (Message.Validate) or could not
	// be written as MIME. Nothing was sent.
	StepMessage Step = "message"
	// StepDial: the TCP connection to the server failed (refused, no route,
	// unknown host).
	StepDial Step = "dial"
	// StepTLS: the TLS handshake failed (implicit TLS or STARTTLS), or
	// STARTTLS is required and the server does not offer it.
	StepTLS Step = "tls"
	// StepGreeting: the server's 220 greeting did not come or was a refusal.
	StepGreeting Step = "greeting"
	// StepHello: EHLO (and the HELO fallback) failed.
	StepHello Step = "hello"
	// StepAuth: authentication failed, the server offers no mechanism this
	// package speaks, or the password would travel unencrypted.
	StepAuth Step = "auth"
	// StepMailFrom: the server refused the sender (MAIL FROM).
	StepMailFrom Step = "mail-from"
	// StepRcpt: the server refused the recipient (RCPT TO).
	StepRcpt Step = "rcpt"
	// StepData: the server refused or lost the message body (DATA, or its
	// final reply).
	StepData Step = "data"
)

// Errors a SendError may wrap when the cause is a rule of this package
// rather than something the server or the network said.
var (
	// ErrStartTLSUnavailable: STARTTLS is required (TLSRequired) and the
	// server does not offer it.
	ErrStartTLSUnavailable = errors.New("the server does not offer STARTTLS and the configuration requires it")
	// ErrAuthUnavailable: a user name is configured and the server offers
	// no AUTH mechanism this package speaks (PLAIN, LOGIN).
	ErrAuthUnavailable = errors.New("the server offers no AUTH mechanism this client speaks (PLAIN, LOGIN)")
	// ErrInsecureAuth: the connection is not encrypted and the server is not
	// on this machine, so the password is not sent. Use smtps://, a server
	// that offers STARTTLS, or a relay on localhost.
	ErrInsecureAuth = errors.New("the connection is not encrypted; the password is only sent over TLS or to localhost")
)

// SendError is the error of the SMTP sender: where the send failed (Step)
// and why (Err).
//
// Error() is safe to log. It names the step and, for a server's reply, only
// its codes (550, 5.1.1), never the server's text, which may echo the
// recipient's address or the user name; for a local failure (network, TLS,
// a rule of this package) it gives that error's text, which holds no
// address, password or body. It never includes the message body, which
// carries the sign-in link or code. Err keeps the full cause for errors.Is
// and errors.As; do not log Err itself.
type SendError struct {
	// Step is where the send failed.
	Step Step
	// Code is the server's SMTP reply code (421, 535, 550 …), 0 when the
	// failure was not a reply.
	Code int
	// EnhancedCode is the RFC 3463 status the server sent with Code
	// ("5.7.8"), "" when none.
	EnhancedCode string
	// Err is the cause. It may hold the server's text; do not log it.
	Err error
}

// enhanced matches an RFC 3463 enhanced status code at the start of a reply.
var enhanced = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}\b`)

// newSendError classifies err for step: a server reply gives Code and
// EnhancedCode.
func newSendError(step Step, err error) *SendError {
	e := &SendError{Step: step, Err: err}
	var te *textproto.Error
	if errors.As(err, &te) {
		e.Code = te.Code
		e.EnhancedCode = enhanced.FindString(te.Msg)
	}
	return e
}

// Error returns "email: <step> failed: <detail>". See SendError for what the
// detail may hold.
func (e *SendError) Error() string {
	return "email: " + string(e.Step) + " failed: " + e.detail()
}

func (e *SendError) detail() string {
	switch {
	case e.Code != 0 && e.EnhancedCode != "":
		return "server replied " + strconv.Itoa(e.Code) + " " + e.EnhancedCode
	case e.Code != 0:
		return "server replied " + strconv.Itoa(e.Code)
	case e.Timeout():
		return "timed out"
	case errors.Is(e.Err, context.Canceled):
		return "canceled"
	case e.Err != nil && localError(e.Err):
		return e.Err.Error()
	case e.Err != nil:
		// Anything else may quote the server (a malformed reply, an
		// unexpected AUTH challenge): Err holds it, the log line does not.
		return "unexpected reply from the server"
	}
	return "unknown error"
}

// localError reports whether err was made on this side without quoting the
// server: its text is then safe to log.
func localError(err error) bool {
	var (
		op   *net.OpError
		dns  *net.DNSError
		addr *net.AddrError
		rec  tls.RecordHeaderError
		alt  tls.AlertError
		ver  *tls.CertificateVerificationError
		host x509.HostnameError
		ua   x509.UnknownAuthorityError
		ci   x509.CertificateInvalidError
		msg  *messageError
	)
	switch {
	case errors.Is(err, ErrStartTLSUnavailable), errors.Is(err, ErrAuthUnavailable), errors.Is(err, ErrInsecureAuth):
		return true
	case errors.As(err, &msg):
		return true
	case errors.As(err, &op), errors.As(err, &dns), errors.As(err, &addr):
		return true
	case errors.As(err, &rec), errors.As(err, &alt), errors.As(err, &ver):
		return true
	case errors.As(err, &host), errors.As(err, &ua), errors.As(err, &ci):
		return true
	}
	return false
}

// Unwrap returns Err.
func (e *SendError) Unwrap() error { return e.Err }

// Timeout reports whether the send ran out of time: the SMTPConfig Timeout
// or the deadline of the context passed to Send.
func (e *SendError) Timeout() bool {
	return errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, os.ErrDeadlineExceeded)
}

// Temporary reports whether trying again later may succeed: a 4xx reply, a
// timeout, or a server that could not be reached. It is false for 5xx
// replies and for mistakes of configuration or message (TLS required but
// not offered, a rejected password, an invalid address).
func (e *SendError) Temporary() bool {
	switch {
	case e.Code >= 400 && e.Code < 500:
		return true
	case e.Code != 0:
		return false
	case e.Timeout():
		return true
	}
	return e.Step == StepDial || e.Step == StepGreeting
}

// LogValue gives a SendError to log/slog as a group of safe attributes:
// step, code, enhanced_code, timeout, temporary and error (Error()).
func (e *SendError) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("step", string(e.Step))}
	if e.Code != 0 {
		attrs = append(attrs, slog.Int("code", e.Code))
	}
	if e.EnhancedCode != "" {
		attrs = append(attrs, slog.String("enhanced_code", e.EnhancedCode))
	}
	attrs = append(attrs,
		slog.Bool("timeout", e.Timeout()),
		slog.Bool("temporary", e.Temporary()),
		slog.String("error", e.Error()))
	return slog.GroupValue(attrs...)
}
