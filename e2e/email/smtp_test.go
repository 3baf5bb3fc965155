package email_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/net/html"

	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/internal/testenv"
)

// link is a sign-in link as the provider makes it: longer than a
// quoted-printable line, with '=' and '&' that quoted-printable and HTML
// both encode.
const link = "https://app.example.com/api/auth/callback/email?callbackUrl=https%3A%2F%2Fapp.example.com%2Fdashboard%3Ftab%3D1" +
	"&token=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08&email=ada%40example.com"

const (
	to   = "Ada Lovelace <ada@example.com>"
	from = "Example <no-reply@app.example.com>"
)

// signIn is the message every test sends.
func signIn(t *testing.T) *email.Message {
	t.Helper()
	m, err := email.SignIn{Host: "app.example.com", URL: link, Code: "482913", ExpiresIn: 15 * time.Minute}.
		Message(from, to, email.Theme{BrandColor: "#0f766e", Logo: "/logo.png"})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sender parses rawURL and builds the SMTP sender, trusting the test
// servers' certificate.
func sender(t *testing.T, rawURL string) *email.SMTP {
	t.Helper()
	cfg, err := email.ParseSMTPURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSConfig = &tls.Config{RootCAs: clientRoots}
	s, err := email.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sendErr sends and returns the *SendError, failing t when the send
// succeeds or fails otherwise.
func sendErr(t *testing.T, ctx context.Context, s *email.SMTP) *email.SendError {
	t.Helper()
	err := s.Send(ctx, signIn(t))
	var se *email.SendError
	if !errors.As(err, &se) {
		t.Fatalf("Send = %v, want a *SendError", err)
	}
	return se
}

// checkDelivered reads the one message b got as a mail client would and
// checks the envelope, the headers, both parts and the link in each.
func checkDelivered(t *testing.T, b *backend, wantTLS bool, wantUser string) {
	t.Helper()
	msgs := b.messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "no-reply@app.example.com" || got.To != "ada@example.com" {
		t.Errorf("envelope %q -> %q", got.From, got.To)
	}
	if got.TLS != wantTLS || got.User != wantUser {
		t.Errorf("session TLS %v user %q, want %v %q", got.TLS, got.User, wantTLS, wantUser)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	checkHeaders(t, msg.Header)
	text, htmlPart := parts(t, msg)
	if !hasLine(text, link) || !hasLine(text, "Or enter this code: 482913") {
		t.Errorf("the text part lacks the link or the code on a line of its own:\n%s", text)
	}
	hrefs := anchors(t, htmlPart)
	if len(hrefs) != 2 || hrefs[0] != link || hrefs[1] != link {
		t.Errorf("HTML links %q, want the link twice", hrefs)
	}
	if !strings.Contains(htmlPart, `src="https://app.example.com/logo.png"`) || !strings.Contains(htmlPart, "#0f766e") {
		t.Errorf("theme not applied in the delivered HTML")
	}
}

// checkHeaders checks the headers of the delivered sign-in mail.
func checkHeaders(t *testing.T, h mail.Header) {
	t.Helper()
	for k, want := range map[string]string{
		"Subject": "Sign in to app.example.com", "Auto-Submitted": "auto-generated",
		"X-Auto-Response-Suppress": "All", "Mime-Version": "1.0",
	} {
		if h.Get(k) != want {
			t.Errorf("%s: %q, want %q", k, h.Get(k), want)
		}
	}
	if a, err := h.AddressList("From"); err != nil || len(a) != 1 || a[0].Address != "no-reply@app.example.com" || a[0].Name != "Example" {
		t.Errorf("From %v (%v)", a, err)
	}
	if a, err := h.AddressList("To"); err != nil || len(a) != 1 || a[0].Address != "ada@example.com" {
		t.Errorf("To %v (%v)", a, err)
	}
	if d, err := h.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date %v (%v)", d, err)
	}
	if id := h.Get("Message-Id"); !strings.HasSuffix(id, "@app.example.com>") {
		t.Errorf("Message-ID %q", id)
	}
}

// parts decodes the text and HTML parts of a multipart/alternative mail.
func parts(t *testing.T, msg *mail.Message) (text, htmlPart string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q", msg.Header.Get("Content-Type"))
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			return text, htmlPart
		}
		if err != nil {
			t.Fatal(err)
		}
		if enc := p.Header.Get("Content-Transfer-Encoding"); enc != "quoted-printable" {
			t.Errorf("part encoding %q", enc)
		}
		b, err := io.ReadAll(quotedprintable.NewReader(p))
		if err != nil {
			t.Fatal(err)
		}
		switch ct, ps, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); {
		case ct == "text/plain" && ps["charset"] == "UTF-8":
			text = strings.ReplaceAll(string(b), "\r\n", "\n")
		case ct == "text/html" && ps["charset"] == "UTF-8":
			htmlPart = string(b)
		default:
			t.Errorf("part %q %v", ct, ps)
		}
	}
}

func hasLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// anchors returns the href of every <a> in s, HTML-decoded.
func anchors(t *testing.T, s string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "a" {
			for _, a := range n.Attr {
				if a.Key == "href" {
					out = append(out, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// TestDelivery sends the sign-in mail through every way of connecting that
// should work and reads it back at the server. User names and passwords
// come percent-decoded from the URL; PLAIN is used when offered, LOGIN when
// it is the only mechanism.
func TestDelivery(t *testing.T) {
	const user, pass = "mailer@example.com", "p@ss:w/rd%+ é"
	const userinfo = "mailer%40example.com:p%40ss%3Aw%2Frd%25+%20%C3%A9"
	for _, c := range []struct {
		name            string
		b               *backend
		mode            serverMode
		scheme, userinf string
		query           string
		tls             bool
	}{
		{name: "plain", b: &backend{}, mode: plainServer, scheme: "smtp"},
		{name: "STARTTLS offered", b: &backend{}, mode: startTLSServer, scheme: "smtp", tls: true},
		{name: "STARTTLS not offered", b: &backend{}, mode: plainServer, scheme: "smtp", query: "starttls=opportunistic"},
		{name: "STARTTLS off", b: &backend{}, mode: startTLSServer, scheme: "smtp", query: "starttls=off"},
		{name: "STARTTLS required and offered", b: &backend{}, mode: startTLSServer, scheme: "smtp", query: "starttls=required", tls: true},
		{name: "smtps", b: &backend{User: "ada", Pass: "pa ss"}, mode: implicitServer, scheme: "smtps", userinf: "ada:pa%20ss", tls: true},
		{name: "PLAIN after STARTTLS", b: &backend{User: user, Pass: pass}, mode: startTLSServer, scheme: "smtp", userinf: userinfo, tls: true},
		{name: "LOGIN only, after STARTTLS", b: &backend{User: user, Pass: pass, Mechs: []string{"LOGIN"}}, mode: startTLSServer, scheme: "smtp", userinf: userinfo, tls: true},
		{name: "PLAIN on localhost without TLS", b: &backend{User: user, Pass: pass}, mode: plainServer, scheme: "smtp", userinf: userinfo},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := c.b
			addr := startServer(t, b, c.mode, "127.0.0.1")
			if err := sender(t, urlFor(c.scheme, c.userinf, addr, c.query)).Send(context.Background(), signIn(t)); err != nil {
				t.Fatal(err)
			}
			checkDelivered(t, b, c.tls, b.User)
		})
	}
}

// refused sends through s to the server of b and returns the *SendError,
// failing t if the server got a message.
func refused(t *testing.T, b *backend, s *email.SMTP) *email.SendError {
	t.Helper()
	se := sendErr(t, context.Background(), s)
	if n := len(b.messages()); n != 0 {
		t.Errorf("server got %d messages", n)
	}
	return se
}

// TestTLSFailures: TLS that is required and missing, or offered and not
// trusted, fails the send at step tls. Opportunistic never means "fall back
// to plain after a bad handshake".
func TestTLSFailures(t *testing.T) {
	b := &backend{}
	addr := startServer(t, b, plainServer, "127.0.0.1")
	se := refused(t, b, sender(t, urlFor("smtp", "", addr, "starttls=required")))
	if se.Step != email.StepTLS || !errors.Is(se, email.ErrStartTLSUnavailable) || se.Temporary() {
		t.Errorf("required, not offered: step %s, %v, temporary %v; want tls, ErrStartTLSUnavailable", se.Step, se, se.Temporary())
	}

	b = &backend{}
	addr = startServer(t, b, startTLSServer, "127.0.0.1")
	cfg, err := email.ParseSMTPURL(urlFor("smtp", "", addr, ""))
	if err != nil {
		t.Fatal(err)
	}
	s, err := email.NewSMTP(cfg) // system roots: the test CA is unknown
	if err != nil {
		t.Fatal(err)
	}
	se = refused(t, b, s)
	var verr *tls.CertificateVerificationError
	if se.Step != email.StepTLS || !errors.As(se, &verr) {
		t.Errorf("untrusted certificate: step %s, %v; want tls with a verification error", se.Step, se)
	}

	// A plain client against an smtps port fails at the greeting, in time.
	b = &backend{}
	addr = startServer(t, b, implicitServer, "127.0.0.1")
	if se := refused(t, b, sender(t, urlFor("smtp", "", addr, "timeout=1s"))); se.Step != email.StepGreeting {
		t.Errorf("plain client on a TLS port: step %s (%v)", se.Step, se)
	}
}

func TestAuthFailure(t *testing.T) {
	const pass = "Wrong-Password-123"
	b := &backend{User: "ada", Pass: "right"}
	addr := startServer(t, b, startTLSServer, "127.0.0.1")
	se := refused(t, b, sender(t, urlFor("smtp", "ada:"+pass, addr, "")))
	if se.Step != email.StepAuth || se.Code != 535 || se.EnhancedCode != "5.7.8" || se.Temporary() {
		t.Errorf("step %s code %d %q temporary %v (%v); want auth 535 5.7.8", se.Step, se.Code, se.EnhancedCode, se.Temporary(), se)
	}
	for _, secret := range []string{pass, "ada@example.com", link, "482913"} {
		if strings.Contains(se.Error(), secret) || strings.Contains(fmt.Sprint(se.LogValue()), secret) {
			t.Errorf("the error shows %q: %v", secret, se)
		}
	}

	// A server that offers no mechanism this client speaks.
	b2 := &backend{User: "ada", Pass: "right", Mechs: []string{"CRAM-MD5"}}
	addr2 := startServer(t, b2, startTLSServer, "127.0.0.1")
	se = refused(t, b2, sender(t, urlFor("smtp", "ada:right", addr2, "")))
	if se.Step != email.StepAuth || !errors.Is(se, email.ErrAuthUnavailable) {
		t.Errorf("no common mechanism: step %s, %v", se.Step, se)
	}
}

// TestPasswordNeverInClear: a server that is not on this machine and offers
// no STARTTLS (or an attacker who stripped the offer) never sees the
// password: the send fails at auth before any AUTH command.
func TestPasswordNeverInClear(t *testing.T) {
	ips := localIPs()
	if len(ips) == 0 {
		testenv.Unavailable(t, "this machine has no non-loopback IPv4 address", "run on a machine with a network interface")
	}
	b := &backend{User: "ada", Pass: "secret"}
	addr := startServer(t, b, plainServer, ips[0].String())
	se := refused(t, b, sender(t, urlFor("smtp", "ada:secret", addr, "")))
	if se.Step != email.StepAuth || !errors.Is(se, email.ErrInsecureAuth) {
		t.Errorf("step %s, %v; want auth, ErrInsecureAuth", se.Step, se)
	}
	if n := b.authAttempts(); n != 0 {
		t.Errorf("the server saw %d AUTH attempts over a plain connection", n)
	}
	// The same server over STARTTLS takes the password.
	b2 := &backend{User: "ada", Pass: "secret"}
	addr2 := startServer(t, b2, startTLSServer, ips[0].String())
	if err := sender(t, urlFor("smtp", "ada:secret", addr2, "")).Send(context.Background(), signIn(t)); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, b2, true, "ada")
}

func TestServerDown(t *testing.T) {
	se := sendErr(t, context.Background(), sender(t, urlFor("smtp", "", closedPort(t), "")))
	var op *net.OpError
	if se.Step != email.StepDial || !errors.As(se, &op) || !se.Temporary() || se.Timeout() {
		t.Errorf("step %s, %v, temporary %v; want dial, a net.OpError, temporary", se.Step, se, se.Temporary())
	}
	if !strings.Contains(se.Error(), "connection refused") {
		t.Errorf("Error() hides the cause: %v", se)
	}
}

func TestRecipientRejected(t *testing.T) {
	b := &backend{RejectRcpt: &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "<ada@example.com>: no such user"}}
	addr := startServer(t, b, plainServer, "127.0.0.1")
	se := refused(t, b, sender(t, urlFor("smtp", "", addr, "")))
	if se.Step != email.StepRcpt || se.Code != 550 || se.EnhancedCode != "5.1.1" {
		t.Errorf("step %s code %d %q; want rcpt 550 5.1.1", se.Step, se.Code, se.EnhancedCode)
	}
	if strings.Contains(se.Error(), "ada@example.com") {
		t.Errorf("the error shows the address: %v", se)
	}
	// The server's words are still there for a caller who asks.
	if !strings.Contains(errors.Unwrap(se).Error(), "no such user") {
		t.Errorf("the cause lost the server's reply: %v", errors.Unwrap(se))
	}
}

// TestTimeout: a server that stalls, before its greeting or on the message,
// does not hold the send past the configured timeout.
func TestTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	// Generous: the bound proves the send ends, not how fast.
	const limit = 10 * time.Second
	check := func(t *testing.T, s *email.SMTP, wantStep email.Step) {
		t.Helper()
		start := time.Now()
		se := sendErr(t, context.Background(), s)
		if took := time.Since(start); took > limit {
			t.Errorf("send took %v with a %v timeout", took, timeout)
		}
		if se.Step != wantStep || !se.Timeout() || !se.Temporary() || !errors.Is(se, context.DeadlineExceeded) {
			t.Errorf("step %s timeout %v (%v); want %s, a timeout", se.Step, se.Timeout(), se, wantStep)
		}
		if se.Error() != "email: "+string(wantStep)+" failed: timed out" {
			t.Errorf("Error() = %q", se.Error())
		}
	}
	t.Run("before the greeting", func(t *testing.T) {
		check(t, sender(t, urlFor("smtp", "", startStalled(t), "timeout="+timeout.String())), email.StepGreeting)
	})
	t.Run("on the message", func(t *testing.T) {
		b := &backend{StallData: make(chan struct{})}
		addr := startServer(t, b, plainServer, "127.0.0.1")
		check(t, sender(t, urlFor("smtp", "", addr, "timeout="+timeout.String())), email.StepData)
	})
	t.Run("context deadline sooner", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		s := sender(t, urlFor("smtp", "", startStalled(t), "timeout=1h"))
		start := time.Now()
		se := sendErr(t, ctx, s)
		if took := time.Since(start); took > limit || se.Step != email.StepGreeting || !se.Timeout() {
			t.Errorf("took %v, step %s, timeout %v", took, se.Step, se.Timeout())
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(timeout, cancel)
		s := sender(t, urlFor("smtp", "", startStalled(t), "timeout=1h"))
		start := time.Now()
		se := sendErr(t, ctx, s)
		if took := time.Since(start); took > limit || !errors.Is(se, context.Canceled) || se.Timeout() {
			t.Errorf("took %v, %v; want canceled", took, se)
		}
	})
}

