package email

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`

// link is a sign-in link as the provider makes it: long, with '=' and '&'
// (which quoted-printable and HTML both encode) and an email in the query.
const link = "https://example.com/api/auth/callback/email?callbackUrl=https%3A%2F%2Fexample.com%2Fdashboard%3Ftab%3D1" +
	"&token=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef&email=ada%40example.com"

// parseHTML parses a mail's HTML part.
func parseHTML(t *testing.T, s string) *html.Node {
	t.Helper()
	n, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func findAll(n *html.Node, f func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if f(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for _, t := range findAll(n, func(n *html.Node) bool { return n.Type == html.TextNode }) {
		b.WriteString(t.Data)
	}
	return b.String()
}

func isTag(a atom.Atom) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Type == html.ElementNode && n.DataAtom == a }
}

// checkInert fails t if the mail holds anything that could run or load
// beyond the logo: a script, an event handler, a javascript: URL, a second
// image.
func checkInert(t *testing.T, doc *html.Node) {
	t.Helper()
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		if n.DataAtom == atom.Script || n.DataAtom == atom.Iframe || n.DataAtom == atom.Object {
			t.Errorf("<%s> in the mail", n.Data)
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("event handler %s=%q on <%s>", a.Key, a.Val, n.Data)
			}
			if (a.Key == "href" || a.Key == "src") && !strings.HasPrefix(a.Val, "https://") && !strings.HasPrefix(a.Val, "http://") {
				t.Errorf("%s=%q is not an http(s) URL", a.Key, a.Val)
			}
		}
	}
	if n := len(findAll(doc, isTag(atom.Img))); n > 1 {
		t.Errorf("%d images, at most the logo expected", n)
	}
}

func TestSignInMailAsAuthJS(t *testing.T) {
	m, err := SignIn{Host: "example.com", URL: link}.Message("Example <no-reply@example.com>", "ada@example.com", Theme{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Sign in to example.com" {
		t.Errorf("subject %q", m.Subject)
	}
	// Auth.js's text part is "Sign in to <host>\n<url>\n\n"; this one has
	// the same first line and the URL on a line of its own.
	lines := strings.Split(m.Text, "\n")
	if lines[0] != "Sign in to example.com" {
		t.Errorf("first text line %q", lines[0])
	}
	if !containsLine(m.Text, link) {
		t.Errorf("text part has no line with the link:\n%s", m.Text)
	}
	if !strings.Contains(m.Text, "If you did not request this email you can safely ignore it.") {
		t.Errorf("text part lacks the notice:\n%s", m.Text)
	}
	if m.Header["Auto-Submitted"] != "auto-generated" || m.Header["X-Auto-Response-Suppress"] != "All" {
		t.Errorf("automated-mail headers %v", m.Header)
	}

	doc := parseHTML(t, m.HTML)
	checkInert(t, doc)
	h1 := findAll(doc, isTag(atom.H1))
	if len(h1) != 1 || strings.ReplaceAll(textOf(h1[0]), "\u200b", "") != "Sign in to example.com" {
		t.Fatalf("heading %v", h1)
	}
	if s := findAll(h1[0], isTag(atom.Strong)); len(s) != 1 || textOf(s[0]) != "example\u200b.com" {
		t.Errorf("host not in bold with its dot broken: %q", textOf(h1[0]))
	}
	links := findAll(doc, isTag(atom.A))
	if len(links) != 2 {
		t.Fatalf("%d links, want the button and the written-out link", len(links))
	}
	for _, a := range links {
		if got := attr(a, "href"); got != link {
			t.Errorf("href %q\nwant %q", got, link)
		}
	}
	if textOf(links[0]) != "Sign in" || textOf(links[1]) != link {
		t.Errorf("link texts %q, %q", textOf(links[0]), textOf(links[1]))
	}
	if got := attr(findAll(doc, isTag(atom.Html))[0], "lang"); got != "en" {
		t.Errorf("lang %q", got)
	}
	if strings.Contains(m.HTML, "<img") {
		t.Errorf("an image without a logo")
	}
}

func containsLine(s, line string) bool {
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

func TestSignInCodeAndExpiry(t *testing.T) {
	for _, c := range []struct {
		s         SignIn
		wantNote  string
		wantLabel string
	}{
		{SignIn{Host: "a.b", URL: link, Code: "123456", ExpiresIn: 24 * time.Hour, CodeExpiresIn: 10 * time.Minute},
			"The link expires in 24 hours, the code in 10 minutes.", "Or enter this code: 123456"},
		{SignIn{Host: "a.b", URL: link, Code: "123456", ExpiresIn: 15 * time.Minute},
			"The link and the code expire in 15 minutes.", "Or enter this code: 123456"},
		{SignIn{Host: "a.b", Code: "987654", CodeExpiresIn: 90 * time.Second},
			"This code expires in 90 seconds.", "Enter this code: 987654"},
		{SignIn{Host: "a.b", URL: link, ExpiresIn: time.Hour}, "This link expires in 1 hour.", ""},
	} {
		m, err := c.s.Message("no-reply@a.b", "ada@a.b", Theme{})
		if err != nil {
			t.Fatal(err)
		}
		if !containsLine(m.Text, c.wantNote) {
			t.Errorf("%+v: no line %q in\n%s", c.s, c.wantNote, m.Text)
		}
		if c.wantLabel != "" && !containsLine(m.Text, c.wantLabel) {
			t.Errorf("%+v: no line %q in\n%s", c.s, c.wantLabel, m.Text)
		}
		doc := parseHTML(t, m.HTML)
		checkInert(t, doc)
		if c.s.Code != "" && !strings.Contains(textOf(doc), c.s.Code) {
			t.Errorf("code %q not in the HTML part", c.s.Code)
		}
		if c.s.URL == "" && len(findAll(doc, isTag(atom.A))) != 0 {
			t.Errorf("a codes-only mail has a link")
		}
	}
	for _, s := range []SignIn{{URL: link}, {Host: "a.b"}} {
		if _, err := s.Message("no-reply@a.b", "ada@a.b", Theme{}); !errors.Is(err, ErrInvalidSignIn) {
			t.Errorf("%+v: err %v, want ErrInvalidSignIn", s, err)
		}
	}
}

// TestHostileValuesAreEscaped fills every text of a mail with markup and
// every theme value with CSS and URL tricks: the HTML part must stay inert,
// and each text must come back as the same text.
func TestHostileValuesAreEscaped(t *testing.T) {
	// A link whose query holds markup, as an attacker's email address would
	// put it there (the provider percent-encodes; this one is raw, spaces
	// aside, to test the template's own escaping).
	rawQuery := `"><script>alert(1)</script><svg/onload=alert(2)>`
	hostileLink := "https://example.com/cb?email=" + rawQuery + "&token=abc"
	c := Content{
		Subject: "Sign in to " + hostile, Heading: hostile, Host: hostile + ".evil.com",
		Intro:  []string{hostile},
		Button: &Button{Label: hostile, URL: hostileLink, Fallback: hostile},
		Code:   hostile[:40], CodeLabel: hostile, Notes: []string{hostile},
	}
	theme := Theme{
		ColorScheme: hostile,
		BrandColor:  `red; background-image: url(https://evil.com/x)`,
		ButtonText:  `"><script>alert(3)</script>`,
		Logo:        `javascript:alert(4)`,
	}
	text, body, err := c.Render(theme)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, body)
	checkInert(t, doc)
	if strings.Contains(body, "<script") || strings.Contains(body, "evil.com/x") || strings.Contains(body, "alert(4)") {
		t.Errorf("hostile markup or theme value reached the HTML:\n%s", body)
	}
	if got := textOf(findAll(doc, isTag(atom.H1))[0]); strings.ReplaceAll(got, "\u200b", "") != hostile+" "+hostile+".evil.com" {
		t.Errorf("heading text %q", got)
	}
	if got := textOf(findAll(doc, isTag(atom.Title))[0]); got != c.Subject {
		t.Errorf("title %q", got)
	}
	for _, a := range findAll(doc, isTag(atom.A)) {
		href := attr(a, "href")
		u, err := url.Parse(href)
		if err != nil || u.Host != "example.com" || u.Query().Get("email") != rawQuery {
			t.Errorf("href %q does not carry the email value intact", href)
		}
	}
	// The default brand colour replaced the invalid one.
	if !strings.Contains(body, `bgcolor="#346df1"`) {
		t.Errorf("invalid BrandColor not replaced by the default")
	}
	if !strings.Contains(text, hostile) {
		t.Errorf("text part lost the value")
	}
	// A javascript: button link is refused outright.
	c.Button.URL = "javascript:alert(5)"
	if _, _, err := c.Render(Theme{}); !errors.Is(err, ErrInvalidContent) {
		t.Errorf("javascript: URL: err %v", err)
	}
}

