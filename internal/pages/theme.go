package pages

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// Colour schemes a Theme may ask for. The empty string means SchemeAuto.
const (
	SchemeAuto  = "auto"
	SchemeLight = "light"
	SchemeDark  = "dark"
)

// Defaults used when a Theme leaves a value empty or sets an invalid one.
const (
	DefaultBrandColor = "#346df1"
	DefaultButtonText = "#ffffff"
)

// ErrTheme is wrapped by the errors Theme.Validate returns.
var ErrTheme = errors.New("pages: invalid theme")

// Theme is the look of the built-in pages, as Auth.js's theme option.
//
// ColorScheme is "auto" (follow the browser's prefers-color-scheme, the
// default), "light" or "dark". BrandColor colours the buttons and links and
// ButtonText is the colour of the text on those buttons (when empty: white,
// or black on a light hex BrandColor); both are CSS colours
// written as a hex value (#rgb, #rgba, #rrggbb, #rrggbbaa) or a plain colour
// name such as "teal". Logo is the address of an image shown above the page:
// an http(s) URL or a path on this site ("/logo.svg").
//
// Values that fail Validate are not rendered: the page falls back to the
// default for that value, so nothing a misconfigured theme holds can reach
// the page's style or markup.
type Theme struct {
	ColorScheme string
	BrandColor  string
	Logo        string
	ButtonText  string
}

// Validate reports the first value of t that the pages would refuse, wrapping
// ErrTheme, or nil. Callers check it when they are configured so a mistake
// fails early; rendering drops invalid values in any case.
func (t Theme) Validate() error {
	switch t.ColorScheme {
	case "", SchemeAuto, SchemeLight, SchemeDark:
	default:
		return fmt.Errorf("%w: ColorScheme %q, want auto, light or dark", ErrTheme, t.ColorScheme)
	}
	if t.BrandColor != "" && !validColor(t.BrandColor) {
		return fmt.Errorf("%w: BrandColor %q is not a hex colour (#rrggbb) or a colour name", ErrTheme, t.BrandColor)
	}
	if t.ButtonText != "" && !validColor(t.ButtonText) {
		return fmt.Errorf("%w: ButtonText %q is not a hex colour (#rrggbb) or a colour name", ErrTheme, t.ButtonText)
	}
	if t.Logo != "" && !validLogo(t.Logo) {
		return fmt.Errorf("%w: Logo %q is not an http(s) URL or a path starting with /", ErrTheme, t.Logo)
	}
	return nil
}

// themeView is the theme as the templates use it: every value checked.
type themeView struct {
	Scheme     string // auto, light or dark
	BrandColor string
	ButtonText string
	Logo       string // "" for none
}

func (t Theme) view() themeView {
	v := themeView{Scheme: SchemeAuto, BrandColor: DefaultBrandColor, ButtonText: DefaultButtonText}
	switch t.ColorScheme {
	case SchemeLight, SchemeDark:
		v.Scheme = t.ColorScheme
	}
	if validColor(t.BrandColor) {
		v.BrandColor = strings.ToLower(t.BrandColor)
	}
	if validColor(t.ButtonText) {
		v.ButtonText = strings.ToLower(t.ButtonText)
	} else {
		// No text colour given: white, or black where white would fall
		// below WCAG AA's 4.5:1 on this brand colour.
		v.ButtonText = textOn(v.BrandColor)
	}
	if validLogo(t.Logo) {
		v.Logo = t.Logo
	}
	return v
}

// validColor accepts the two forms of CSS colour that cannot carry anything
// but a colour: a hex colour of 3, 4, 6 or 8 digits, and a bare keyword of
// ASCII letters (named colours such as "rebeccapurple"). Functional forms
// (rgb(), hsl()) are refused: they would need a CSS parser to be safe, and a
// hex value says the same.
func validColor(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '#' {
		h := s[1:]
		switch len(h) {
		case 3, 4, 6, 8:
		default:
			return false
		}
		for i := 0; i < len(h); i++ {
			c := h[i]
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
		return true
	}
	if len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// validLogo accepts an absolute http or https URL with a host, or a path on
// this site that starts with a single "/". Control characters, spaces,
// quotes, angle brackets and backslashes are refused outright.
func validLogo(s string) bool {
	if s == "" || len(s) > 2048 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`' {
			return false
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch {
	case u.Scheme == "http" || u.Scheme == "https":
		return u.Host != "" && u.User == nil
	case u.Scheme == "" && u.Host == "" && !u.ForceQuery:
		return strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")
	default:
		return false
	}
}

// hexLuminance returns the WCAG 2 relative luminance of a hex colour (its
// alpha ignored), or false for a colour name.
func hexLuminance(c string) (float64, bool) {
	if len(c) == 0 || c[0] != '#' {
		return 0, false
	}
	h := c[1:]
	var r, g, b uint64
	var err error
	switch len(h) {
	case 3, 4:
		var v uint64
		v, err = strconv.ParseUint(h[:3], 16, 16)
		r, g, b = (v>>8&0xf)*17, (v>>4&0xf)*17, (v&0xf)*17
	case 6, 8:
		var v uint64
		v, err = strconv.ParseUint(h[:6], 16, 32)
		r, g, b = v>>16&0xff, v>>8&0xff, v&0xff
	default:
		return 0, false
	}
	if err != nil {
		return 0, false
	}
	lin := func(v uint64) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b), true
}
