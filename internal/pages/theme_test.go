package pages

import (
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestHexLuminance(t *testing.T) {
	for c, want := range map[string]float64{
		"#000": 0, "#ffffff": 1, "#FFF8": 1, "#ffffff00": 1, "#346df1": 0.1802, "#808080": 0.2159,
	} {
		got, ok := hexLuminance(c)
		if !ok || math.Abs(got-want) > 0.001 {
			t.Errorf("hexLuminance(%q) = %v, %v; want %v", c, got, ok, want)
		}
	}
	for _, c := range []string{"white", "", "#12", "#zzzzzz"} {
		if _, ok := hexLuminance(c); ok {
			t.Errorf("hexLuminance(%q) ok", c)
		}
	}
}

func TestButtonTextFollowsBrandColor(t *testing.T) {
	for _, c := range []struct {
		theme Theme
		want  string
	}{
		{Theme{}, "#ffffff"},
		{Theme{BrandColor: "#0f766e"}, "#ffffff"},
		{Theme{BrandColor: "#fde047"}, "#000000"},
		{Theme{BrandColor: "#FFF"}, "#000000"},
		{Theme{BrandColor: "yellow"}, "#ffffff"}, // a name: no luminance known, the default stays
		{Theme{BrandColor: "#fde047", ButtonText: "#123456"}, "#123456"},
	} {
		if got := c.theme.view().ButtonText; got != c.want {
			t.Errorf("%+v: button text %q, want %q", c.theme, got, c.want)
		}
	}
}

func TestFieldErrorsOnlyOnCredentialsForms(t *testing.T) {
	w := httptest.NewRecorder()
	err := RenderSignIn(w, http.StatusOK, SignIn{
		Providers: []Provider{
			{ID: "resend", Type: TypeEmail, SigninURL: "/s"},
			{ID: "credentials", Type: TypeCredentials, CallbackURL: "/c", Fields: []Field{{Name: "email", Type: "email"}}},
		},
		FieldErrors: map[string]string{"email": "Enter an email."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(w.Body.String(), "Enter an email."); n != 1 {
		t.Errorf("field error shown %d times, want once (credentials form only)", n)
	}
	if !strings.Contains(w.Body.String(), `aria-describedby="input-email-for-credentials-provider-error"`) {
		t.Error("credentials email input not tied to its error")
	}
}

var (
	safeColor = regexp.MustCompile(`^(#[0-9a-f]{3,8}|[a-z]{1,32})$`)
	themeLine = regexp.MustCompile(`^:root \{ --brand-color: ([^;]*); --button-text-color: ([^;]*); \}$`)
)

// FuzzTheme renders a page with arbitrary theme values and checks that only
// a checked colour reaches the stylesheet and only a checked address
// reaches the logo, whatever the input.
func FuzzTheme(f *testing.F) {
	for _, s := range [][4]string{
		{"auto", "#346df1", "/logo.svg", "#fff"},
		{"dark", "red;}body{display:none", "javascript:alert(1)", "url(x)"},
		{"</style><script>", "#12345g", "//evil/x", "white"},
		{"light", "</style>", "https://x.example/a\"b.png", "#FFFFFF80"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, scheme, brand, logo, text string) {
		th := Theme{ColorScheme: scheme, BrandColor: brand, Logo: logo, ButtonText: text}
		w := httptest.NewRecorder()
		if err := RenderSignOut(w, http.StatusOK, SignOut{Theme: th}); err != nil {
			t.Fatal(err)
		}
		n, err := html.Parse(strings.NewReader(w.Body.String()))
		if err != nil {
			t.Fatal(err)
		}
		styles := all(n, tag(atom.Style))
		if len(styles) != 2 {
			t.Fatalf("%d style elements, want 2", len(styles))
		}
		m := themeLine.FindStringSubmatch(text2(styles[1]))
		if m == nil || !safeColor.MatchString(m[1]) || !safeColor.MatchString(m[2]) {
			t.Fatalf("theme stylesheet %q", text2(styles[1]))
		}
		body := all(n, tag(atom.Body))[0]
		if c := attrOr(body, "class"); c != "__next-auth-theme-auto" && c != "__next-auth-theme-light" && c != "__next-auth-theme-dark" {
			t.Fatalf("body class %q", c)
		}
		imgs := all(n, tag(atom.Img))
		if validLogo(logo) != (len(imgs) == 1) || len(imgs) > 1 {
			t.Fatalf("logo %q valid=%v, %d img elements", logo, validLogo(logo), len(imgs))
		}
		if len(imgs) == 1 {
			src := attrOr(imgs[0], "src")
			lower := strings.ToLower(src) // URL schemes are case-insensitive
			if !strings.HasPrefix(src, "/") && !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
				t.Fatalf("logo src %q", src)
			}
		}
		if len(all(n, tag(atom.Script))) != 0 {
			t.Fatal("script element")
		}
	})
}

// text2 is the raw text of an element whose content is not markup (style).
func text2(n *html.Node) string {
	if n.FirstChild == nil {
		return ""
	}
	return n.FirstChild.Data
}
