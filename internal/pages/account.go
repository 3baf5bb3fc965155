package pages

import "net/http"

// Account is a page of the password-account flows (sign-up, verification,
// reset, change, delete): a heading, sentences, and at most one form whose
// fields are listed, in the look of the sign-in page.
type Account struct {
	Theme   Theme
	Title   string // the <title>; Heading when empty
	Heading string
	Intro   []string // paragraphs above the form
	Error   string   // an error banner
	Notice  string   // a status banner
	// Action is where the form posts; no form when empty.
	Action    string
	CSRFToken string
	Hidden    []Hidden
	Fields    []AccountField
	Submit    string // the button's text
	Links     []Link // below the form
}

// Hidden is a hidden input of a form.
type Hidden struct{ Name, Value string }

// AccountField is one input of an Account form.
type AccountField struct {
	Name, Label, Type, Autocomplete, Value string
	Required                               bool
	Error                                  string // shown under the field
}

// Link is a link under a form.
type Link struct{ Text, URL string }

// RenderAccount writes an Account page with the given status.
func RenderAccount(w http.ResponseWriter, status int, d Account) error {
	title := d.Title
	if title == "" {
		title = d.Heading
	}
	return render(w, status, "account", page{Title: title, Theme: d.Theme.view(), Body: d})
}
