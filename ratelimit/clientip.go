package ratelimit

import (
	"net/http"
	"net/netip"
	"strings"
)

// ProxyHeader names the header in which trusted reverse proxies pass on the
// address of the client they received a request from.
type ProxyHeader int

const (
	// XForwardedFor is the de facto X-Forwarded-For header: a comma-separated
	// list of addresses, each proxy appending the peer it saw.
	XForwardedFor ProxyHeader = iota
	// Forwarded is the standard Forwarded header of RFC 7239, read through
	// the "for" parameter of each element.
	Forwarded
)

// maxHops is how many of the rightmost proxy hops ClientIP looks at. A chain
// of more trusted proxies than this is not plausible; past it ClientIP stops
// at the last hop it kept, which is a trusted proxy.
const maxHops = 32

// Proxies describes the reverse proxies in front of an application, so that
// the client's address can be found behind them.
//
// Only the proxies know who connected to them; anything else in a
// forwarding header may have been written by the client. So a forwarding
// header is read only when the direct peer (the request's RemoteAddr) is a
// trusted proxy, and it is read from the right, past the hops that are
// trusted proxies, up to the first hop that is not: that is the client.
//
// Set Header to the header your proxies write. The other header is ignored,
// because a client can send it through a proxy that does not rewrite it.
type Proxies struct {
	// Trusted holds the address ranges of the trusted proxies, such as
	// 10.0.0.0/8 or a load balancer's address as a /32. IPv4-mapped IPv6
	// addresses are compared as IPv4.
	Trusted []netip.Prefix
	// Header is the header the proxies write; the zero value is
	// XForwardedFor.
	Header ProxyHeader
}

// ClientIP returns the address of the client that made r, as described on
// Proxies. With no trusted proxies it is the address in r.RemoteAddr. It
// returns the zero Addr when r.RemoteAddr holds no IP address (a Unix
// socket, say); callers that key a limit on the result then put all such
// requests in one bucket. When a hop in the header cannot be parsed (such as
// "unknown" or an obfuscated identifier), ClientIP returns the trusted proxy
// that reported it. The result never carries an IPv6 zone, and an
// IPv4-mapped IPv6 address is returned as IPv4.
func (p Proxies) ClientIP(r *http.Request) netip.Addr {
	peer := parseHop(r.RemoteAddr)
	if !peer.IsValid() || !p.trusts(peer) {
		return peer
	}
	var ring hopRing
	if p.Header == Forwarded {
		for _, line := range r.Header.Values("Forwarded") {
			forwardedFor(line, &ring)
		}
	} else {
		for _, line := range r.Header.Values("X-Forwarded-For") {
			for part := range strings.SplitSeq(line, ",") {
				ring.push(part)
			}
		}
	}
	client := peer
	for i := range ring.len() {
		a := parseHop(ring.fromRight(i))
		if !a.IsValid() {
			return client
		}
		client = a
		if !p.trusts(a) {
			return a
		}
	}
	return client
}

// ClientIP is Proxies{Trusted: trusted}.ClientIP(r): it reads
// X-Forwarded-For when the direct peer is in trusted.
func ClientIP(r *http.Request, trusted []netip.Prefix) netip.Addr {
	return Proxies{Trusted: trusted}.ClientIP(r)
}

