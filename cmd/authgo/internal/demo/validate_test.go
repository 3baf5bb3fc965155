package demo

import (
	"strings"
	"testing"
)

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
