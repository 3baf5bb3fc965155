package pages

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// doc is a parsed page with small query helpers for the assertions.
type doc struct {
	t    *testing.T
	root *html.Node
	raw  string
}

func parse(t *testing.T, body string) doc {
	t.Helper()
	n, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse page: %v", err)
	}
	return doc{t: t, root: n, raw: body}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attrOr(n *html.Node, key string) string { v, _ := attr(n, key); return v }

// all returns the elements under n that match f, in document order.
func all(n *html.Node, f func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && f(c) {
			out = append(out, c)
		}
	}
	return out
}

func tag(a atom.Atom) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.DataAtom == a }
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func (d doc) all(f func(*html.Node) bool) []*html.Node { return all(d.root, f) }

func (d doc) one(f func(*html.Node) bool, what string) *html.Node {
	d.t.Helper()
	got := d.all(f)
	if len(got) != 1 {
		d.t.Fatalf("want exactly one %s, got %d", what, len(got))
	}
	return got[0]
}

func (d doc) byID(id string) *html.Node {
	d.t.Helper()
	return d.one(func(n *html.Node) bool { return attrOr(n, "id") == id }, "element with id "+id)
}

// hidden returns the values of the hidden inputs of form, by name.
func hidden(form *html.Node) map[string]string {
	m := map[string]string{}
	for _, in := range all(form, tag(atom.Input)) {
		if attrOr(in, "type") == "hidden" {
			m[attrOr(in, "name")] = attrOr(in, "value")
		}
	}
	return m
}

func renderPage(t *testing.T, f func(w http.ResponseWriter) error) (*httptest.ResponseRecorder, doc) {
	t.Helper()
	w := httptest.NewRecorder()
	if err := f(w); err != nil {
		t.Fatalf("render: %v", err)
	}
	return w, parse(t, w.Body.String())
}

func fullProviders() []Provider {
	return []Provider{
		{ID: "github", Name: "GitHub", Type: TypeOAuth, SigninURL: "/api/auth/signin/github"},
		{ID: "keycloak", Name: "Keycloak", Type: TypeOIDC, SigninURL: "/api/auth/signin/keycloak"},
		{ID: "resend", Name: "Email", Type: TypeEmail, SigninURL: "/api/auth/signin/resend"},
		{ID: "credentials", Name: "Password", Type: TypeCredentials, SigninURL: "/api/auth/signin/credentials",
			CallbackURL: "/api/auth/callback/credentials", Fields: []Field{
				{Name: "username", Label: "Username", Placeholder: "jsmith", Required: true},
				{Name: "password", Label: "Password", Type: "password", Required: true, Value: "must-not-show"},
			}},
	}
}

func TestSignInOneFormPerProvider(t *testing.T) {
	w, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{
			Providers: fullProviders(), CSRFToken: "csrf-123", CallbackURL: "https://app.example/dash",
		})
	})
	checkSignInDocument(t, w, d)
	checkSignInForms(t, d)
	checkSignInLabels(t, d)
	checkSignInInputs(t, d)
	checkSignInSeparators(t, d)
}

// checkSignInDocument checks the document frame: status, title, lang, theme, landmark, no alert.
func checkSignInDocument(t *testing.T, w *httptest.ResponseRecorder, d doc) {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Errorf("status %d, want 200", w.Code)
	}
	if got := text(d.one(tag(atom.Title), "title")); got != "Sign In" {
		t.Errorf("title %q, want Sign In", got)
	}
	if got := attrOr(d.one(tag(atom.Html), "html"), "lang"); got != "en" {
		t.Errorf("lang %q", got)
	}
	if got := attrOr(d.one(tag(atom.Body), "body"), "class"); got != "__next-auth-theme-auto" {
		t.Errorf("body class %q", got)
	}
	d.one(tag(atom.Main), "main landmark")
	if got := text(d.one(tag(atom.H1), "h1")); got != "Sign in" {
		t.Errorf("h1 %q", got)
	}
	if n := len(d.all(func(n *html.Node) bool { return attrOr(n, "role") == "alert" })); n != 0 {
		t.Errorf("%d alert banners without an error, want 0", n)
	}
}

