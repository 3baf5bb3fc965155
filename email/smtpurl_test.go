package email

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseSMTPURL(t *testing.T) {
	for raw, want := range map[string]SMTPConfig{
		"smtp://127.0.0.1:2525":             {Host: "127.0.0.1", Port: 2525, TLS: TLSOpportunistic},
		"smtp://mail.example.com":           {Host: "mail.example.com", Port: 587, TLS: TLSOpportunistic},
		"smtp://mail.example.com/":          {Host: "mail.example.com", Port: 587, TLS: TLSOpportunistic},
		"smtps://mail.example.com":          {Host: "mail.example.com", Port: 465, TLS: TLSImplicit},
		"smtps://u:p@mail.example.com:2465": {Host: "mail.example.com", Port: 2465, TLS: TLSImplicit, Username: "u", Password: "p"},
		"smtp://apikey:s%40cr%3At%2Fx%25@smtp.example.com:587?starttls=required": {
			Host: "smtp.example.com", Port: 587, TLS: TLSRequired, Username: "apikey", Password: "s@cr:t/x%"},
		"smtp://user%40example.com:pw@[::1]:25?starttls=off&timeout=3s&helo=app.example.com": {
			Host: "::1", Port: 25, TLS: TLSOff, Username: "user@example.com", Password: "pw",
			Timeout: 3 * time.Second, HELO: "app.example.com"},
		"smtp://h?starttls=opportunistic": {Host: "h", Port: 587, TLS: TLSOpportunistic},
	} {
		got, err := ParseSMTPURL(raw)
		if err != nil {
			t.Errorf("%s: %v", raw, err)
			continue
		}
		want = want.withDefaults()
		if got != want {
			t.Errorf("%s:\n got %+v\nwant %+v", raw, got, want)
		}
	}
}

func TestParseSMTPURLErrors(t *testing.T) {
	const pw = "Sup3rSecretPw"
	for raw, want := range map[string]string{
		"":                                   "scheme",
		"http://h":                           "scheme",
		"SMTP://h":                           "", // url.Parse lowercases the scheme: accepted
		"smtp:h":                             "two slashes",
		"smtp://":                            "host is missing",
		"smtp://:25":                         "host is missing",
		"smtp://h:0":                         "port",
		"smtp://h:65536":                     "port",
		"smtp://h:":                          "port is empty",
		"smtp://h/path":                      "path",
		"smtp://user:" + pw + "/x@h":         "", // '/' in the password ends the host
		"smtp://user:" + pw + "#x@h":         "",
		"smtp://user:" + pw + "?x@h":         "",
		"smtp://user@h":                      "needs a password",
		"smtp://:" + pw + "@h":               "needs a user name",
		"smtp://@h":                          "empty",
		"smtp://user:" + pw + "%zz@h":        "not a URL",
		"smtp://u:" + pw + "@h?starttls=yes": "starttls must be",
		"smtps://u:p@h?starttls=required":    "does not apply",
		"smtp://h?timeout=0s":                "timeout",
		"smtp://h?timeout=10":                "timeout",
		"smtp://h?timeout=2h":                "timeout",
		"smtp://h?timeout=1s&timeout=2s":     "twice",
		"smtp://h?helo=a%0d%0aRSET":          "helo",
		"smtp://h?from=x":                    "unknown query parameter",
		"smtp://h?" + pw + "=1":              "unknown query parameter",
		"smtp://h%25eth0":                    "",
	} {
		_, err := ParseSMTPURL(raw)
		if want == "" && err == nil && raw == "SMTP://h" {
			continue
		}
		if err == nil {
			t.Errorf("%q: no error", raw)
			continue
		}
		if !errors.Is(err, ErrSMTPURL) {
			t.Errorf("%q: %v does not wrap ErrSMTPURL", raw, err)
		}
		if want != "" && !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %q does not say %q", raw, err, want)
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), pw[:4]) {
			t.Errorf("%q: the error quotes the password: %v", raw, err)
		}
	}
}

