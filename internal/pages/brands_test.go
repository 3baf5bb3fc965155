package pages

import (
	"bytes"
	"encoding/xml"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// contrast is the WCAG 2 contrast ratio of two hex colours.
func contrast(t *testing.T, a, b string) float64 {
	t.Helper()
	la, ok1 := hexLuminance(a)
	lb, ok2 := hexLuminance(b)
	if !ok1 || !ok2 {
		t.Fatalf("not hex colours: %q %q", a, b)
	}
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func TestBrandContrast(t *testing.T) {
	for id, b := range brands {
		if c := contrast(t, b.bg, b.text); c < 4.5 {
			t.Errorf("%s: text %s on %s has contrast %.2f, want >= 4.5", id, b.text, b.bg, c)
		}
		if !validColor(b.bg) || !validColor(b.text) || b.border != "" && !validColor(b.border) {
			t.Errorf("%s: %+v is not made of valid colours", id, b)
		}
	}
}

// TestBrandMarksAreInertSVG: every bundled mark is a well-formed SVG of
// plain shapes (no script, no links, no text, no external references), and
// every file in brands/ belongs to a preset.
func TestBrandMarksAreInertSVG(t *testing.T) {
	allowed := map[string]bool{"svg": true, "g": true, "path": true, "circle": true, "ellipse": true, "rect": true}
	files, err := fs.Glob(brandFiles, "brands/*.svg")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(brands) {
		t.Errorf("%d mark files for %d presets", len(files), len(brands))
	}
	for _, f := range files {
		id := strings.TrimSuffix(strings.TrimPrefix(f, "brands/"), ".svg")
		if _, ok := brands[id]; !ok {
			t.Errorf("%s belongs to no preset", f)
		}
		b, _ := brandFiles.ReadFile(f)
		dec := xml.NewDecoder(bytes.NewReader(b))
		first := true
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: %v", f, err)
				break
			}
			switch el := tok.(type) {
			case xml.StartElement:
				if first && el.Name.Local != "svg" || !allowed[el.Name.Local] {
					t.Errorf("%s: element <%s>", f, el.Name.Local)
				}
				first = false
				for _, a := range el.Attr {
					v := strings.ToLower(a.Value)
					if strings.HasPrefix(a.Name.Local, "on") || a.Name.Local == "href" || strings.Contains(v, "url(") || strings.Contains(v, "javascript:") {
						t.Errorf("%s: attribute %s=%q", f, a.Name.Local, a.Value)
					}
				}
			case xml.CharData:
				if len(bytes.TrimSpace(el)) > 0 {
					t.Errorf("%s: text %q", f, el)
				}
			case xml.ProcInst, xml.Directive:
				t.Errorf("%s: %T", f, el)
			}
		}
	}
}

// button renders a sign-in page with p alone and returns its submit button.
func button(t *testing.T, theme Theme, p Provider) *html.Node {
	t.Helper()
	_, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{Theme: theme, Providers: []Provider{p}, CSRFToken: "c"})
	})
	checkInert(t, d)
	return d.one(tag(atom.Button), "button")
}

