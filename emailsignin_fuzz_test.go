package authgo

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParseEmailCallback feeds hostile queries to the link and code
// parser: it never panics, a code it accepts is exactly codeLen ASCII
// digits, and a token it accepts is printable ASCII of at most 512 bytes
// with an address of at most 320.
func FuzzParseEmailCallback(f *testing.F) {
	for _, s := range []string{
		"token=abc&email=a%40b.c", "code=123456", "code=123+456", "code=%EF%BC%91%EF%BC%92%EF%BC%93456",
		"code=12345", "code=1234567", "token=%00&email=x", "token=a+b&email=x", "code=--1-2-3-4-5-6--",
		"token=" + strings.Repeat("a", 600) + "&email=a", "code=١٢٣٤٥٦",
	} {
		f.Add(s, 6)
	}
	f.Fuzz(func(t *testing.T, raw string, codeLen int) {
		codeLen = 6 + (codeLen%7+7)%7
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		in, err := parseEmailCallback(q.Get, codeLen)
		if err != nil {
			return
		}
		switch {
		case in.code != "":
			if len(in.code) != codeLen || strings.Trim(in.code, "0123456789") != "" || in.token != "" {
				t.Fatalf("accepted code %q (len %d)", in.code, codeLen)
			}
		default:
			if !validLinkToken(in.token) || in.email == "" || len(in.email) > 320 {
				t.Fatalf("accepted token %q email %q", in.token, in.email)
			}
		}
	})
}

func TestNewEmailCodeIsUniformDigits(t *testing.T) {
	seen := [10]int{}
	for range 2000 {
		c := newEmailCode(6)
		if len(c) != 6 || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("code %q", c)
		}
		for _, d := range c {
			seen[d-'0']++
		}
	}
	for d, n := range seen {
		if n < 900 || n > 1500 { // 1200 expected each; 12000 digits
			t.Errorf("digit %d appeared %d times in 12000", d, n)
		}
	}
}