func TestSMTPConfigString(t *testing.T) {
	c, err := ParseSMTPURL("smtp://ada:hunter2hunter2@mail.example.com:2525?starttls=required&timeout=5s")
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	if strings.Contains(s, "hunter2") {
		t.Errorf("String shows the password: %s", s)
	}
	if s != "smtp://ada:xxxxx@mail.example.com:2525?starttls=required&timeout=5s" {
		t.Errorf("String = %s", s)
	}
	if c.Addr() != "mail.example.com:2525" {
		t.Errorf("Addr = %s", c.Addr())
	}
	if got := (SMTPConfig{Host: "::1", TLS: TLSImplicit}).Addr(); got != "[::1]:0" {
		t.Errorf("IPv6 Addr = %s", got)
	}
}

func TestNewSMTPValidates(t *testing.T) {
	good := SMTPConfig{Host: "mail.example.com"}
	s, err := NewSMTP(good)
	if err != nil {
		t.Fatal(err)
	}
	if c := s.Config(); c.Port != DefaultSubmissionPort || c.Timeout != DefaultTimeout || c.HELO != DefaultHELO || c.TLS != TLSOpportunistic {
		t.Errorf("defaults not applied: %+v", c)
	}
	if s.tls.ServerName != "mail.example.com" || s.tls.MinVersion < 0x0303 {
		t.Errorf("TLS config %v %x", s.tls.ServerName, s.tls.MinVersion)
	}
	for name, c := range map[string]SMTPConfig{
		"no host":       {},
		"host:port":     {Host: "h:25"},
		"host with @":   {Host: "u@h"},
		"port":          {Host: "h", Port: 70000},
		"mode":          {Host: "h", TLS: "sometimes"},
		"timeout":       {Host: "h", Timeout: -time.Second},
		"helo":          {Host: "h", HELO: "a b"},
		"user only":     {Host: "h", Username: "u"},
		"password only": {Host: "h", Password: "p"},
		"crlf user":     {Host: "h", Username: "u\r\nRSET", Password: "p"},
	} {
		if _, err := NewSMTP(c); err == nil {
			t.Errorf("%s: NewSMTP accepted %+v", name, c)
		} else if strings.Contains(err.Error(), "\r") {
			t.Errorf("%s: error echoes the value", name)
		}
	}
}

// FuzzParseSMTPURL checks, for any input, that ParseSMTPURL does not panic,
// that its errors never quote the password (the text between the first
// ':' after "//" and the last '@' when there is one) nor the user name, and
// that what it accepts is a valid configuration that survives a round trip
// through its URL form.
func FuzzParseSMTPURL(f *testing.F) {
	for _, s := range []string{
		"smtp://127.0.0.1:2525", "smtps://u:p@h:465", "smtp://u:p%40x@h?starttls=required&timeout=2s",
		"smtp://[::1]:25?helo=x&starttls=off", "smtp://u:pw/x@h", "smtp://h?timeout=1h", "smtp://u:%zz@h",
		"smtp://a:b@c:d@e", "smtp://u:p#@h", "smtps://h?starttls=off",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := ParseSMTPURL(raw)
		if err != nil {
			if !errors.Is(err, ErrSMTPURL) {
				t.Fatalf("error %v does not wrap ErrSMTPURL", err)
			}
			if secret := userinfo(raw); len(secret) >= 6 && strings.Contains(err.Error(), secret) {
				t.Fatalf("error %q quotes the user information %q", err, secret)
			}
			return
		}
		if _, err := NewSMTP(c); err != nil {
			t.Fatalf("accepted %q but NewSMTP refuses %+v: %v", raw, c, err)
		}
		if u, err := url.Parse(c.String()); err != nil {
			t.Fatalf("String is not a URL: %v", err)
		} else if p, _ := u.User.Password(); c.Password != "" && p != "xxxxx" {
			t.Fatalf("String shows the password: %s", c.String())
		}
		again, err := ParseSMTPURL(c.url(c.Password))
		if err != nil || again != c {
			t.Fatalf("round trip of %q: %+v, %v; want %+v", raw, again, err, c)
		}
	})
}

// userinfo returns what a reader would take for the user information of
// raw: the text between "//" and the last '@' before a '?'.
func userinfo(raw string) string {
	_, rest, ok := strings.Cut(raw, "//")
	if !ok {
		return ""
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	i := strings.LastIndexByte(rest, '@')
	if i < 0 {
		return ""
	}
	if u, err := url.PathUnescape(rest[:i]); err == nil {
		return u
	}
	return rest[:i]
}
