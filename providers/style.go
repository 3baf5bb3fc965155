package providers

// ButtonStyle is how authgo's built-in sign-in page draws a provider's
// button, as Auth.js's provider style option. Colours are CSS hex values
// (#24292f) or colour names; the page ignores a value it cannot use safely.
type ButtonStyle struct {
	// Brand names the bundled look — colours and a small mark — of a
	// preset: "github", "google", "microsoft-entra-id", …. Presets set it
	// to their own id, so a preset renamed with Options.ID keeps its look.
	// Default: the provider's ID.
	Brand string
	// BrandColor is the button's background. Default: the Brand's colour,
	// else the theme's brand colour.
	BrandColor string
	// Text is the colour of the button's label. Default: the Brand's, or
	// white — black where white would not reach WCAG AA's 4.5:1 on
	// BrandColor.
	Text string
	// Logo is the address of an image shown before the label: an http(s)
	// URL or a path on the app ("/logos/acme.svg"). Default: the Brand's
	// mark, else none.
	Logo string
}

// ButtonStyle returns the style of the provider's sign-in button; the
// built-in sign-in page reads it.
func (o *OAuth) ButtonStyle() (brand, brandColor, text, logo string) {
	s := o.cfg.Style
	if s.Brand == "" {
		s.Brand = o.cfg.ID
	}
	return s.Brand, s.BrandColor, s.Text, s.Logo
}
