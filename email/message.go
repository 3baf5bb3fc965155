package email

import (
	"context"
	"errors"
	"net/mail"
	"net/textproto"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sender delivers one message. The SMTP sender talks to a mail server; the
// Memory sender keeps messages for tests and development; SenderFunc adapts
// a function (an HTTP mail API, say).
//
// Send returns when the message has been handed over or has failed. It
// honours ctx: a cancelled or expired context ends the attempt. An error
// from Send must be safe to log: it must not contain the message body,
// which carries a sign-in link or code. The senders of this package return
// a *SendError.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// SenderFunc is a function used as a Sender, as http.HandlerFunc is used as
// an http.Handler.
type SenderFunc func(ctx context.Context, m *Message) error

// Send calls f(ctx, m).
func (f SenderFunc) Send(ctx context.Context, m *Message) error { return f(ctx, m) }

// Message is one mail to one recipient.
//
// Text is required: every message has a plain-text part, for clients that
// show no HTML and for screen readers that prefer it. HTML is optional;
// with it the mail is multipart/alternative. Content.Message and
// SignIn.Message build both from a template.
//
// The SMTP sender adds Date and a random Message-ID in the From domain;
// Header carries any other header (Content.Message sets Auto-Submitted and
// X-Auto-Response-Suppress, so that out-of-office replies are not sent back).
type Message struct {
	// From is the sender, an address with an optional display name:
	// "Example <no-reply@example.com>" or "no-reply@example.com". Required.
	From string
	// To is the one recipient, in the same forms as From. Required.
	To string
	// Subject is the subject line. Required; one line.
	Subject string
	// Text is the plain-text body. Required.
	Text string
	// HTML is the HTML body; empty for a text-only mail.
	HTML string
	// Header holds extra header fields by name, one value each. Names
	// must be header names (letters, digits, '-'); values one line. The
	// fields the senders set themselves (From, To, Cc, Bcc, Subject, Date,
	// Message-ID, MIME-Version, Content-*) are refused here. Nil means none.
	Header map[string]string
}

// Errors Validate wraps. They never quote the value they refuse: an address
// is personal data and a header may carry a token.
var (
	// ErrInvalidMessage is wrapped by every error of Message.Validate.
	ErrInvalidMessage = errors.New("email: invalid message")
)

// reserved are the header fields a sender writes itself.
var reserved = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Sender": true,
	"Subject": true, "Date": true, "Message-Id": true, "Mime-Version": true,
	"Return-Path": true, "Received": true,
}

// Validate reports the first problem that would keep m from being sent, or
// nil. Both senders of this package call it, so a message that the Memory
// sender accepts in a test is one the SMTP sender can send. The errors name
// the field, never its value.
func (m *Message) Validate() error {
	if m == nil {
		return invalid("the message is nil")
	}
	if _, err := parseAddress(m.From); err != nil {
		return invalid("From is not one email address")
	}
	if _, err := parseAddress(m.To); err != nil {
		return invalid("To is not one email address")
	}
	if strings.TrimSpace(m.Subject) == "" {
		return invalid("Subject is empty")
	}
	if !oneLine(m.Subject) {
		return invalid("Subject holds a line break or a control character")
	}
	if m.Text == "" {
		return invalid("Text is empty; every message needs a plain-text body")
	}
	return validateHeader(m.Header)
}

func validateHeader(h map[string]string) error {
	seen := make(map[string]bool, len(h))
	for k, v := range h {
		if !headerName(k) {
			return invalid("a Header name is not a header field name")
		}
		ck := textproto.CanonicalMIMEHeaderKey(k)
		if reserved[ck] || strings.HasPrefix(ck, "Content-") {
			return invalid("Header sets " + ck + ", which the sender writes itself")
		}
		if seen[ck] {
			return invalid("Header holds " + ck + " twice")
		}
		seen[ck] = true
		if !oneLine(v) {
			return invalid("the Header value of " + ck + " holds a line break or a control character")
		}
	}
	return nil
}

func invalid(why string) error { return &messageError{why} }

// messageError is a Validate error: it says what is wrong and wraps
// ErrInvalidMessage.
type messageError struct{ why string }

func (e *messageError) Error() string { return ErrInvalidMessage.Error() + ": " + e.why }
func (e *messageError) Unwrap() error { return ErrInvalidMessage }

// parseAddress parses one address with an optional display name, as
// RFC 5322 section 3.4 allows (no groups, no lists).
func parseAddress(s string) (*mail.Address, error) {
	if !oneLine(s) {
		return nil, ErrInvalidMessage
	}
	return mail.ParseAddress(s)
}

// oneLine reports whether s holds no control character (CR and LF above
// all, which would end a header line and start another) and no invalid UTF-8.
func oneLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' {
			return false
		}
	}
	return true
}

// headerName reports whether s is a header field name (RFC 5322 section
// 3.6.8 allows any printable ASCII but ':'; this takes the usual subset).
func headerName(s string) bool { return alnumPlus(s, 76, "-") }

// alnumPlus reports whether s has 1 to max bytes, each an ASCII letter, a
// digit or one of extra.
func alnumPlus(s string, max int, extra string) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

// addrSpec returns the bare address of s ("a@b.c" from "A <a@b.c>"), or ""
// when s is not one address.
func addrSpec(s string) string {
	a, err := parseAddress(s)
	if err != nil {
		return ""
	}
	return a.Address
}
