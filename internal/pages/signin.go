package pages

import (
	"strconv"
	"strings"
)

type errorView struct {
	Heading, Message   string
	SignInURL, HomeURL string
}

type signInPage struct {
	Message     string // banner sentence from the error code, "" for none
	Notice      string
	CSRFToken   string
	CallbackURL string
	Providers   []providerView
	Links       []Link
}

type providerView struct {
	Name      string
	Kind      string // "button", "email", "credentials" or "passkey": which form to draw
	Action    string
	Fields    []fieldView
	Separator bool       // draw "or" before this provider
	Look      buttonLook // colours and logo of a "button"
	Passkey   *Passkey   // a WebAuthn provider's URLs
}

type fieldView struct {
	ID, ErrorID  string
	Name, Label  string
	Type         string
	Placeholder  string
	Autocomplete string
	Required     bool
	Value        string
	Error        string
}

func signInView(d SignIn) signInPage {
	v := signInPage{Notice: d.Notice, CSRFToken: d.CSRFToken, CallbackURL: d.CallbackURL, Links: d.Links}
	if d.Error != "" {
		v.Message = SignInMessage(d.Error)
	}
	prevForm := false
	seen := make(map[string]bool) // ids already used on the page
	for i, p := range d.Providers {
		pv := providerView{Name: p.Name, Kind: "button", Action: p.SigninURL}
		if pv.Name == "" {
			pv.Name = p.ID
		}
		fields := p.Fields
		var flash *Flash
		switch p.Type {
		case TypeCredentials:
			pv.Kind = "credentials"
			pv.Action = p.CallbackURL
			if d.Flash.Provider != "" && d.Flash.Provider == p.ID {
				flash = &d.Flash
			}
		case TypeEmail:
			pv.Kind = "email"
			if len(fields) == 0 {
				fields = []Field{{Name: "email", Label: "Email", Type: "email", Placeholder: "email@example.com", Required: true}}
			}
		case TypeWebAuthn:
			pv.Kind = "passkey"
			pv.Passkey = p.Passkey
			if len(fields) == 0 {
				fields = []Field{{Name: "email", Label: "Email", Type: "email", Placeholder: "email@example.com", Autocomplete: "username webauthn"}}
			}
		default:
			fields = nil
			pv.Look = lookOf(p.ID, p.Style)
		}
		isForm := pv.Kind != "button"
		// A form with inputs stands apart from its neighbours; a run of
		// provider buttons stays together.
		pv.Separator = i > 0 && (isForm || prevForm)
		prevForm = isForm
		for _, f := range fields {
			var errMsg string
			if p.Type == TypeCredentials {
				errMsg = d.FieldErrors[f.Name]
			}
			if flash != nil {
				if errMsg == "" {
					errMsg = flash.Errors[f.Name]
				}
				if v, ok := flash.Values[f.Name]; ok {
					f.Value = v // fieldViewOf drops it again for a password input
				}
			}
			fv := fieldViewOf(p.ID, f, errMsg)
			// Two names can map to one id token ("a b", "a-b"); ids must
			// stay unique for each label to name its own input.
			if id := fv.ID; seen[id] {
				for n := 2; seen[fv.ID]; n++ {
					fv.ID = id + "-" + strconv.Itoa(n)
				}
				if fv.ErrorID != "" {
					fv.ErrorID = fv.ID + "-error"
				}
			}
			seen[fv.ID] = true
			pv.Fields = append(pv.Fields, fv)
		}
		v.Providers = append(v.Providers, pv)
	}
	return v
}

func fieldViewOf(providerID string, f Field, errMsg string) fieldView {
	fv := fieldView{
		Name: f.Name, Label: f.Label, Type: strings.ToLower(f.Type), Placeholder: f.Placeholder,
		Autocomplete: f.Autocomplete, Required: f.Required, Value: f.Value, Error: errMsg,
	}
	if fv.Label == "" {
		fv.Label = f.Name
	}
	if fv.Type == "" {
		fv.Type = "text"
	}
	if fv.Autocomplete == "" {
		switch {
		case fv.Type == "password":
			fv.Autocomplete = "current-password"
		case fv.Type == "email" || strings.EqualFold(f.Name, "email"):
			fv.Autocomplete = "email"
		case strings.EqualFold(f.Name, "username"):
			fv.Autocomplete = "username"
		}
	}
	if fv.Type == "password" {
		fv.Value = ""
	}
	// The id ties the label (and the error) to the input, so it must be one
	// token whatever the provider id and field name hold.
	fv.ID = "input-" + idToken(f.Name) + "-for-" + idToken(providerID) + "-provider"
	if errMsg != "" {
		fv.ErrorID = fv.ID + "-error"
	}
	return fv
}

// idToken maps s to the characters that are safe in an id attribute and a
// CSS selector: ASCII letters and digits, '-' and '_'; anything else becomes
// '-'.
func idToken(s string) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	for i, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			b[i] = '-'
		}
	}
	return string(b)
}
