package pages

import (
	"embed"
	"encoding/base64"
	"html/template"
	"strings"
)

// Style is how the sign-in page draws a provider's button, as Auth.js's
// provider style option. Brand names a bundled look (colours and mark): a
// preset's id such as "github" or "google"; when empty, the provider's ID
// is tried. BrandColor is the button's background and Text the colour of
// its label (CSS colours, written as for Theme.BrandColor); Logo is the
// address of an image shown before the label (an http(s) URL or a path on
// this site). Empty values fall back to the bundled look, and then to the
// Theme's BrandColor and ButtonText with no logo. When BrandColor is set and
// Text is not, the label is white, or black where white would not reach
// WCAG AA's 4.5:1. Invalid values are dropped as a Theme's are.
type Style struct {
	Brand      string
	BrandColor string
	Text       string
	Logo       string
}

// brand is the bundled style of a preset: its colours and its mark, a
// small SVG file of brands/ drawn for these pages (simple shapes, no
// provider's artwork).
type brand struct {
	bg, text string
	border   string // "" for none; light backgrounds need one on a light card
}

// brands are the bundled styles, keyed by the preset's provider id. Every
// pair of bg and text reaches 4.5:1 (TestBrandContrast checks).
var brands = map[string]brand{
	"apple":              {bg: "#000000", text: "#ffffff"},
	"atlassian":          {bg: "#0052cc", text: "#ffffff"},
	"auth0":              {bg: "#000000", text: "#ffffff"},
	"authentik":          {bg: "#1c1e21", text: "#ffffff"},
	"bitbucket":          {bg: "#0052cc", text: "#ffffff"},
	"cognito":            {bg: "#232f3e", text: "#ffffff"},
	"discord":            {bg: "#4752c4", text: "#ffffff"},
	"dropbox":            {bg: "#0061fe", text: "#ffffff"},
	"facebook":           {bg: "#0866ff", text: "#ffffff"},
	"github":             {bg: "#24292f", text: "#ffffff"},
	"gitlab":             {bg: "#171321", text: "#ffffff"},
	"google":             {bg: "#ffffff", text: "#1f1f1f", border: "#747775"},
	"keycloak":           {bg: "#1f2937", text: "#ffffff"},
	"linkedin":           {bg: "#0a66c2", text: "#ffffff"},
	"microsoft-entra-id": {bg: "#2f2f2f", text: "#ffffff"},
	"notion":             {bg: "#ffffff", text: "#191919", border: "#191919"},
	"okta":               {bg: "#00297a", text: "#ffffff"},
	"reddit":             {bg: "#ff4500", text: "#000000"},
	"salesforce":         {bg: "#0b5cab", text: "#ffffff"},
	"slack":              {bg: "#4a154b", text: "#ffffff"},
	"spotify":            {bg: "#1db954", text: "#000000"},
	"twitch":             {bg: "#772ce8", text: "#ffffff"},
	"twitter":            {bg: "#000000", text: "#ffffff"},
	"zitadel":            {bg: "#1a1b25", text: "#ffffff"},
	"zoom":               {bg: "#0b5cff", text: "#ffffff"},
}

//go:embed brands/*.svg
var brandFiles embed.FS

// marks holds each preset's mark as a data: URL, built once.
var marks = loadMarks()

func loadMarks() map[string]template.URL {
	out := make(map[string]template.URL, len(brands))
	for id := range brands {
		svg, err := brandFiles.ReadFile("brands/" + id + ".svg")
		if err != nil {
			panic("pages: no mark for preset " + id)
		}
		// The files are this package's own; as a data: URL in an <img>
		// they stay images (no script runs in an SVG image) and add no
		// text to the button's label.
		out[id] = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(svg))
	}
	return out
}

// buttonLook is a provider button's checked style as the template draws it.
type buttonLook struct {
	Style template.CSS // custom properties of the button, "" for the theme's
	Mark  template.URL // a bundled mark, or ""
	Logo  string       // a checked logo URL of the app's, or ""
}

// lookOf resolves the style of the button of provider id: the values of s,
// then the bundled brand (s.Brand, else id), then none (the theme's
// colours).
func lookOf(id string, s Style) buttonLook {
	var l buttonLook
	if s.Brand != "" {
		id = s.Brand
	}
	b, preset := brands[id]
	if validLogo(s.Logo) {
		l.Logo = s.Logo
	} else if preset {
		l.Mark = marks[id]
	}
	bg, text, border := b.bg, b.text, b.border
	if validColor(s.BrandColor) {
		bg, text, border = strings.ToLower(s.BrandColor), "", ""
	}
	if validColor(s.Text) {
		text = strings.ToLower(s.Text)
	}
	if bg == "" {
		return l
	}
	if text == "" {
		text = textOn(bg)
	}
	css := "--provider-bg: " + bg + "; --provider-text: " + text
	if border != "" {
		css += "; --provider-border: " + border
	}
	// Every value passed validColor: a hex colour or a bare keyword.
	l.Style = template.CSS(css)
	return l
}

// textOn returns the default label colour on bg: white, or black where
// white would fall below WCAG AA's 4.5:1.
func textOn(bg string) string {
	if l, ok := hexLuminance(bg); ok && 1.05/(l+0.05) < 4.5 {
		return "#000000"
	}
	return DefaultButtonText
}
