package emailtest

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// A mail server that fails, as an SMTP URL for email.ParseSMTPURL. Each is a
// real listener (or the lack of one) that the real SMTP sender talks to.
type mailFault struct {
	name string
	// start returns the server's SMTP URL; it is closed when t ends.
	start func(t *testing.T) string
}

var mailFaults = []mailFault{
	{"nothing listens", func(t *testing.T) string {
		ln := listen(t)
		addr := ln.Addr().String()
		ln.Close()
		return smtpURL(addr)
	}},
	{"greeting 421", func(t *testing.T) string {
		return serve(t, func(c net.Conn) {
			_, _ = c.Write([]byte("421 4.3.2 Service not available, closing channel\r\n"))
		})
	}},
	{"message refused after DATA", func(t *testing.T) string {
		return serve(t, refuseData)
	}},
}

func smtpURL(addr string) string { return "smtp://" + addr + "?timeout=10s" }

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// serve accepts connections on a new loopback port and runs talk on each,
// then closes it; everything stops when t ends.
func serve(t *testing.T, talk func(net.Conn)) string {
	ln := listen(t)
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(30 * time.Second))
				talk(c)
			})
		}
	})
	return smtpURL(ln.Addr().String())
}

// refuseData holds an SMTP conversation (RFC 5321) that accepts the
// sender, the recipient and the whole message, then refuses it with a
// temporary failure: the send fails at its very last step, after the
// token and the code were stored. It is written here because go-smtp, the
// test server of e2e/email, is kept out of the root module's requirements.
func refuseData(c net.Conn) {
	r := bufio.NewReader(c)
	reply := func(s string) bool { _, err := c.Write([]byte(s + "\r\n")); return err == nil }
	if !reply("220 fault.test ESMTP") {
		return
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch verb {
		case "EHLO", "HELO":
			reply("250 fault.test")
		case "DATA":
			reply("354 end with <CRLF>.<CRLF>")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			reply("451 4.3.0 Temporary failure, try again later")
		case "QUIT":
			reply("221 bye")
			return
		default: // MAIL, RCPT, RSET, NOOP
			reply("250 OK")
		}
	}
}
