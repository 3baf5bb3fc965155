package jsonscan

import "strconv"

// isNumberByte reports whether c may appear in a JSON number.
func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// SmallUint parses a JSON integer of at most 18 digits without a sign or a
// leading zero, which every timestamp is, and reports whether v was one.
func SmallUint(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 || (v[0] == '0' && len(v) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// Number parses a JSON number as encoding/json does into a float64 (which
// uses strconv.ParseFloat), without allocating. null, every other value,
// and a number a float64 cannot hold (1e400) are errors.
func Number(v []byte) (float64, error) {
	for len(v) > 0 && IsSpace(v[len(v)-1]) {
		v = v[:len(v)-1] // as encoding/json, which allows trailing space
	}
	if n, ok := SmallUint(v); ok {
		return float64(n), nil
	}
	if !ValidNumber(v) {
		return 0, ErrSyntax
	}
	return strconv.ParseFloat(string(v), 64)
}

// ValidNumber reports whether v is exactly one JSON number (RFC 8259 §6):
// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?. strconv.ParseFloat
// alone accepts more (a +, Inf, hexadecimal, underscores).
func ValidNumber(v []byte) bool {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	switch {
	case i < len(v) && v[i] == '0':
		i++
	case i < len(v) && v[i] >= '1' && v[i] <= '9':
		i = digits(v, i)
	default:
		return false
	}
	if i < len(v) && v[i] == '.' {
		if j := digits(v, i+1); j > i+1 {
			i = j
		} else {
			return false
		}
	}
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		if j := digits(v, i); j > i {
			i = j
		} else {
			return false
		}
	}
	return i == len(v)
}

// digits returns the offset of the first byte at or after i that is not a
// decimal digit.
func digits(v []byte, i int) int {
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	return i
}
