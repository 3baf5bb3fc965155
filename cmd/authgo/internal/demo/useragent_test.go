package demo

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBrowserLabel(t *testing.T) {
	for ua, want := range map[string]string{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                                   "Chrome on Linux",
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36":                           "Chrome on Linux",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0":           "Edge on Windows",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15":                   "Safari on macOS",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1": "Safari on iOS",
		"Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0":                                                                    "Firefox on Android",
		"curl/8.5.0":                    "curl",
		"Laptop-Browser/1.0":            "Laptop-Browser",
		"":                              "Unknown browser",
		"   ":                           "Unknown browser",
		strings.Repeat("x", 100) + "/1": strings.Repeat("x", maxLabel) + "…",
	} {
		if got := browserLabel(ua); got != want {
			t.Errorf("browserLabel(%.40q) = %q, want %q", ua, got, want)
		}
	}
}

func FuzzBrowserLabel(f *testing.F) {
	f.Add("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
	f.Add("curl/8.5.0")
	f.Add(strings.Repeat("é", 50) + "/1")
	f.Add("\xff\xfe/\x00")
	f.Fuzz(func(t *testing.T, ua string) {
		got := browserLabel(ua)
		if got == "" || utf8.RuneCountInString(got) > 80 {
			t.Fatalf("browserLabel(%q) = %q", ua, got)
		}
		if utf8.ValidString(ua) && !utf8.ValidString(got) {
			t.Fatalf("browserLabel(%q) = %q, not UTF-8", ua, got)
		}
	})
}
