package email

import (
	"crypto/tls"
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TLSMode says how the SMTP sender encrypts the connection.
type TLSMode string

// The TLS modes. The URL scheme and its starttls parameter choose one.
const (
	// TLSOpportunistic upgrades the connection with STARTTLS when the
	// server offers it and stays plain otherwise: local relays and
	// development sinks. The default of smtp:// (starttls=opportunistic).
	// An attacker on the path can hide the offer; the password is then
	// still never sent (see ErrInsecureAuth), but the message is. Use
	// TLSRequired or TLSImplicit across networks you do not control.
	TLSOpportunistic TLSMode = "opportunistic"
	// TLSRequired demands STARTTLS: a server that does not offer it fails
	// the send at StepTLS (smtp://…?starttls=required).
	TLSRequired TLSMode = "required"
	// TLSOff never starts TLS, even when offered (smtp://…?starttls=off):
	// for development sinks whose certificate cannot be checked.
	TLSOff TLSMode = "off"
	// TLSImplicit speaks TLS from the first byte, as on port 465
	// (smtps://).
	TLSImplicit TLSMode = "implicit"
)

// Defaults of SMTPConfig, applied by NewSMTP and ParseSMTPURL.
const (
	// DefaultSubmissionPort is the port of smtp:// URLs without one: the
	// message submission port of RFC 6409, as Nodemailer uses.
	DefaultSubmissionPort = 587
	// DefaultImplicitTLSPort is the port of smtps:// URLs without one
	// (RFC 8314).
	DefaultImplicitTLSPort = 465
	// DefaultTimeout bounds one whole send, from dial to the server's
	// reply to the message.
	DefaultTimeout = 15 * time.Second
	// DefaultHELO is the name the client gives in EHLO.
	DefaultHELO = "localhost"
)

// SMTPConfig is the configuration of the SMTP sender. ParseSMTPURL fills it
// from one URL; TLSConfig can only be set in code.
type SMTPConfig struct {
	// Host is the server's host name or IP address, without port. Required.
	Host string
	// Port is the server's TCP port. Zero means DefaultSubmissionPort, or
	// DefaultImplicitTLSPort with TLSImplicit.
	Port int
	// Username is the user name of AUTH PLAIN (or LOGIN when the server
	// offers only that). Empty means no authentication; then Password must
	// be empty too.
	Username string
	// Password goes with Username. It is sent only over TLS or to a server
	// on this machine (ErrInsecureAuth), and never appears in String or in
	// an error.
	Password string
	// TLS is how the connection is encrypted. Empty means TLSOpportunistic.
	TLS TLSMode
	// Timeout bounds one whole send, from dial to the server's reply to
	// the message; a context deadline that comes sooner wins. Zero means
	// DefaultTimeout.
	Timeout time.Duration
	// HELO is the name the client gives in EHLO. Empty means DefaultHELO.
	HELO string
	// TLSConfig is the TLS client configuration, for a private relay's CA
	// (RootCAs) or a client certificate. Nil means the system roots. The
	// sender uses a copy, sets ServerName to Host when it is empty and
	// MinVersion to TLS 1.2 when it is lower.
	TLSConfig *tls.Config
}

// ErrSMTPURL is wrapped by every error of ParseSMTPURL. The errors say which
// part of the URL is wrong and never repeat the URL, which holds the
// password.
var ErrSMTPURL = errors.New("email: invalid SMTP URL")

func urlErr(why string) error { return &urlError{why} }

type urlError struct{ why string }

func (e *urlError) Error() string { return ErrSMTPURL.Error() + ": " + e.why }
func (e *urlError) Unwrap() error { return ErrSMTPURL }

// ParseSMTPURL reads an SMTP server's address and options from one URL:
//
//	smtp://[user[:password]@]host[:port][?starttls=opportunistic|required|off][&timeout=15s][&helo=name]
//	smtps://[user[:password]@]host[:port][?timeout=15s][&helo=name]
//
// smtp:// is STARTTLS when the server offers it and plain otherwise
// (TLSOpportunistic); starttls=required demands it (TLSRequired),
// starttls=off never starts it (TLSOff). smtps:// is TLS from the first byte
// (TLSImplicit). The port defaults to 587 for smtp:// and 465 for smtps://.
// The user name and password are percent-decoded: write '@' as %40, ':' as
// %3A and '/' as %2F. timeout is a Go duration (default 15s) that bounds a
// whole send; helo is the name given in EHLO (default "localhost").
//
// Unknown or repeated parameters, a path, a fragment, a user name without a
// password and the reverse are errors, so that a typo does not pass
// silently. An error says what is wrong and never quotes the URL.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: say only
		// that it did not parse.
		return SMTPConfig{}, urlErr("not a URL (percent-encode '@', ':', '/' and '%' in the user name and password)")
	}
	var c SMTPConfig
	switch u.Scheme {
	case "smtp":
		c.TLS = TLSOpportunistic
	case "smtps":
		c.TLS = TLSImplicit
	default:
		return SMTPConfig{}, urlErr("the scheme must be smtp or smtps")
	}
	if err := parseShape(u, raw); err != nil {
		return SMTPConfig{}, err
	}
	if err := parseHostPort(u, &c); err != nil {
		return SMTPConfig{}, err
	}
	if err := parseUser(u, &c); err != nil {
		return SMTPConfig{}, err
	}
	if err := parseQuery(u.RawQuery, &c); err != nil {
		return SMTPConfig{}, err
	}
	c = c.withDefaults()
	if err := c.validate(); err != nil {
		// A safety net: the checks above should have said it already.
		return SMTPConfig{}, urlErr(strings.TrimPrefix(err.Error(), "email: "))
	}
	return c, nil
}