func (p Proxies) trusts(a netip.Addr) bool {
	for _, pfx := range p.Trusted {
		if pfx.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop parses one address as it appears in RemoteAddr, X-Forwarded-For
// or a Forwarded "for" value: "192.0.2.1", "192.0.2.1:80", "2001:db8::1",
// "[2001:db8::1]" or "[2001:db8::1]:80". Anything else gives the zero Addr.
func parseHop(s string) netip.Addr {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil {
		ap, err2 := netip.ParseAddrPort(s)
		switch {
		case err2 == nil:
			a = ap.Addr()
		case len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']':
			if a, err = netip.ParseAddr(s[1 : len(s)-1]); err != nil || !a.Is6() {
				return netip.Addr{}
			}
		default:
			return netip.Addr{}
		}
	}
	return a.Unmap().WithZone("")
}

// hopRing keeps the last maxHops hops of a header without allocating.
type hopRing struct {
	hops [maxHops]string
	n    int // hops pushed in all
}

func (h *hopRing) push(s string) { h.hops[h.n%maxHops] = s; h.n++ }
func (h *hopRing) len() int      { return min(h.n, maxHops) }

// fromRight returns the i-th hop counting from the right, from 0.
func (h *hopRing) fromRight(i int) string { return h.hops[(h.n-1-i)%maxHops] }

// forwardedFor pushes onto ring the "for" value of each element of one
// Forwarded header line (RFC 7239 section 4), or "" for an element that has
// none or is malformed, so that ClientIP stops there. The standard library
// has no parser for this header; this one reads only what ClientIP needs:
//
//	Forwarded         = 1#forwarded-element
//	forwarded-element = [ forwarded-pair ] *( ";" [ forwarded-pair ] )
//	forwarded-pair    = token "=" value
//	value             = token / quoted-string
func forwardedFor(line string, ring *hopRing) {
	i := 0
	for i <= len(line) {
		forVal, ok, end := forwardedElement(line, i)
		if !ok {
			// The rest of the line cannot be split reliably into elements.
			ring.push("")
			return
		}
		if isEmptyElement(line[i:end]) {
			// "a, , b": an empty list member, allowed by the list syntax
			// (RFC 9110 section 5.6.1); it is not a hop.
		} else {
			ring.push(forVal)
		}
		i = end + 1 // past the comma, or past the end of the line
	}
}

func isEmptyElement(s string) bool { return strings.Trim(s, " \t") == "" }

// forwardedElement parses the element that starts at line[i] and returns
// its "for" value ("" when absent), whether it was well formed, and the
// index of the comma that ends it (or len(line)).
func forwardedElement(line string, i int) (forVal string, ok bool, end int) {
	for {
		i = skipOWS(line, i)
		if i == len(line) || line[i] == ',' {
			return forVal, true, i
		}
		if line[i] == ';' {
			i++
			continue
		}
		// forwarded-pair
		j := i
		for j < len(line) && isTokenChar(line[j]) {
			j++
		}
		if j == i || j == len(line) || line[j] != '=' {
			return "", false, len(line)
		}
		name := line[i:j]
		j++
		var val string
		if j < len(line) && line[j] == '"' {
			k := j + 1
			for k < len(line) && line[k] != '"' {
				if line[k] == '\\' {
					// A quoted-pair never occurs in an address; keep
					// parsing the syntax but give the value up.
					k++
				}
				k++
			}
			if k >= len(line) {
				return "", false, len(line)
			}
			val = line[j+1 : k]
			if strings.IndexByte(val, '\\') >= 0 {
				val = ""
			}
			j = k + 1
		} else {
			k := j
			for k < len(line) && isTokenChar(line[k]) {
				k++
			}
			val = line[j:k]
			j = k
		}
		if strings.EqualFold(name, "for") {
			if forVal != "" {
				// Two "for" pairs in one element: malformed.
				return "", false, len(line)
			}
			forVal = val
		}
		i = skipOWS(line, j)
		if i < len(line) && line[i] != ';' && line[i] != ',' {
			return "", false, len(line)
		}
	}
}

func skipOWS(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// isTokenChar reports whether c may appear in an RFC 9110 token.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// DefaultIPv6Prefix is the length of the IPv6 network that ClientNetwork
// limits as one client by default: a /64 is the smallest network an ISP
// hands a customer, and one host can use all of its addresses.
const DefaultIPv6Prefix = 64

// ClientNetwork returns the network that stands for the client at a when
// its attempts are counted: the address alone (/32) for IPv4, including an
// IPv4-mapped IPv6 address, and its enclosing /ipv6Prefix for IPv6, since a
// single host can hop between the addresses of its network at will. An
// ipv6Prefix outside 1..128 means DefaultIPv6Prefix. The zero Addr gives
// the zero Prefix.
func ClientNetwork(a netip.Addr, ipv6Prefix int) netip.Prefix {
	a = a.Unmap().WithZone("")
	switch {
	case !a.IsValid():
		return netip.Prefix{}
	case a.Is4():
		return netip.PrefixFrom(a, 32)
	}
	if ipv6Prefix < 1 || ipv6Prefix > 128 {
		ipv6Prefix = DefaultIPv6Prefix
	}
	p, _ := a.Prefix(ipv6Prefix) // cannot fail: a is IPv6 and the length is in range
	return p
}
