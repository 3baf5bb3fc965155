package email

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"net"
	"net/textproto"
	"os"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// SMTP is a Sender that delivers each message over a new connection to one
// SMTP server (a relay, a provider's submission endpoint, a development
// sink). It is safe for concurrent use.
//
// The message is written by go-mail (multipart/alternative, quoted-printable,
// RFC 2047 headers) and the conversation is held by go-mail's smtp package.
// The steps are driven here rather than by go-mail's Client because its
// DialAndSend runs dial, TLS and AUTH as one call whose errors do not say
// which step failed, and reads the context only while dialling; this sender
// reports the step (SendError) and ends the whole conversation, not just the
// dial, when the timeout or the context runs out.
type SMTP struct {
	cfg    SMTPConfig
	tls    *tls.Config
	dialer net.Dialer
}

// NewSMTP returns an SMTP sender for c, with the defaults of SMTPConfig
// applied. It fails when a field is invalid; the error names the field.
func NewSMTP(c SMTPConfig) (*SMTP, error) {
	c = c.withDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	tc := &tls.Config{}
	if c.TLSConfig != nil {
		tc = c.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = c.Host
	}
	if tc.MinVersion < tls.VersionTLS12 {
		tc.MinVersion = tls.VersionTLS12
	}
	return &SMTP{cfg: c, tls: tc}, nil
}

// Config returns the configuration in use, defaults applied. Its String
// method hides the password.
func (s *SMTP) Config() SMTPConfig { return s.cfg }