// checkSignInForms checks the four forms: action, method, hidden fields, button and visible inputs.
func checkSignInForms(t *testing.T, d doc) {
	t.Helper()

	forms := d.all(tag(atom.Form))
	if len(forms) != 4 {
		t.Fatalf("%d forms, want 4", len(forms))
	}
	want := []struct {
		action, button string
		inputs         []string // visible input names in order
	}{
		{"/api/auth/signin/github", "Sign in with GitHub", nil},
		{"/api/auth/signin/keycloak", "Sign in with Keycloak", nil},
		{"/api/auth/signin/resend", "Sign in with Email", []string{"email"}},
		{"/api/auth/callback/credentials", "Sign in with Password", []string{"username", "password"}},
	}
	for i, f := range forms {
		if got := attrOr(f, "action"); got != want[i].action {
			t.Errorf("form %d action %q, want %q", i, got, want[i].action)
		}
		if got := attrOr(f, "method"); got != "post" {
			t.Errorf("form %d method %q", i, got)
		}
		h := hidden(f)
		if h["csrfToken"] != "csrf-123" || h["callbackUrl"] != "https://app.example/dash" || len(h) != 2 {
			t.Errorf("form %d hidden fields %v", i, h)
		}
		buttons := all(f, tag(atom.Button))
		if len(buttons) != 1 || text(buttons[0]) != want[i].button || attrOr(buttons[0], "type") != "submit" {
			t.Errorf("form %d buttons %d, want one submit %q", i, len(buttons), want[i].button)
		}
		var names []string
		for _, in := range all(f, tag(atom.Input)) {
			if attrOr(in, "type") != "hidden" {
				names = append(names, attrOr(in, "name"))
			}
		}
		if strings.Join(names, ",") != strings.Join(want[i].inputs, ",") {
			t.Errorf("form %d inputs %v, want %v", i, names, want[i].inputs)
		}
	}
}

func checkSignInLabels(t *testing.T, d doc) {
	t.Helper()

	// Every visible input has a label bound to it, and ids are unique.
	ids := map[string]bool{}
	for _, in := range d.all(tag(atom.Input)) {
		if attrOr(in, "type") == "hidden" {
			continue
		}
		id := attrOr(in, "id")
		if id == "" || ids[id] {
			t.Fatalf("input %q has empty or duplicate id %q", attrOr(in, "name"), id)
		}
		ids[id] = true
		labels := d.all(func(n *html.Node) bool { return n.DataAtom == atom.Label && attrOr(n, "for") == id })
		if len(labels) != 1 || text(labels[0]) == "" {
			t.Errorf("input %q: %d labels with for=%q", attrOr(in, "name"), len(labels), id)
		}
	}
}

// checkSignInInputs checks the attributes of the email, username and password inputs.
func checkSignInInputs(t *testing.T, d doc) {
	t.Helper()

	email := d.byID("input-email-for-resend-provider")
	for k, v := range map[string]string{"type": "email", "autocomplete": "email", "placeholder": "email@example.com"} {
		if got := attrOr(email, k); got != v {
			t.Errorf("email input %s=%q, want %q", k, got, v)
		}
	}
	if _, ok := attr(email, "required"); !ok {
		t.Error("email input not required")
	}
	user := d.byID("input-username-for-credentials-provider")
	if attrOr(user, "type") != "text" || attrOr(user, "autocomplete") != "username" || attrOr(user, "placeholder") != "jsmith" {
		t.Errorf("username input attrs %v", user.Attr)
	}
	pw := d.byID("input-password-for-credentials-provider")
	if attrOr(pw, "type") != "password" || attrOr(pw, "autocomplete") != "current-password" {
		t.Errorf("password input attrs %v", pw.Attr)
	}
	if _, ok := attr(pw, "value"); ok || strings.Contains(d.raw, "must-not-show") {
		t.Error("a password value was rendered")
	}
}

func checkSignInSeparators(t *testing.T, d doc) {
	t.Helper()

	// Separators: none between the two OAuth buttons, one before the email
	// form and one before the credentials form.
	var seq []string
	for c := range d.root.Descendants() {
		if c.Type != html.ElementNode {
			continue
		}
		switch {
		case c.DataAtom == atom.Form:
			seq = append(seq, "form")
		case strings.Contains(attrOr(c, "class"), "divider"):
			seq = append(seq, "or")
		}
	}
	if got := strings.Join(seq, " "); got != "form form or form or form" {
		t.Errorf("form/separator sequence %q", got)
	}
}

