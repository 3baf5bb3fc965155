package email

import (
	"slices"
	"strings"
	"unicode"
)

// lookalike reports whether the address s (NFKC-folded) is built to look
// like another one: it holds an invisible character, or it mixes scripts
// within the local part or within one domain label.
//
// Invisible are the characters Unicode calls default-ignorable (format
// characters such as the zero-width space and joiners, bidirectional
// controls, the soft hyphen, variation selectors): "ada@example.com" with
// a zero-width space after "ada" is another address that reads the same.
// Mixed scripts follow UTS #39's "highly restrictive" level: the letters of
// one part are of one script, apart from the mixes Chinese, Japanese and
// Korean writing uses (Latin with Han, Hiragana and Katakana; with Han and
// Bopomofo; with Han and Hangul). So "exаmple.com" with a Cyrillic "а" is
// refused, while "пример.рф", "例え.jp" and "josé@example.com" pass. A name
// written wholly in another script that looks Latin ("ада" in Cyrillic)
// passes too: telling it apart needs Unicode's confusables table, which Go's
// libraries do not ship (x/text has NFKC and PRECIS, not UTS #39), so this
// check is written here.
func lookalike(s string) bool {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return false
	}
	local, domain, _ := strings.Cut(s, "@")
	parts := append([]string{local}, strings.Split(domain, ".")...)
	for _, p := range parts {
		if mixedOrInvisible(p) {
			return true
		}
	}
	return false
}

// allowedMixes are the sets of scripts one part may mix (UTS #39 §5.2,
// highly restrictive).
var allowedMixes = [][]string{
	{"Latin", "Han", "Hiragana", "Katakana"},
	{"Latin", "Han", "Bopomofo"},
	{"Latin", "Han", "Hangul"},
}

// mixedOrInvisible reports whether part holds a default-ignorable
// character or letters of scripts that no allowed mix covers.
func mixedOrInvisible(part string) bool {
	var seen []string
	for _, r := range part {
		if r < 0x80 {
			if unicode.IsLetter(r) && !slices.Contains(seen, "Latin") {
				seen = append(seen, "Latin")
			}
			continue
		}
		if unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) {
			return true
		}
		if sc := scriptOf(r); sc != "" && !slices.Contains(seen, sc) {
			seen = append(seen, sc)
		}
	}
	if len(seen) <= 1 {
		return false
	}
	for _, mix := range allowedMixes {
		if subset(seen, mix) {
			return false
		}
	}
	return true
}

// commonScripts are looked at first: most addresses use one of them.
var commonScripts = []string{"Latin", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana", "Hangul", "Arabic", "Hebrew", "Armenian", "Georgian", "Thai", "Devanagari"}

// scriptOf returns the script of r, "" for Common and Inherited (digits,
// punctuation, combining marks) and for unassigned code points.
func scriptOf(r rune) string {
	if unicode.In(r, unicode.Common, unicode.Inherited) {
		return ""
	}
	for _, name := range commonScripts {
		if unicode.Is(unicode.Scripts[name], r) {
			return name
		}
	}
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return ""
}

func subset(a, b []string) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}