func TestHostileHostCannotBreakHeaders(t *testing.T) {
	for _, host := range []string{"example.com\r\nBcc: victim@evil.com", "example.com\nX-Evil: 1", "a\x00b"} {
		_, err := SignIn{Host: host, URL: link}.Message("no-reply@example.com", "ada@example.com", Theme{})
		if !errors.Is(err, ErrInvalidContent) && !errors.Is(err, ErrInvalidMessage) {
			t.Errorf("host %q: err %v, want a refusal", host, err)
		}
	}
}

func TestTheme(t *testing.T) {
	render := func(th Theme) (string, *html.Node) {
		t.Helper()
		_, body, err := SignIn{Host: "example.com", URL: link}.Content().Render(th)
		if err != nil {
			t.Fatal(err)
		}
		return body, parseHTML(t, body)
	}
	body, doc := render(Theme{BrandColor: "#0F766E", Logo: "/brand/logo.png"})
	if !strings.Contains(body, `bgcolor="#0f766e"`) || !strings.Contains(body, "color: #ffffff") {
		t.Errorf("brand colour or white text missing")
	}
	imgs := findAll(doc, isTag(atom.Img))
	if len(imgs) != 1 || attr(imgs[0], "src") != "https://example.com/brand/logo.png" || attr(imgs[0], "alt") != "example.com" {
		t.Errorf("logo path not resolved against the link's origin, or alt text missing: %v", imgs)
	}
	// A light brand colour gets black text (WCAG AA), as on the pages.
	if body, _ := render(Theme{BrandColor: "#fde047"}); !strings.Contains(body, "color: #000000; text-decoration: none") {
		t.Errorf("light brand colour kept white button text")
	}
	// auto: light inline styles plus a dark media query; dark: dark inline
	// styles and no query; light: no query.
	for scheme, want := range map[string]struct {
		meta  string
		query bool
		bg    string
	}{
		"": {"light dark", true, lightPalette.Background}, "auto": {"light dark", true, lightPalette.Background},
		"light": {"light", false, lightPalette.Background}, "dark": {"dark", false, darkPalette.Background},
	} {
		body, doc := render(Theme{ColorScheme: scheme})
		var meta string
		for _, m := range findAll(doc, isTag(atom.Meta)) {
			if attr(m, "name") == "color-scheme" {
				meta = attr(m, "content")
			}
		}
		if meta != want.meta {
			t.Errorf("%q: color-scheme %q, want %q", scheme, meta, want.meta)
		}
		if got := strings.Contains(body, "prefers-color-scheme: dark"); got != want.query {
			t.Errorf("%q: dark media query %v", scheme, got)
		}
		if body := attr(findAll(doc, isTag(atom.Body))[0], "style"); !strings.Contains(body, want.bg) {
			t.Errorf("%q: body style %q, want background %s", scheme, body, want.bg)
		}
	}
	if err := (Theme{BrandColor: "rgb(1,2,3)"}).Validate(); !errors.Is(err, ErrInvalidTheme) ||
		err.Error() != `email: invalid theme: BrandColor "rgb(1,2,3)" is not a hex colour (#rrggbb) or a colour name` {
		t.Errorf("Validate of a functional colour: %v", err)
	}
	if err := (Theme{BrandColor: "#346df1", Logo: "https://example.com/l.png"}).Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	// Without a button there is no origin for a path logo: it is dropped.
	_, body2, err := Content{Subject: "s", Heading: "h", Code: "1"}.Render(Theme{Logo: "/logo.png"})
	if err != nil || strings.Contains(body2, "<img") {
		t.Errorf("path logo without a link: err %v, image drawn %v", err, strings.Contains(body2, "<img"))
	}
}