// Send delivers m: dial, TLS (implicit, or STARTTLS as the TLSMode says),
// EHLO, AUTH when a user name is configured, MAIL FROM, RCPT TO, DATA. It
// returns nil once the server has accepted the message. The whole
// conversation ends by the Timeout of the configuration or the deadline of
// ctx, whichever comes first, and as soon as ctx is cancelled. Every error
// is a *SendError, safe to log.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	if err := m.Validate(); err != nil {
		return newSendError(StepMessage, err)
	}
	raw, from, to, err := compose(m, time.Now())
	if err != nil {
		return newSendError(StepMessage, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	ss, err := s.open(ctx)
	if err != nil {
		return err
	}
	defer ss.close()
	if err := ss.deliver(from, to, raw); err != nil {
		return err
	}
	// The message is accepted: a failed QUIT changes nothing.
	_ = ss.c.Quit()
	return nil
}

// compose writes m as MIME and returns it with the envelope addresses.
func compose(m *Message, now time.Time) (raw []byte, from, to string, err error) {
	f, _ := parseAddress(m.From)
	t, _ := parseAddress(m.To)
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(f)
	msg.ToMailAddress(t)
	msg.Subject(m.Subject)
	msg.SetDateWithValue(now)
	msg.SetMessageIDWithValue(messageID(f.Address))
	for k, v := range m.Header {
		msg.SetGenHeader(gomail.Header(textproto.CanonicalMIMEHeaderKey(k)), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, "", "", errors.New("the message could not be written as MIME")
	}
	from, err = msg.GetSender(false)
	if err != nil {
		return nil, "", "", errors.New("the message has no sender")
	}
	rcpts, err := msg.GetRecipients()
	if err != nil || len(rcpts) != 1 {
		return nil, "", "", errors.New("the message has no single recipient")
	}
	return b.Bytes(), from, rcpts[0], nil
}

// messageID returns a random Message-ID in the domain of the sender's
// address (RFC 5322 section 3.6.4), so that no host name of this machine
// goes out. 26 base32 characters carry 130 random bits.
func messageID(addr string) string {
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	for i := 0; i < len(domain); i++ {
		if domain[i] >= 0x80 || domain[i] <= ' ' || domain[i] == '>' {
			domain = "localhost"
			break
		}
	}
	return strings.ToLower(rand.Text()) + "@" + domain
}

// session is one connection to the server.
type session struct {
	ctx       context.Context
	conn      net.Conn // the TCP connection, whose deadline bounds every step
	c         *smtp.Client
	encrypted bool
	stop      func() bool // releases the cancellation hook
}

// open dials and runs every step up to and including AUTH.
func (s *SMTP) open(ctx context.Context) (*session, error) {
	conn, err := s.dialer.DialContext(ctx, "tcp", s.cfg.Addr())
	if err != nil {
		return nil, fail(ctx, StepDial, err)
	}
	ss := &session{ctx: ctx, conn: conn}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// A cancelled context ends a read or write in progress at once.
	ss.stop = context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	if err := ss.start(s); err != nil {
		ss.close()
		return nil, err
	}
	return ss, nil
}

// start runs implicit TLS, the greeting, EHLO, STARTTLS and AUTH.
func (ss *session) start(s *SMTP) error {
	var rw net.Conn = ss.conn
	if s.cfg.TLS == TLSImplicit {
		tc := tls.Client(ss.conn, s.tls)
		if err := tc.HandshakeContext(ss.ctx); err != nil {
			return fail(ss.ctx, StepTLS, err)
		}
		rw, ss.encrypted = tc, true
	}
	c, err := smtp.NewClient(rw, s.cfg.Host)
	if err != nil {
		return fail(ss.ctx, StepGreeting, err)
	}
	ss.c = c
	if err := c.Hello(s.cfg.HELO); err != nil {
		return fail(ss.ctx, StepHello, err)
	}
	if err := ss.startTLS(s); err != nil {
		return err
	}
	return ss.auth(s)
}

// startTLS upgrades the connection as the TLSMode says.
func (ss *session) startTLS(s *SMTP) error {
	if s.cfg.TLS == TLSImplicit || s.cfg.TLS == TLSOff {
		return nil
	}
	offered, _ := ss.c.Extension("STARTTLS")
	switch {
	case offered:
		if err := ss.c.StartTLS(s.tls); err != nil {
			return fail(ss.ctx, StepTLS, err)
		}
		ss.encrypted = true
	case s.cfg.TLS == TLSRequired:
		return fail(ss.ctx, StepTLS, ErrStartTLSUnavailable)
	}
	return nil
}

// auth authenticates with PLAIN, or LOGIN when the server offers only that
// (as some hosted relays do). Credentials go only over TLS or to a server
// on this machine.
func (ss *session) auth(s *SMTP) error {
	if s.cfg.Username == "" {
		return nil
	}
	_, list := ss.c.Extension("AUTH")
	mechs := strings.Fields(strings.ToUpper(list))
	if !ss.encrypted && !loopback(s.cfg.Host) {
		return fail(ss.ctx, StepAuth, ErrInsecureAuth)
	}
	// The check above is this package's rule; go-mail's own check (TLS or
	// a literal localhost name) is then told to allow.
	var a smtp.Auth
	switch {
	case slices.Contains(mechs, "PLAIN"):
		a = smtp.PlainAuth("", s.cfg.Username, s.cfg.Password, s.cfg.Host, true)
	case slices.Contains(mechs, "LOGIN"):
		a = smtp.LoginAuth(s.cfg.Username, s.cfg.Password, s.cfg.Host, true)
	default:
		return fail(ss.ctx, StepAuth, ErrAuthUnavailable)
	}
	if err := ss.c.Auth(a); err != nil {
		return fail(ss.ctx, StepAuth, err)
	}
	return nil
}

// deliver sends the envelope and the message.
func (ss *session) deliver(from, to string, raw []byte) error {
	if err := ss.c.Mail(from); err != nil {
		return fail(ss.ctx, StepMailFrom, err)
	}
	if err := ss.c.Rcpt(to); err != nil {
		return fail(ss.ctx, StepRcpt, err)
	}
	w, err := ss.c.Data()
	if err != nil {
		return fail(ss.ctx, StepData, err)
	}
	if _, err := w.Write(raw); err != nil {
		return fail(ss.ctx, StepData, err)
	}
	if err := w.Close(); err != nil {
		return fail(ss.ctx, StepData, err)
	}
	return nil
}

// close releases the connection.
func (ss *session) close() {
	if ss.stop != nil {
		ss.stop()
	}
	if ss.c != nil {
		_ = ss.c.Close()
	}
	_ = ss.conn.Close()
}

// fail makes the SendError of step. When the context has ended, that is the
// cause: the network error it provoked (a deadline in the past) says less.
// A connection deadline is only ever the context's, so a read or write that
// hit it before the context's own timer fired is its deadline too.
func fail(ctx context.Context, step Step, err error) *SendError {
	switch cerr := ctx.Err(); {
	case cerr != nil:
		err = cerr
	case errors.Is(err, os.ErrDeadlineExceeded):
		err = errors.Join(context.DeadlineExceeded, err)
	}
	return newSendError(step, err)
}

// loopback reports whether host names this machine: "localhost" or a
// loopback IP address.
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
