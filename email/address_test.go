package email

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	good := map[string]string{
		"ada@example.com":          "ada@example.com",
		"  Ada@Example.COM\t":      "ada@example.com",
		"ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ":          "ada@example.com", // full-width, folded by NFKC
		"ada+tag@mail.example.org": "ada+tag@mail.example.org",
		"o'brien@example.ie":       "o'brien@example.ie",
		"user@localhost":           "user@localhost",
		"ﬁ@example.com":            "fi@example.com", // ligature, NFKC
		"josé@example.com":         "josé@example.com",
		"Пример@Пример.рф":         "пример@пример.рф", // one script per part
		"ada@例え.jp":                "ada@例え.jp",        // Han and Hiragana, as Japanese mixes them
		"ada@xn--exmple-4nf.com":   "ada@xn--exmple-4nf.com",
	}
	for in, want := range good {
		if got, ok := Normalize(in); !ok || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	bad := []string{
		"", "ada", "@example.com", "ada@", "ada@@example.com", "a@b@example.com",
		"Ada <ada@example.com>", `"ada"@example.com`, "ada @example.com", "ada@exa mple.com",
		"ada@example.com, eve@example.com", "ada@.example.com", "ada@example..com", "ada@example.com.",
		"ada\x00@example.com", "(comment)ada@example.com", "ada@[127.0.0.1]",
		strings.Repeat("a", 65) + "@example.com", "a@" + strings.Repeat("b", 250) + ".com",
		// Look-alikes: a Cyrillic letter among Latin ones, a Greek omicron,
		// zero-width and bidirectional characters, a variation selector.
		"ada@exаmple.com", "аda@example.com", "ada@example.cοm", "ada\u200b@example.com",
		"ada@example.com\u200b", "ad\u200da@example.com", "ada@\u202eexample.com", "ada\ufe0f@example.com",
		"ada\u00ad@example.com",
	}
	for _, in := range bad {
		if got, ok := Normalize(in); ok {
			t.Errorf("Normalize(%q) = %q, accepted", in, got)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"ada@example.com", " ADA@EXAMPLE.COM ", "ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ", "a@b@c", "\"q\"@x", "ﬁ@x.y", "a@b..c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := Normalize(s)
		if !ok {
			return
		}
		// An accepted address is canonical: normalising it again is a no-op,
		// and it is one plain address within the limits.
		again, ok2 := Normalize(out)
		if !ok2 || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", s, out, again, ok2)
		}
		if len(out) > 254 || strings.Count(out, "@") != 1 || !utf8.ValidString(out) || strings.ContainsAny(out, " \t\r\n\"<>,") {
			t.Fatalf("accepted %q as %q", s, out)
		}
	})
}

func TestNormalizeIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		" Ada@Example.COM ":      "ada@example.com",
		"ａｄａ@example.com":        "ada@example.com",
		"ada＠example.com":        "ada@example.com", // NFKC before the count
		"a@b.c,evil.example":     "",
		`"a@evil.example"@b.com`: "",
		"a@b@c.example":          "",
		"a＠b@c.example":          "",
		"":                       "",
		"no-at-sign":             "",
		strings.Repeat("a", 10240) + "@example.com": "",
	} {
		got, err := NormalizeIdentifier(in)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("NormalizeIdentifier(%.40q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