func parseShape(u *url.URL, raw string) error {
	switch {
	case u.Opaque != "":
		return urlErr("write smtp://host, with two slashes")
	case u.Path != "" && u.Path != "/":
		return urlErr("the URL has a path; a mail server's URL has none (percent-encode '/' in the password as %2F)")
	case strings.Contains(raw, "#"):
		return urlErr("the URL has a fragment (percent-encode '#' in the password as %23)")
	}
	return nil
}

func parseHostPort(u *url.URL, c *SMTPConfig) error {
	c.Host = u.Hostname()
	if c.Host == "" {
		return urlErr("the host is missing")
	}
	if !validHost(c.Host) {
		return urlErr("the host must be a DNS name or an IP address (an IPv6 address in brackets, an internationalised name in its xn-- form)")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return urlErr("the port must be a number from 1 to 65535")
		}
		c.Port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return urlErr("the port is empty")
	}
	return nil
}

func parseUser(u *url.URL, c *SMTPConfig) error {
	if u.User == nil {
		return nil
	}
	pass, hasPass := u.User.Password()
	c.Username, c.Password = u.User.Username(), pass
	switch {
	case c.Username == "" && c.Password == "":
		return urlErr("the user information before '@' is empty")
	case c.Username == "":
		return urlErr("a password needs a user name")
	case !hasPass || c.Password == "":
		return urlErr("a user name needs a password (user:password@host)")
	case !oneLine(c.Username) || !oneLine(c.Password):
		return urlErr("the user name and password must not hold control characters or invalid UTF-8")
	}
	return nil
}

func parseQuery(raw string, c *SMTPConfig) error {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return urlErr("the query is not valid (percent-encoding or ';')")
	}
	for k, vs := range q {
		if len(vs) != 1 {
			return urlErr("a query parameter is given twice")
		}
		if err := setParam(c, k, vs[0]); err != nil {
			return err
		}
	}
	return nil
}

func setParam(c *SMTPConfig, key, v string) error {
	switch key {
	case "starttls":
		if c.TLS == TLSImplicit {
			return urlErr("starttls does not apply to smtps://, which is TLS from the start")
		}
		switch m := TLSMode(v); m {
		case TLSOpportunistic, TLSRequired, TLSOff:
			c.TLS = m
		default:
			return urlErr("starttls must be opportunistic, required or off")
		}
	case "timeout":
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > time.Hour {
			return urlErr("timeout must be a positive Go duration of at most 1h, such as 15s")
		}
		c.Timeout = d
	case "helo":
		if !validHELO(v) {
			return urlErr("helo must be a host name")
		}
		c.HELO = v
	default:
		return urlErr("unknown query parameter; the parameters are starttls, timeout and helo")
	}
	return nil
}

// validHost accepts an IP address without brackets or zone, or a DNS name
// of ASCII letters, digits, '-', '_' and '.'.
func validHost(h string) bool {
	if strings.Contains(h, ":") {
		return net.ParseIP(h) != nil
	}
	return alnumPlus(h, 253, "-_.")
}

// validHELO accepts a host name or address literal of letters, digits, '.',
// '-', ':' and brackets: nothing that could end the EHLO line.
func validHELO(s string) bool { return alnumPlus(s, 255, ".-:[]") }

// withDefaults returns c with every zero field set to its default.
func (c SMTPConfig) withDefaults() SMTPConfig {
	if c.TLS == "" {
		c.TLS = TLSOpportunistic
	}
	if c.Port == 0 {
		c.Port = DefaultSubmissionPort
		if c.TLS == TLSImplicit {
			c.Port = DefaultImplicitTLSPort
		}
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HELO == "" {
		c.HELO = DefaultHELO
	}
	return c
}

// validate reports the first field of c (after withDefaults) that NewSMTP
// refuses.
func (c SMTPConfig) validate() error {
	switch {
	case !validHost(c.Host):
		return errors.New("email: SMTPConfig.Host must be a host name or IP address without port")
	case c.Port < 1 || c.Port > 65535:
		return errors.New("email: SMTPConfig.Port must be from 1 to 65535")
	case c.TLS != TLSOpportunistic && c.TLS != TLSRequired && c.TLS != TLSOff && c.TLS != TLSImplicit:
		return errors.New("email: SMTPConfig.TLS must be opportunistic, required, off or implicit")
	case c.Timeout < 0:
		return errors.New("email: SMTPConfig.Timeout must not be negative")
	case !validHELO(c.HELO):
		return errors.New("email: SMTPConfig.HELO must be a host name")
	case (c.Username == "") != (c.Password == ""):
		return errors.New("email: SMTPConfig needs both Username and Password, or neither")
	case !oneLine(c.Username) || !oneLine(c.Password):
		return errors.New("email: SMTPConfig.Username and Password must not hold control characters")
	}
	return nil
}

// Addr returns "host:port", bracketing an IPv6 address.
func (c SMTPConfig) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// String returns c as a URL in the form ParseSMTPURL reads, with the
// password replaced by "xxxxx": safe to log.
func (c SMTPConfig) String() string { return c.url("xxxxx") }

// url returns c as a URL with pass as the password.
func (c SMTPConfig) url(pass string) string {
	c = c.withDefaults()
	u := url.URL{Scheme: "smtp", Host: c.Addr()}
	q := url.Values{}
	switch c.TLS {
	case TLSImplicit:
		u.Scheme = "smtps"
	case TLSRequired, TLSOff:
		q.Set("starttls", string(c.TLS))
	}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, pass)
	}
	if c.Timeout != DefaultTimeout {
		q.Set("timeout", c.Timeout.String())
	}
	if c.HELO != DefaultHELO {
		q.Set("helo", c.HELO)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
