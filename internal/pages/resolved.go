package pages

// Resolved is a Theme as it is drawn: each value checked, an invalid or
// empty one replaced by its default, and ButtonText chosen for contrast when
// none is given. Other renderers (the email package's mail) use it so that a
// mail and a page show the same colours.
type Resolved struct {
	// Scheme is "auto", "light" or "dark".
	Scheme string
	// BrandColor is a checked CSS colour, DefaultBrandColor when none is set.
	BrandColor string
	// ButtonText is a checked CSS colour, DefaultButtonText or black.
	ButtonText string
	// Logo is a checked http(s) URL or site path, "" for none.
	Logo string
}

// Resolve returns t with every value checked and defaults filled in.
func (t Theme) Resolve() Resolved { return Resolved(t.view()) }
