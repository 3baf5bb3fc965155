// Package clip bounds text that comes from a client or a provider before
// it goes into a log line, an error, a page or a stored record, so that a
// hostile value cannot make those grow without limit.
package clip

import "unicode/utf8"

// String returns s cut to at most n bytes (a negative n counts as zero).
// It never cuts a UTF-8 encoded character in two: when one straddles the
// cut, the cut moves back to its start. Bytes that are not valid UTF-8 are
// kept as they are.
func String(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	// Back up from the last byte kept to the first byte of its character.
	i := n - 1
	for i > 0 && i > n-utf8.UTFMax && !utf8.RuneStart(s[i]) {
		i--
	}
	if r, size := utf8.DecodeRuneInString(s[i:]); (r != utf8.RuneError || size > 1) && i+size > n {
		return s[:i]
	}
	return s[:n]
}