func TestSignInNoCallbackURLOmitsField(t *testing.T) {
	_, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{Providers: fullProviders()[:1], CSRFToken: "c"})
	})
	if h := hidden(d.one(tag(atom.Form), "form")); len(h) != 1 || h["csrfToken"] != "c" {
		t.Errorf("hidden fields %v, want only csrfToken", h)
	}
}

func TestSignInErrorBanner(t *testing.T) {
	cases := []struct{ code, notice, want string }{
		{"CredentialsSignin", "", "Sign in failed. Check the details you provided are correct."},
		{"OAuthAccountNotLinked", "", "To confirm your identity, sign in with the same account you used originally."},
		{"OAuthSignin", "", "Try signing in with a different account."},
		{"OAuthCallbackError", "", "Try signing in with a different account."},
		{"Callback", "", "Try signing in with a different account."},
		{"EmailSignin", "", "The e-mail could not be sent."},
		{"SessionRequired", "", "Please sign in to access this page."},
		{"MissingCSRF", "", "Unable to sign in."},
		{"SomethingMadeUp", "", "Unable to sign in."},
		{"CredentialsSignin", "Too many attempts. Try again in 12 minutes.",
			"Sign in failed. Check the details you provided are correct. Too many attempts. Try again in 12 minutes."},
		{"", "Too many attempts. Try again in 12 minutes.", "Too many attempts. Try again in 12 minutes."},
	}
	for _, c := range cases {
		t.Run(c.code+"/"+c.notice, func(t *testing.T) {
			if c.notice == "" && SignInMessage(c.code) != c.want {
				t.Errorf("SignInMessage(%q) = %q", c.code, SignInMessage(c.code))
			}
			w, d := renderPage(t, func(w http.ResponseWriter) error {
				return RenderSignIn(w, http.StatusUnauthorized, SignIn{Providers: fullProviders(), Error: c.code, Notice: c.notice})
			})
			if w.Code != http.StatusUnauthorized {
				t.Errorf("status %d, want the one passed (401)", w.Code)
			}
			alert := d.one(func(n *html.Node) bool { return attrOr(n, "role") == "alert" }, "alert")
			if got := text(alert); got != c.want {
				t.Errorf("banner %q, want %q", got, c.want)
			}
			if c.code != "" && strings.Contains(d.raw, c.code) {
				t.Errorf("the error code %q itself appears on the page", c.code)
			}
		})
	}
}

func TestSignInFieldErrors(t *testing.T) {
	_, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{Providers: fullProviders(),
			FieldErrors: map[string]string{"username": "Enter your username."}})
	})
	in := d.byID("input-username-for-credentials-provider")
	if attrOr(in, "aria-invalid") != "true" {
		t.Error("aria-invalid not set on the field with an error")
	}
	desc := attrOr(in, "aria-describedby")
	if desc == "" || text(d.byID(desc)) != "Enter your username." {
		t.Errorf("aria-describedby %q does not name the error text", desc)
	}
	if _, ok := attr(d.byID("input-password-for-credentials-provider"), "aria-invalid"); ok {
		t.Error("aria-invalid set on a field without an error")
	}
}

func TestSignInUniqueIDs(t *testing.T) {
	_, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{Providers: []Provider{
			{ID: "c", Type: TypeCredentials, CallbackURL: "/cb", Fields: []Field{{Name: "a b"}, {Name: "a-b"}, {Name: "a.b"}}},
			{ID: "c", Type: TypeCredentials, CallbackURL: "/cb", Fields: []Field{{Name: "a b"}}},
		}})
	})
	seen := map[string]bool{}
	for _, in := range d.all(tag(atom.Input)) {
		if attrOr(in, "type") == "hidden" {
			continue
		}
		id := attrOr(in, "id")
		if seen[id] {
			t.Fatalf("duplicate id %q", id)
		}
		seen[id] = true
		if n := len(d.all(func(n *html.Node) bool { return attrOr(n, "for") == id })); n != 1 {
			t.Errorf("id %q has %d labels", id, n)
		}
	}
	if len(seen) != 4 {
		t.Errorf("%d inputs, want 4", len(seen))
	}
}

