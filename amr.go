package authgo

import "slices"

// amrClaim is the token claim holding Session.AMR (RFC 8176; OpenID
// Connect Core §2).
const amrClaim = "amr"

// tokenAMR returns the amr claim of t: a JSON array of strings, which
// decodes to []any (or is still []string when t was never encoded).
func tokenAMR(t *Token) []string {
	switch v := t.Extra[amrClaim].(type) {
	case []string:
		return slices.Clone(v)
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// withMethods returns methods with more added, each once, in order.
func withMethods(methods []string, more ...string) []string {
	out := slices.Clone(methods)
	for _, m := range more {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}
