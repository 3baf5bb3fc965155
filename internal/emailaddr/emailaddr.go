// Package emailaddr holds what the email package and the root share about
// addresses: their one folding and their length limit. The email package
// normalizes addresses with them; the root keys rate limits by the same
// folding (so an address and the forms that fold into it share one
// budget) and refuses longer input before any work.
package emailaddr

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// MaxBytes is the longest address email.Normalize accepts: RFC 5321's
// path limit, less the angle brackets.
const MaxBytes = 254

// Fold is the one folding of emails and sign-in identifiers: NFKC, then
// trimmed and lower-cased.
func Fold(s string) string {
	return strings.ToLower(strings.TrimSpace(norm.NFKC.String(s)))
}