const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`

// checkInert fails t if the page holds anything that could run: a script
// element, an event-handler attribute, or a javascript: URL.
func checkInert(t *testing.T, d doc) {
	t.Helper()
	for _, n := range d.all(func(*html.Node) bool { return true }) {
		if n.DataAtom == atom.Script {
			t.Errorf("script element on the page")
		}
		for _, a := range n.Attr {
			if strings.HasPrefix(a.Key, "on") {
				t.Errorf("event handler attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
			}
			if (a.Key == "href" || a.Key == "action" || a.Key == "src") &&
				strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
				t.Errorf("javascript: URL in %s", a.Key)
			}
		}
	}
	var logos int
	for _, img := range d.all(tag(atom.Img)) {
		if attrOr(img, "class") != "provider-logo" {
			logos++
			continue
		}
		// A provider's logo is decorative: the button's text names it.
		if src := attrOr(img, "src"); attrOr(img, "alt") != "" || !(strings.HasPrefix(src, "data:image/svg+xml;base64,") || validLogo(src)) {
			t.Errorf("provider logo alt %q src %q", attrOr(img, "alt"), src)
		}
	}
	if logos > 1 {
		t.Errorf("%d img elements, at most the logo expected", logos)
	}
}

func TestHostileValuesAreEscaped(t *testing.T) {
	_, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{
			Providers: []Provider{
				{ID: hostile, Name: hostile, Type: TypeOAuth, SigninURL: "javascript:alert(3)"},
				{ID: hostile, Name: hostile, Type: TypeCredentials, CallbackURL: "/cb?x=" + hostile,
					Fields: []Field{{Name: hostile, Label: hostile, Placeholder: hostile, Value: hostile, Type: hostile}}},
			},
			CSRFToken: hostile, CallbackURL: hostile, Error: hostile, Notice: hostile,
			FieldErrors: map[string]string{hostile: hostile},
		})
	})
	checkInert(t, d)
	forms := d.all(tag(atom.Form))
	if len(forms) != 2 {
		t.Fatalf("%d forms, want 2", len(forms))
	}
	// Text comes back as the same text, not as markup.
	h := hidden(forms[0])
	if h["csrfToken"] != hostile || h["callbackUrl"] != hostile {
		t.Errorf("hidden values changed: %q", h)
	}
	if got := text(all(forms[0], tag(atom.Button))[0]); got != "Sign in with "+hostile {
		t.Errorf("button text %q", got)
	}
	if got := text(d.one(func(n *html.Node) bool { return attrOr(n, "role") == "alert" }, "alert")); got != "Unable to sign in. "+hostile {
		t.Errorf("banner %q", got)
	}
	in := d.one(func(n *html.Node) bool { return n.DataAtom == atom.Input && attrOr(n, "type") != "hidden" }, "visible input")
	if attrOr(in, "name") != hostile || attrOr(in, "placeholder") != hostile || attrOr(in, "value") != hostile {
		t.Errorf("input attrs changed: %v", in.Attr)
	}
	if id := attrOr(in, "id"); !regexp.MustCompile(`^[A-Za-z0-9_-]+$`).MatchString(id) {
		t.Errorf("id %q is not one token", id)
	}
	if got := attrOr(forms[1], "action"); !strings.HasPrefix(got, "/cb?x=") || strings.ContainsAny(got, `"<> `) {
		t.Errorf("credentials action %q not URL-escaped", got)
	}

	// The other pages, with hostile values in every field.
	theme := Theme{ColorScheme: hostile, BrandColor: hostile, ButtonText: hostile, Logo: hostile}
	for name, f := range map[string]func(http.ResponseWriter) error{
		"signout": func(w http.ResponseWriter) error {
			return RenderSignOut(w, 200, SignOut{Theme: theme, Action: "javascript:alert(1)", CSRFToken: hostile})
		},
		"error": func(w http.ResponseWriter) error {
			return RenderError(w, Error{Theme: theme, Code: "Verification", SignInURL: "javascript:alert(1)", HomeURL: hostile})
		},
		"error-code": func(w http.ResponseWriter) error {
			return RenderError(w, Error{Theme: theme, Code: hostile, HomeURL: "javascript:alert(1)"})
		},
		"verify": func(w http.ResponseWriter) error {
			return RenderVerifyRequest(w, 200, VerifyRequest{Theme: theme, Host: hostile, HomeURL: "javascript:alert(1)"})
		},
	} {
		t.Run(name, func(t *testing.T) {
			_, d := renderPage(t, f)
			checkInert(t, d)
			if n := len(d.all(tag(atom.Img))); n != 0 {
				t.Errorf("invalid logo rendered")
			}
			if strings.Contains(d.raw, "alert(1)</script>") || strings.Contains(d.raw, "<script") {
				t.Errorf("hostile markup reached the page")
			}
		})
	}
}

