package demo

import (
	"strings"
	"sync"
	"unicode/utf8"

	useragent "github.com/medama-io/go-useragent"
)

// uaParser reads User-Agent strings. medama-io/go-useragent builds its
// lookup tree once (a few milliseconds), on the first settings page.
var uaParser = sync.OnceValue(useragent.NewParser)

// osNames spells the operating systems the parser reports as people know
// them; others are shown as the parser names them.
var osNames = map[string]string{"MacOS": "macOS", "ChromeOS": "ChromeOS", "iOS": "iOS"}

// maxLabel bounds a label made from an unrecognised User-Agent.
const maxLabel = 40

// browserLabel names the browser of a session for a person — "Chrome on
// Linux", "Safari on iOS", "Firefox" — instead of the raw User-Agent, which
// the settings page keeps for a hover. A User-Agent the parser does not
// know is named by its first product token ("curl", "Laptop-Browser"),
// and an empty one "Unknown browser".
func browserLabel(ua string) string {
	a := uaParser().Parse(ua)
	browser, os := string(a.Browser()), string(a.OS())
	if n, ok := osNames[os]; ok {
		os = n
	}
	switch {
	case browser != "" && os != "":
		return browser + " on " + os
	case browser != "":
		return browser
	case os != "":
		return "A browser on " + os
	}
	name, _, _ := strings.Cut(strings.TrimSpace(ua), "/")
	if name, _, _ = strings.Cut(name, " "); name == "" {
		return "Unknown browser"
	}
	if len(name) > maxLabel {
		name = name[:maxLabel]
		for !utf8.ValidString(name) {
			name = name[:len(name)-1]
		}
		name += "…"
	}
	return name
}