func TestContentErrors(t *testing.T) {
	ok := Content{Subject: "s", Heading: "h", Button: &Button{Label: "Go", URL: "https://a.b/"}}
	if _, _, err := ok.Render(Theme{}); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Content{
		"no subject":     {Heading: "h"},
		"subject break":  {Subject: "a\nb", Heading: "h"},
		"no heading":     {Subject: "s"},
		"long code":      {Subject: "s", Heading: "h", Code: strings.Repeat("1", 65)},
		"no label":       {Subject: "s", Heading: "h", Button: &Button{URL: "https://a.b/"}},
		"relative url":   {Subject: "s", Heading: "h", Button: &Button{Label: "Go", URL: "/x"}},
		"ftp url":        {Subject: "s", Heading: "h", Button: &Button{Label: "Go", URL: "ftp://a.b/"}},
		"space in url":   {Subject: "s", Heading: "h", Button: &Button{Label: "Go", URL: "https://a.b/x y"}},
		"no host in url": {Subject: "s", Heading: "h", Button: &Button{Label: "Go", URL: "https:///x"}},
	} {
		if _, _, err := c.Render(Theme{}); !errors.Is(err, ErrInvalidContent) {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour: "24 hours", time.Hour: "1 hour", 15 * time.Minute: "15 minutes",
		90 * time.Minute: "90 minutes", time.Minute: "1 minute", 90 * time.Second: "90 seconds",
		1500 * time.Millisecond: "2 seconds",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