// TestConcurrentSends: one SMTP sender serves many goroutines, each on its
// own connection.
func TestConcurrentSends(t *testing.T) {
	b := &backend{}
	addr := startServer(t, b, startTLSServer, "127.0.0.1")
	s := sender(t, urlFor("smtp", "", addr, ""))
	const n = 12
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			m := signIn(t)
			m.To = fmt.Sprintf("user%d@example.com", i)
			if err := s.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, m := range b.messages() {
		seen[m.To] = true
	}
	if len(seen) != n {
		t.Errorf("server got %d distinct recipients, want %d", len(seen), n)
	}
}

// TestInvalidMessageNeverDials: a message with a header injection is refused
// before any connection.
func TestInvalidMessageNeverDials(t *testing.T) {
	b := &backend{}
	addr := startServer(t, b, plainServer, "127.0.0.1")
	m := signIn(t)
	m.Subject = "Sign in\r\nBcc: victim@example.org"
	err := sender(t, urlFor("smtp", "", addr, "")).Send(context.Background(), m)
	var se *email.SendError
	if !errors.As(err, &se) || se.Step != email.StepMessage || !errors.Is(err, email.ErrInvalidMessage) {
		t.Errorf("Send = %v, want a message error", err)
	}
	if n := len(b.messages()); n != 0 {
		t.Errorf("server got %d messages", n)
	}
}
