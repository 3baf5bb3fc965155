package email_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the server got it.
type received struct {
	From, To string
	Data     []byte
	TLS      bool   // the session was encrypted
	User     string // the authenticated user, "" for none
}

// backend is the test server's store and rules.
type backend struct {
	// User and Pass, when set, make AUTH required; Mechs are the
	// mechanisms offered (PLAIN when empty).
	User, Pass string
	Mechs      []string
	// RejectRcpt, when set, is the reply to every RCPT.
	RejectRcpt *smtp.SMTPError
	// StallData, when set, makes DATA wait until it is closed.
	StallData chan struct{}

	mu       sync.Mutex
	msgs     []received
	authSeen int // AUTH attempts (any mechanism, any outcome)
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{b: b, tls: isTLS}, nil
}

func (b *backend) messages() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

func (b *backend) authAttempts() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.authSeen
}

type session struct {
	b        *backend
	tls      bool
	user     string
	from, to string
}

func (s *session) AuthMechanisms() []string {
	if s.b.User == "" {
		return nil
	}
	if len(s.b.Mechs) > 0 {
		return s.b.Mechs
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	s.b.mu.Lock()
	s.b.authSeen++
	s.b.mu.Unlock()
	check := func(user, pass string) error {
		if user != s.b.User || pass != s.b.Pass {
			return smtp.ErrAuthFailed
		}
		s.user = user
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, user, pass string) error { return check(user, pass) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.User != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.b.RejectRcpt != nil {
		return s.b.RejectRcpt
	}
	s.to = to
	return nil
}

func (s *session) Data(r io.Reader) error {
	if s.b.StallData != nil {
		<-s.b.StallData
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.msgs = append(s.b.msgs, received{From: s.from, To: s.to, Data: data, TLS: s.tls, User: s.user})
	return nil
}

func (s *session) Reset()        { s.from, s.to = "", "" }
func (s *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN (draft-murchison-sasl-login),
// which go-sasl no longer ships: "Username:", then "Password:", each answer
// base64 in the SMTP layer.
type loginServer struct {
	check func(user, pass string) error
	user  string
	step  int
}

func (l *loginServer) Next(resp []byte) (challenge []byte, done bool, err error) {
	l.step++
	switch l.step {
	case 1:
		if len(resp) > 0 { // an initial response carries the user name
			l.user, l.step = string(resp), 2
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.user = string(resp)
		return []byte("Password:"), false, nil
	case 3:
		return nil, true, l.check(l.user, string(resp))
	}
	return nil, true, errors.New("unexpected response")
}

// serverMode is how the test server speaks TLS.
type serverMode int

const (
	plainServer    serverMode = iota // no TLS at all
	startTLSServer                   // offers STARTTLS
	implicitServer                   // TLS from the first byte (smtps)
)

// startServer runs a go-smtp server for b on host (an IP address) and
// returns its "host:port".
func startServer(t *testing.T, b *backend, mode serverMode, host string) string {
	t.Helper()
	s := smtp.NewServer(b)
	s.Domain = "mx.test"
	s.ReadTimeout, s.WriteTimeout = 30*time.Second, 30*time.Second
	s.MaxMessageBytes = 1 << 20
	s.AllowInsecureAuth = mode == plainServer
	ln := listen(t, host)
	switch mode {
	case startTLSServer:
		s.TLSConfig = serverTLS
	case implicitServer:
		ln = tls.NewListener(ln, serverTLS)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(ln) }()
	t.Cleanup(func() {
		if b.StallData != nil {
			select {
			case <-b.StallData:
			default:
				close(b.StallData)
			}
		}
		// Close the listener too: a Close that comes before Serve has
		// registered it would leave Serve waiting forever.
		_ = ln.Close()
		_ = s.Close()
		<-done
	})
	return ln.Addr().String()
}

// startStalled accepts connections and never says a word, as a server that
// hangs before its greeting. It returns the address.
func startStalled(t *testing.T) string {
	t.Helper()
	ln := listen(t, "127.0.0.1")
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return ln.Addr().String()
}

// closedPort returns an address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln := listen(t, "127.0.0.1")
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// listen listens on a free TCP port of host.
func listen(t *testing.T, host string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// serverTLS is the servers' certificate, self-signed for 127.0.0.1, ::1,
// localhost and every address of this machine; clientRoots trusts it.
var serverTLS, clientRoots = selfSigned()

func selfSigned() (*tls.Config, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "authgo test SMTP server"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           append([]net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, localIPs()...),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}}}, pool
}

// localIPs returns the machine's IPv4 addresses that are not loopback.
func localIPs() []net.IP {
	addrs, _ := net.InterfaceAddrs()
	var out []net.IP
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			out = append(out, n.IP)
		}
	}
	return out
}

// urlFor returns scheme://userinfo@addr?query for the test server at addr.
func urlFor(scheme, userinfo, addr, query string) string {
	u := scheme + "://"
	if userinfo != "" {
		u += userinfo + "@"
	}
	u += addr
	if query != "" {
		u += "?" + query
	}
	return u
}