func TestTheme(t *testing.T) {
	valid := []Theme{
		{},
		{ColorScheme: "auto"}, {ColorScheme: "light"}, {ColorScheme: "dark"},
		{BrandColor: "#fff"}, {BrandColor: "#FFaa00"}, {BrandColor: "#11223344"}, {BrandColor: "#1234"}, {BrandColor: "rebeccapurple"},
		{ButtonText: "#000"}, {ButtonText: "white"},
		{Logo: "/logo.svg"}, {Logo: "https://cdn.example.com/a/logo.png?v=2"}, {Logo: "http://localhost:3000/l.png"},
	}
	for _, th := range valid {
		if err := th.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", th, err)
		}
	}
	invalid := []Theme{
		{ColorScheme: "blue"},
		{BrandColor: "#ff"}, {BrandColor: "#ggg"}, {BrandColor: "red;}body{display:none"}, {BrandColor: "rgb(1,2,3)"},
		{BrandColor: "red "}, {BrandColor: "expression(alert(1))"}, {BrandColor: strings.Repeat("a", 33)},
		{ButtonText: "#12345"}, {ButtonText: "url(x)"},
		{Logo: "javascript:alert(1)"}, {Logo: "data:image/svg+xml,<svg/>"}, {Logo: "//evil.example/x.png"},
		{Logo: "logo.png"}, {Logo: "https://"}, {Logo: "https://u:p@x.example/l.png"}, {Logo: `/x" onerror="alert(1)`},
		{Logo: "/a b.png"}, {Logo: "/x\\y"}, {Logo: "ftp://x.example/l.png"},
	}
	for _, th := range invalid {
		err := th.Validate()
		if !errors.Is(err, ErrTheme) {
			t.Errorf("Validate(%+v) = %v, want ErrTheme", th, err)
		}
	}

	_, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignOut(w, 200, SignOut{Theme: Theme{ColorScheme: "dark", BrandColor: "#FF0000", ButtonText: "black", Logo: "/logo.svg"}})
	})
	if got := attrOr(d.one(tag(atom.Body), "body"), "class"); got != "__next-auth-theme-dark" {
		t.Errorf("body class %q", got)
	}
	meta := d.one(func(n *html.Node) bool { return attrOr(n, "name") == "color-scheme" }, "color-scheme meta")
	if attrOr(meta, "content") != "dark" {
		t.Errorf("color-scheme %q", attrOr(meta, "content"))
	}
	if !strings.Contains(d.raw, "--brand-color: #ff0000; --button-text-color: black;") {
		t.Error("theme colours not in the stylesheet")
	}
	img := d.one(tag(atom.Img), "logo")
	if attrOr(img, "src") != "/logo.svg" || attrOr(img, "alt") != "" {
		t.Errorf("logo attrs %v", img.Attr)
	}

	// Invalid values fall back to the defaults.
	_, d = renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignOut(w, 200, SignOut{Theme: Theme{ColorScheme: "neon", BrandColor: "red;}body{display:none", ButtonText: "x y", Logo: "javascript:x"}})
	})
	if !strings.Contains(d.raw, "--brand-color: #346df1; --button-text-color: #ffffff;") || strings.Contains(d.raw, "display:none") {
		t.Error("invalid theme colours were not replaced by the defaults")
	}
	if attrOr(d.one(tag(atom.Body), "body"), "class") != "__next-auth-theme-auto" {
		t.Error("invalid colour scheme not replaced by auto")
	}
	if len(d.all(tag(atom.Img))) != 0 {
		t.Error("invalid logo rendered")
	}
}