func TestProviderButtonLook(t *testing.T) {
	mark := func(n *html.Node) string {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.DataAtom == atom.Img {
				return attrOr(c, "src")
			}
		}
		return ""
	}
	cases := []struct {
		name      string
		p         Provider
		style     string // the button's style attribute
		markKind  string // "bundled", a logo URL, or "" for none
		className string
	}{
		{"preset", Provider{ID: "github", Name: "GitHub"},
			"--provider-bg: #24292f; --provider-text: #ffffff", "bundled", "button button-brand"},
		{"light preset keeps its border", Provider{ID: "google", Name: "Google"},
			"--provider-bg: #ffffff; --provider-text: #1f1f1f; --provider-border: #747775", "bundled", "button button-brand"},
		{"renamed preset", Provider{ID: "gh-enterprise", Name: "GitHub Enterprise", Style: Style{Brand: "github"}},
			"--provider-bg: #24292f; --provider-text: #ffffff", "bundled", "button button-brand"},
		{"app colour, text chosen for contrast", Provider{ID: "github", Name: "GitHub", Style: Style{BrandColor: "#FDE047"}},
			"--provider-bg: #fde047; --provider-text: #000000", "bundled", "button button-brand"},
		{"app colours and logo", Provider{ID: "acme", Name: "Acme", Style: Style{BrandColor: "teal", Text: "#fff", Logo: "/acme.svg"}},
			"--provider-bg: teal; --provider-text: #fff", "/acme.svg", "button button-brand"},
		{"app logo replaces the mark", Provider{ID: "github", Name: "GitHub", Style: Style{Logo: "https://cdn.example/gh.png"}},
			"--provider-bg: #24292f; --provider-text: #ffffff", "https://cdn.example/gh.png", "button button-brand"},
		{"no preset: the theme's look", Provider{ID: "acme", Name: "Acme"}, "", "", "button"},
		{"invalid values are dropped", Provider{ID: "github", Name: "GitHub", Style: Style{BrandColor: "red; background: url(//evil)", Text: "}", Logo: "javascript:alert(1)"}},
			"--provider-bg: #24292f; --provider-text: #ffffff", "bundled", "button button-brand"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.p.Type, c.p.SigninURL = TypeOAuth, "/api/auth/signin/"+c.p.ID
			b := button(t, Theme{}, c.p)
			if got := attrOr(b, "style"); got != c.style {
				t.Errorf("style %q, want %q", got, c.style)
			}
			if got := attrOr(b, "class"); got != c.className {
				t.Errorf("class %q, want %q", got, c.className)
			}
			got := mark(b)
			switch c.markKind {
			case "bundled":
				if !strings.HasPrefix(got, "data:image/svg+xml;base64,") {
					t.Errorf("mark %q, want the bundled one", got)
				}
			default:
				if got != c.markKind {
					t.Errorf("logo %q, want %q", got, c.markKind)
				}
			}
			// The accessible name is the label alone: the image is
			// decorative and adds no text.
			if name := strings.TrimSpace(text(b)); name != "Sign in with "+c.p.Name {
				t.Errorf("button text %q", name)
			}
		})
	}
}

// TestProviderButtonsOnlyForOAuth: the brand look is for provider buttons;
// the email and credentials forms keep the theme's submit buttons.
func TestProviderButtonsOnlyForOAuth(t *testing.T) {
	_, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{CSRFToken: "c", Providers: []Provider{
			{ID: "github", Name: "GitHub", Type: TypeEmail, SigninURL: "/e"},
			{ID: "google", Name: "Google", Type: TypeCredentials, CallbackURL: "/c", Fields: []Field{{Name: "u"}}},
		}})
	})
	for _, b := range d.all(tag(atom.Button)) {
		if attrOr(b, "class") != "button" || attrOr(b, "style") != "" || len(all(b, tag(atom.Img))) != 0 {
			t.Errorf("form button %q has a brand look", text(b))
		}
	}
}

func FuzzProviderStyle(f *testing.F) {
	f.Add("github", "", "", "", "")
	f.Add("x", "#fff", "red", "/logo.svg", "google")
	f.Add("x", "red;}</style><script>", "expression(alert(1))", "javascript:x", "../brands/github")
	f.Fuzz(func(t *testing.T, id, bg, text, logo, brand string) {
		w := httptest.NewRecorder()
		err := RenderSignIn(w, http.StatusOK, SignIn{Providers: []Provider{{ID: id, Name: "P", Type: TypeOAuth, SigninURL: "/s",
			Style: Style{Brand: brand, BrandColor: bg, Text: text, Logo: logo}}}})
		if err != nil {
			t.Fatal(err)
		}
		d := parse(t, w.Body.String())
		checkInert(t, d)
		b := d.one(tag(atom.Button), "button")
		style := attrOr(b, "style")
		if strings.Contains(style, "ZgotmplZ") {
			t.Fatalf("style %q", style)
		}
		// Only declarations of the three custom properties, each a colour.
		for decl := range strings.SplitSeq(style, "; ") {
			if decl == "" {
				continue
			}
			k, v, ok := strings.Cut(decl, ": ")
			if !ok || (k != "--provider-bg" && k != "--provider-text" && k != "--provider-border") || !validColor(v) {
				t.Fatalf("style %q", style)
			}
		}
	})
}
