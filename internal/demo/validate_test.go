package demo

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"ada@example.com":          "ada@example.com",
		"  Ada@Example.COM\t":      "ada@example.com",
		"ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ":          "ada@example.com", // full-width, folded by NFKC
		"ada+tag@mail.example.org": "ada+tag@mail.example.org",
		"o'brien@example.ie":       "o'brien@example.ie",
		"user@localhost":           "user@localhost",
		"ﬁ@example.com":            "fi@example.com", // ligature, NFKC
	}
	for in, want := range good {
		if got, ok := normalizeEmail(in); !ok || got != want {
			t.Errorf("normalizeEmail(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	bad := []string{
		"", "ada", "@example.com", "ada@", "ada@@example.com", "a@b@example.com",
		"Ada <ada@example.com>", `"ada"@example.com`, "ada @example.com", "ada@exa mple.com",
		"ada@example.com, eve@example.com", "ada@.example.com", "ada@example..com", "ada@example.com.",
		"ada\x00@example.com", "(comment)ada@example.com", "ada@[127.0.0.1]",
		strings.Repeat("a", 65) + "@example.com", "a@" + strings.Repeat("b", 250) + ".com",
	}
	for _, in := range bad {
		if got, ok := normalizeEmail(in); ok {
			t.Errorf("normalizeEmail(%q) = %q, accepted", in, got)
		}
	}
}

func TestValidateSignIn(t *testing.T) {
	if f, errs := validateSignIn(" Ada@Example.com ", "12345678"); len(errs) != 0 || f.Email != "ada@example.com" {
		t.Errorf("valid input: %+v %v", f, errs)
	}
	// The minimum counts characters: 8 emoji pass. The maximum is 1024
	// bytes, as authgo and package password bound passwords.
	if _, errs := validateSignIn("a@b.c", strings.Repeat("🔑", 8)); len(errs) != 0 {
		t.Errorf("8 emoji: %v", errs)
	}
	if _, errs := validateSignIn("a@b.c", strings.Repeat("é", 512)); len(errs) != 0 {
		t.Errorf("1024 bytes: %v", errs)
	}
	if _, errs := validateSignIn("a@b.c", strings.Repeat("é", 513)); errs["password"] == "" {
		t.Errorf("1026 bytes accepted")
	}
	if _, errs := validateSignIn("a@b.c", "1234567"); errs["password"] == "" {
		t.Errorf("7 characters accepted")
	}
	_, errs := validateSignIn("nope", "")
	if errs["email"] == "" || errs["password"] == "" {
		t.Errorf("both fields should fail: %v", errs)
	}
}

func TestValidatePost(t *testing.T) {
	cases := []struct {
		title, content string
		field          string
	}{
		{"abc", "", ""},
		{"  abc  ", "", ""},
		{"ééé", "", ""},
		{strings.Repeat("長", 200), "", ""},
		{"ab", "", "title"},
		{strings.Repeat("長", 201), "", "title"},
		{"abc\x07", "", "title"},
		{"a\nbc", "", "title"},
		{"abc", "line\nline\ttab", ""},
		{"abc", "bell\x07", "content"},
		{"abc", strings.Repeat("x", maxContentLen+1), "content"},
		{"abc", string([]byte{0xff, 0xfe}), "content"},
	}
	for _, c := range cases {
		in, errs := validatePost(c.title, c.content)
		switch {
		case c.field == "" && len(errs) > 0:
			t.Errorf("%q/%q: unexpected %v", c.title, c.content, errs)
		case c.field != "" && errs[c.field] == "":
			t.Errorf("%q/%q: no error for %s", c.title, c.content, c.field)
		case c.field == "" && in.Title != strings.TrimSpace(c.title):
			t.Errorf("title not trimmed: %q", in.Title)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/editor": "/editor", "/editor?x=1": "/editor?x=1", "": "", "//evil.example": "",
		"https://evil.example/": "", "/\\evil.example": "", "javascript:alert(1)": "", "editor": "",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"ada@example.com", " ADA@EXAMPLE.COM ", "ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ", "a@b@c", "\"q\"@x", "ﬁ@x.y", "a@b..c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := normalizeEmail(s)
		if !ok {
			return
		}
		// An accepted address is canonical: normalising it again is a no-op,
		// and it is one plain address within the limits.
		again, ok2 := normalizeEmail(out)
		if !ok2 || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", s, out, again, ok2)
		}
		if len(out) > maxEmailLen || strings.Count(out, "@") != 1 || !utf8.ValidString(out) || strings.ContainsAny(out, " \t\r\n\"<>,") {
			t.Fatalf("accepted %q as %q", s, out)
		}
	})
}