func TestHeadersOnEveryPage(t *testing.T) {
	pages := map[string]func(http.ResponseWriter) error{
		"signin":  func(w http.ResponseWriter) error { return RenderSignIn(w, 200, SignIn{Providers: fullProviders()}) },
		"signout": func(w http.ResponseWriter) error { return RenderSignOut(w, 200, SignOut{Action: "/api/auth/signout"}) },
		"error":   func(w http.ResponseWriter) error { return RenderError(w, Error{Code: "Configuration"}) },
		"verify": func(w http.ResponseWriter) error {
			return RenderVerifyRequest(w, 200, VerifyRequest{Host: "app.example"})
		},
	}
	for name, f := range pages {
		t.Run(name, func(t *testing.T) {
			w, _ := renderPage(t, f)
			h := w.Result().Header
			for k, v := range map[string]string{
				"Content-Type":            "text/html; charset=utf-8",
				"Cache-Control":           "private, no-cache, no-store",
				"X-Frame-Options":         "DENY",
				"Referrer-Policy":         "no-referrer",
				"X-Content-Type-Options":  "nosniff",
				"Content-Security-Policy": ContentSecurityPolicy,
			} {
				if got := h.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			csp := h.Get("Content-Security-Policy")
			for _, must := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
				if !strings.Contains(csp, must) {
					t.Errorf("CSP lacks %q", must)
				}
			}
			if strings.Contains(csp, "script-src") || strings.Contains(csp, "form-action") {
				t.Errorf("CSP %q allows scripts or restricts form posts", csp)
			}
			if h.Get("Content-Length") != "" && h.Get("Content-Length") != strconv.Itoa(w.Body.Len()) {
				t.Errorf("Content-Length %s, body %d", h.Get("Content-Length"), w.Body.Len())
			}
		})
	}
}

func TestErrorPage(t *testing.T) {
	cases := []struct {
		code       string
		status     int
		heading    string
		message    string
		signInLink bool
	}{
		{"Configuration", 500, "Server error", "The server is not set up correctly. Its log says what to fix.", false},
		{"AccessDenied", 403, "Access Denied", "You are not allowed to sign in with this account.", true},
		{"Verification", 403, "Unable to sign in", "The sign in link is no longer valid. It may have been used already, or it may have expired.", true},
		{"CredentialsSignin", 200, "Error", "Something went wrong while signing in.", false},
		{"", 200, "Error", "Something went wrong while signing in.", false},
		{"NoSuchCode", 200, "Error", "Something went wrong while signing in.", false},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			if got := ErrorStatus(c.code); got != c.status {
				t.Errorf("ErrorStatus(%q) = %d, want %d", c.code, got, c.status)
			}
			if h, m := ErrorMessage(c.code); h != c.heading || m != c.message {
				t.Errorf("ErrorMessage(%q) = %q, %q", c.code, h, m)
			}
			w, d := renderPage(t, func(w http.ResponseWriter) error {
				return RenderError(w, Error{Code: c.code, SignInURL: "/api/auth/signin", HomeURL: "https://app.example/"})
			})
			if w.Code != c.status {
				t.Errorf("status %d, want %d", w.Code, c.status)
			}
			if got := text(d.one(tag(atom.Title), "title")); got != "Error" {
				t.Errorf("title %q", got)
			}
			if got := text(d.one(tag(atom.H1), "h1")); got != c.heading {
				t.Errorf("h1 %q, want %q", got, c.heading)
			}
			if !strings.Contains(text(d.one(tag(atom.Main), "main")), c.message) {
				t.Errorf("message %q missing", c.message)
			}
			links := map[string]string{}
			for _, a := range d.all(tag(atom.A)) {
				links[text(a)] = attrOr(a, "href")
			}
			if got, ok := links["Sign in"]; ok != c.signInLink || (ok && got != "/api/auth/signin") {
				t.Errorf("sign-in link %q present=%v, want present=%v", got, ok, c.signInLink)
			}
			if links["Go to the home page"] != "https://app.example/" {
				t.Errorf("home link %v", links)
			}
		})
	}
}

func TestSignOutPage(t *testing.T) {
	w, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignOut(w, http.StatusOK, SignOut{Action: "/api/auth/signout", CSRFToken: "tok"})
	})
	if w.Code != 200 || text(d.one(tag(atom.Title), "title")) != "Sign Out" {
		t.Errorf("status %d title %q", w.Code, text(d.one(tag(atom.Title), "title")))
	}
	if !strings.Contains(text(d.one(tag(atom.Main), "main")), "Are you sure you want to sign out?") {
		t.Error("question missing")
	}
	f := d.one(tag(atom.Form), "form")
	if attrOr(f, "action") != "/api/auth/signout" || attrOr(f, "method") != "post" {
		t.Errorf("form %v", f.Attr)
	}
	if h := hidden(f); len(h) != 1 || h["csrfToken"] != "tok" {
		t.Errorf("hidden %v", h)
	}
	if b := d.one(tag(atom.Button), "button"); text(b) != "Sign out" || attrOr(b, "type") != "submit" {
		t.Errorf("button %q", text(b))
	}
}

