package email

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func validMessage() *Message {
	return &Message{
		From: "Example <no-reply@example.com>", To: "ada@example.com",
		Subject: "Sign in to example.com", Text: "text " + link, HTML: "<p>html</p>",
		Header: map[string]string{"Auto-Submitted": "auto-generated"},
	}
}

func TestValidate(t *testing.T) {
	if err := validMessage().Validate(); err != nil {
		t.Fatal(err)
	}
	secret := "victim@example.org"
	for name, change := range map[string]func(m *Message){
		"no from":          func(m *Message) { m.From = "" },
		"two recipients":   func(m *Message) { m.To = secret + ", b@example.com" },
		"bad to":           func(m *Message) { m.To = "not an address " + secret },
		"to with crlf":     func(m *Message) { m.To = secret + "\r\nBcc: x@evil.com" },
		"no subject":       func(m *Message) { m.Subject = " " },
		"subject crlf":     func(m *Message) { m.Subject = "Hi\r\nBcc: " + secret },
		"subject lf":       func(m *Message) { m.Subject = "Hi\nBcc: " + secret },
		"subject nul":      func(m *Message) { m.Subject = "Hi\x00" },
		"subject bad utf8": func(m *Message) { m.Subject = "Hi\xff" },
		"no text":          func(m *Message) { m.Text = "" },
		"header crlf":      func(m *Message) { m.Header["X-Tag"] = "a\r\nBcc: " + secret },
		"header name":      func(m *Message) { m.Header["X Tag:"] = "a" },
		"reserved bcc":     func(m *Message) { m.Header["bcc"] = secret },
		"reserved subject": func(m *Message) { m.Header["SUBJECT"] = "x" },
		"content type":     func(m *Message) { m.Header["content-type"] = "text/plain" },
		"twice":            func(m *Message) { m.Header["x-tag"] = "a"; m.Header["X-Tag"] = "b" },
	} {
		m := validMessage()
		change(m)
		err := m.Validate()
		if !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("%s: err %v, want ErrInvalidMessage", name, err)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error quotes the value: %v", name, err)
		}
	}
	var nilMsg *Message
	if err := nilMsg.Validate(); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("nil message: %v", err)
	}
}

// TestComposeRoundTrip reads the MIME that compose writes with the standard
// library's parsers: the headers, both parts and the link come back intact
// through quoted-printable, and a non-ASCII subject through RFC 2047.
func TestComposeRoundTrip(t *testing.T) {
	m := validMessage()
	m.Subject = "Anmelden bei bücher.example – ✓"
	m.Text = "Sign in:\n" + link + "\n" + strings.Repeat("x=", 60) + "\n"
	m.HTML = `<a href="` + strings.ReplaceAll(link, "&", "&amp;") + `">Sign in</a>` + strings.Repeat("é", 100)
	now := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	raw, from, to, err := compose(m, now)
	if err != nil {
		t.Fatal(err)
	}
	if from != "<no-reply@example.com>" || to != "<ada@example.com>" {
		t.Errorf("envelope %q -> %q", from, to)
	}
	for _, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("a line of %d bytes (RFC 5322 allows 998)", len(line))
		}
	}
	text, html, hdr := readMIME(t, raw)
	dec := new(mime.WordDecoder)
	subj, err := dec.DecodeHeader(hdr.Get("Subject"))
	if err != nil || subj != m.Subject {
		t.Errorf("subject %q (%v), want %q", subj, err, m.Subject)
	}
	// Line breaks are CRLF on the wire (RFC 5322); the rest is unchanged.
	if text = strings.ReplaceAll(text, "\r\n", "\n"); text != m.Text {
		t.Errorf("text part changed:\n%q\nwant\n%q", text, m.Text)
	}
	if html != m.HTML {
		t.Errorf("HTML part changed")
	}
	if d, err := hdr.Date(); err != nil || !d.Equal(now) {
		t.Errorf("Date %v (%v)", d, err)
	}
	id := hdr.Get("Message-Id")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") || len(id) < 30 {
		t.Errorf("Message-ID %q", id)
	}
	if hdr.Get("Auto-Submitted") != "auto-generated" || hdr.Get("User-Agent") != "" || hdr.Get("X-Mailer") != "" {
		t.Errorf("headers: %v", hdr)
	}
	raw2, _, _, _ := compose(m, now)
	_, _, hdr2 := readMIME(t, raw2)
	if hdr2.Get("Message-Id") == id {
		t.Errorf("two messages share a Message-ID")
	}
}

// readMIME parses a multipart/alternative message into its decoded text
// and HTML parts.
func readMIME(t *testing.T, raw []byte) (text, html string, hdr mail.Header) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	r := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := r.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var body io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		default:
			t.Errorf("unexpected part %q", ct)
		}
	}
	return text, html, msg.Header
}

func TestSenderFunc(t *testing.T) {
	var got *Message
	var s Sender = SenderFunc(func(_ context.Context, m *Message) error { got = m; return nil })
	m := validMessage()
	if err := s.Send(context.Background(), m); err != nil || got != m {
		t.Errorf("SenderFunc did not call the function: %v", err)
	}
}
