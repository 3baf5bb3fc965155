package providers

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/authgo/authgo/internal/pages"
)

// TestEveryPresetHasAButtonLook: the built-in sign-in page draws every
// preset with its bundled colours and mark, also when Options.ID renames
// it, and an app's ButtonStyle comes through.
func TestEveryPresetHasAButtonLook(t *testing.T) {
	for _, p := range presets {
		for _, id := range []string{"", "renamed-" + p.id} {
			o := p.new(Options{ClientID: "id", ClientSecret: "secret", Issuer: "https://issuer.example", ID: id})
			brand, bg, text, logo := o.ButtonStyle()
			if brand != p.id || bg != "" || text != "" || logo != "" {
				t.Errorf("%s (id %q): ButtonStyle %q %q %q %q", p.id, id, brand, bg, text, logo)
			}
			w := httptest.NewRecorder()
			err := pages.RenderSignIn(w, 200, pages.SignIn{Providers: []pages.Provider{{ID: o.ID(), Name: o.Name(), Type: o.Type(), SigninURL: "/s",
				Style: pages.Style{Brand: brand, BrandColor: bg, Text: text, Logo: logo}}}})
			if err != nil {
				t.Fatal(err)
			}
			if body := w.Body.String(); !strings.Contains(body, `class="button button-brand" style="--provider-bg: `) || !strings.Contains(body, `src="data:image/svg`) {
				t.Errorf("%s (id %q) has no bundled look:\n%s", p.id, id, body)
			}
		}
	}
	o := GitHub(Options{Configure: func(c *OAuthConfig) { c.Style = ButtonStyle{BrandColor: "#000", Text: "#fff", Logo: "/gh.svg"} }})
	if brand, bg, text, logo := o.ButtonStyle(); brand != "github" || bg != "#000" || text != "#fff" || logo != "/gh.svg" {
		t.Errorf("configured style: %q %q %q %q", brand, bg, text, logo)
	}
}