func TestVerifyRequestPage(t *testing.T) {
	w, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderVerifyRequest(w, http.StatusOK, VerifyRequest{Host: "app.example", HomeURL: "https://app.example/"})
	})
	if w.Code != 200 || text(d.one(tag(atom.Title), "title")) != "Verify Request" {
		t.Errorf("status %d", w.Code)
	}
	if got := text(d.one(tag(atom.H1), "h1")); got != "Check your email" {
		t.Errorf("h1 %q", got)
	}
	if !strings.Contains(text(d.one(tag(atom.Main), "main")), "A sign in link has been sent to your email address.") {
		t.Error("sentence missing")
	}
	a := d.one(tag(atom.A), "link")
	if text(a) != "app.example" || attrOr(a, "href") != "https://app.example/" {
		t.Errorf("link %q -> %q", text(a), attrOr(a, "href"))
	}
}

// errWriter fails every write, as a client that went away.
type errWriter struct{ httptest.ResponseRecorder }

func (e *errWriter) Write([]byte) (int, error) { return 0, errors.New("gone") }

func TestRenderReturnsWriteError(t *testing.T) {
	w := &errWriter{*httptest.NewRecorder()}
	if err := RenderSignOut(w, 200, SignOut{}); err == nil {
		t.Error("a failed write returned nil")
	}
}

func BenchmarkRenderSignIn(b *testing.B) {
	d := SignIn{Providers: fullProviders(), CSRFToken: strings.Repeat("a", 64), CallbackURL: "https://app.example/dashboard",
		Error: "CredentialsSignin", Theme: Theme{BrandColor: "#123456", Logo: "/logo.svg"}}
	for b.Loop() {
		w := httptest.NewRecorder()
		if err := RenderSignIn(w, 200, d); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzSignIn renders the sign-in page with arbitrary client-controlled
// values (callbackUrl, error code, notice) and provider/field names, and
// checks that the page stays inert and the values come back unchanged.
func FuzzSignIn(f *testing.F) {
	f.Add("/dashboard", "CredentialsSignin", "", "GitHub", "email")
	f.Add(hostile, hostile, hostile, hostile, hostile)
	f.Add("javascript:alert(1)", "</div><script>", "&amp;<>\"'", "\x00\xff", "a b")
	f.Fuzz(func(t *testing.T, callbackURL, code, notice, name, field string) {
		w := httptest.NewRecorder()
		err := RenderSignIn(w, http.StatusOK, SignIn{
			Providers: []Provider{
				{ID: name, Name: name, Type: TypeOAuth, SigninURL: "/api/auth/signin/" + url.PathEscape(name)},
				{ID: name, Name: name, Type: TypeCredentials, CallbackURL: "/cb", Fields: []Field{{Name: field, Label: field}}},
			},
			CSRFToken: "tok", CallbackURL: callbackURL, Error: code, Notice: notice,
			FieldErrors: map[string]string{field: notice},
		})
		if err != nil {
			t.Fatal(err)
		}
		d := parse(t, w.Body.String())
		checkInert(t, d)
		forms := d.all(tag(atom.Form))
		if len(forms) != 2 {
			t.Fatalf("%d forms", len(forms))
		}
		// html/template and the parser may both normalise NUL and invalid
		// UTF-8; compare only values they leave alone.
		if utf8.ValidString(callbackURL) && !strings.ContainsRune(callbackURL, 0) && callbackURL != "" {
			if got := hidden(forms[1])["callbackUrl"]; got != callbackURL && got != normalizeNewlines(callbackURL) {
				t.Fatalf("callbackUrl %q came back as %q", callbackURL, got)
			}
		}
		if n := len(d.all(func(n *html.Node) bool { return attrOr(n, "role") == "alert" })); n > 1 {
			t.Fatalf("%d alerts", n)
		}
	})
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
