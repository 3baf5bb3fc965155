package email

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/authgo/authgo/internal/pages"
)

// Theme is the look of HTML mail, the same four values as Auth.js's theme
// option and authgo's Theme for the built-in pages (a value of either
// converts: email.Theme(cfg.Theme)), so mail and pages match.
//
// Values that fail Validate are not rendered: the mail falls back to the
// default for that value, so nothing a misconfigured theme holds can reach
// the mail's style or markup.
type Theme struct {
	// ColorScheme is "auto" (the default: light, and dark where the mail
	// client follows the reader's dark-mode preference), "light" or "dark".
	ColorScheme string
	// BrandColor colours the button: a hex colour (#rgb, #rrggbb, …) or a
	// colour name. Empty means "#346df1", as Auth.js.
	BrandColor string
	// Logo is the address of an image shown above the heading: an https
	// URL, or a path ("/logo.png") resolved against the origin of the
	// mail's button link. Empty means no logo. Many mail clients do not
	// show SVG: use PNG. The mail reads well without it (its alt text is
	// the host).
	Logo string
	// ButtonText is the colour of the button's text. Empty means white, or
	// black when white would fall below WCAG AA contrast (4.5:1) on a light
	// hex BrandColor.
	ButtonText string
}

// ErrInvalidTheme is wrapped by the errors of Theme.Validate.
var ErrInvalidTheme = errors.New("email: invalid theme")

// Validate reports the first value of t that the mail would refuse, or nil.
// The rules are those of the built-in pages.
func (t Theme) Validate() error {
	if err := pages.Theme(t).Validate(); err != nil {
		return fmt.Errorf("%w: %s", ErrInvalidTheme, strings.TrimPrefix(err.Error(), pages.ErrTheme.Error()+": "))
	}
	return nil
}

// palette is the colours of one colour scheme of the mail around the button.
type palette struct {
	Background, Card, Text, Muted, CodeBackground, Code string
}

// Light and dark palettes. Text and Muted reach at least 4.5:1 on Card.
var (
	lightPalette = palette{Background: "#f4f4f5", Card: "#ffffff", Text: "#27272a", Muted: "#52525b", CodeBackground: "#f4f4f5", Code: "#18181b"}
	darkPalette  = palette{Background: "#18181b", Card: "#27272a", Text: "#f4f4f5", Muted: "#d4d4d8", CodeBackground: "#3f3f46", Code: "#ffffff"}
)

// themeView is the theme as the mail template uses it: every value checked.
type themeView struct {
	pages.Resolved
	// Palette is the scheme the inline styles use.
	Palette palette
	// Dark is the palette a dark-mode media query switches to; set only
	// for "auto".
	Dark *palette
	// SchemeMeta is the content of the color-scheme meta tag.
	SchemeMeta string
}

// view checks t and resolves a Logo path against base (the origin of the
// button link; nil when the mail has none, and a path logo is dropped).
func (t Theme) view(base *url.URL) themeView {
	v := themeView{Resolved: pages.Theme(t).Resolve(), Palette: lightPalette, SchemeMeta: "light"}
	switch v.Scheme {
	case pages.SchemeDark:
		v.Palette, v.SchemeMeta = darkPalette, "dark"
	case pages.SchemeAuto:
		v.Dark, v.SchemeMeta = &darkPalette, "light dark"
	}
	if v.Logo != "" {
		v.Logo = absoluteLogo(v.Logo, base)
	}
	return v
}

// absoluteLogo makes a checked logo absolute: a mail has no site to resolve
// "/logo.png" against but the one its link points to.
func absoluteLogo(logo string, base *url.URL) string {
	u, err := url.Parse(logo)
	if err != nil {
		return ""
	}
	if u.IsAbs() {
		return logo
	}
	if base == nil {
		return ""
	}
	return (&url.URL{Scheme: base.Scheme, Host: base.Host}).ResolveReference(u).String()
}
