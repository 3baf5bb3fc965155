package ratelimit

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	internal := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	manyTrusted := "198.51.100.9" + strings.Repeat(", 10.0.0.7", 40)
	for _, tc := range []struct {
		name    string
		remote  string
		trusted []netip.Prefix
		header  ProxyHeader
		xff     []string
		fwd     []string
		want    string // "" for the zero Addr
	}{
		{"no proxies: header ignored", "203.0.113.7:5555", nil, XForwardedFor, []string{"198.51.100.9"}, nil, "203.0.113.7"},
		{"untrusted peer: header ignored", "203.0.113.7:5555", internal, XForwardedFor, []string{"198.51.100.9"}, nil, "203.0.113.7"},
		{"one proxy", "10.0.0.1:1234", internal, XForwardedFor, []string{"198.51.100.9"}, nil, "198.51.100.9"},
		{"client's own entry is left of the real one", "10.0.0.1:1234", internal, XForwardedFor, []string{"6.6.6.6, 198.51.100.9"}, nil, "198.51.100.9"},
		{"client-sent trusted-looking entry", "10.0.0.1:1234", internal, XForwardedFor, []string{"10.9.9.9, 198.51.100.9"}, nil, "198.51.100.9"},
		{"two proxies", "10.0.0.1:1234", internal, XForwardedFor, []string{"198.51.100.9, 10.0.0.5"}, nil, "198.51.100.9"},
		{"header lines in order", "10.0.0.1:1234", internal, XForwardedFor, []string{"6.6.6.6", "198.51.100.9 , 10.0.0.5"}, nil, "198.51.100.9"},
		{"all hops trusted", "10.0.0.1:1234", internal, XForwardedFor, []string{"10.0.0.9, 10.0.0.5"}, nil, "10.0.0.9"},
		{"no header from a proxy", "10.0.0.1:1234", internal, XForwardedFor, nil, nil, "10.0.0.1"},
		{"empty header", "10.0.0.1:1234", internal, XForwardedFor, []string{""}, nil, "10.0.0.1"},
		{"unparsable rightmost hop", "10.0.0.1:1234", internal, XForwardedFor, []string{"198.51.100.9, unknown"}, nil, "10.0.0.1"},
		{"unparsable hop behind a proxy", "10.0.0.1:1234", internal, XForwardedFor, []string{"garbage, 10.0.0.5"}, nil, "10.0.0.5"},
		{"hop with port", "10.0.0.1:1234", internal, XForwardedFor, []string{"198.51.100.9:4711"}, nil, "198.51.100.9"},
		{"IPv6 hop", "[fd00::1]:443", internal, XForwardedFor, []string{"2001:db8::17"}, nil, "2001:db8::17"},
		{"bracketed IPv6 hop with port", "10.0.0.1:1", internal, XForwardedFor, []string{"[2001:db8::17]:80"}, nil, "2001:db8::17"},
		{"mapped hop", "10.0.0.1:1", internal, XForwardedFor, []string{"::ffff:198.51.100.9"}, nil, "198.51.100.9"},
		{"mapped peer is trusted as IPv4", "[::ffff:10.0.0.1]:1", internal, XForwardedFor, []string{"198.51.100.9"}, nil, "198.51.100.9"},
		{"Forwarded ignored when X-Forwarded-For is configured", "10.0.0.1:1", internal, XForwardedFor, nil, []string{"for=6.6.6.6"}, "10.0.0.1"},
		{"more hops than kept", "10.0.0.1:1", internal, XForwardedFor, []string{manyTrusted}, nil, "10.0.0.7"},

		{"IPv6 peer", "[2001:db8::1]:443", nil, XForwardedFor, nil, nil, "2001:db8::1"},
		{"mapped peer", "[::ffff:192.0.2.1]:80", nil, XForwardedFor, nil, nil, "192.0.2.1"},
		{"zone dropped", "[fe80::1%eth0]:80", nil, XForwardedFor, nil, nil, "fe80::1"},
		{"peer without port", "192.0.2.1", nil, XForwardedFor, nil, nil, "192.0.2.1"},
		{"unix socket peer", "@", internal, XForwardedFor, []string{"198.51.100.9"}, nil, ""},
		{"empty peer", "", nil, XForwardedFor, nil, nil, ""},

		{"RFC 7239 example", "10.0.0.1:1", internal, Forwarded, nil, []string{`for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"`}, "2001:db8:cafe::17"},
		{"Forwarded past a trusted hop", "10.0.0.1:1", internal, Forwarded, nil, []string{`for=192.0.2.60, for=10.0.0.3;proto=https`}, "192.0.2.60"},
		{"Forwarded parameter name case", "10.0.0.1:1", internal, Forwarded, nil, []string{`FOR="198.51.100.9:80"`}, "198.51.100.9"},
		{"Forwarded lines", "10.0.0.1:1", internal, Forwarded, nil, []string{"for=6.6.6.6", "for=198.51.100.9"}, "198.51.100.9"},
		{"Forwarded empty elements", "10.0.0.1:1", internal, Forwarded, nil, []string{" , for=198.51.100.9 ,"}, "198.51.100.9"},
		{"Forwarded unknown", "10.0.0.1:1", internal, Forwarded, nil, []string{"for=198.51.100.9, for=unknown"}, "10.0.0.1"},
		{"Forwarded obfuscated behind real", "10.0.0.1:1", internal, Forwarded, nil, []string{"for=_hidden, for=198.51.100.9"}, "198.51.100.9"},
		{"Forwarded element without for", "10.0.0.1:1", internal, Forwarded, nil, []string{"proto=https"}, "10.0.0.1"},
		{"Forwarded unterminated quote", "10.0.0.1:1", internal, Forwarded, nil, []string{`for="198.51.100.9`}, "10.0.0.1"},
		{"Forwarded quote swallows the proxy's element", "10.0.0.1:1", internal, Forwarded, nil, []string{`for="6.6.6.6, for=198.51.100.9`}, "10.0.0.1"},
		{"Forwarded junk after a quoted value", "10.0.0.1:1", internal, Forwarded, nil, []string{`for="x, for="[2001:db8::1]"`}, "10.0.0.1"},
		{"Forwarded quoted pair", "10.0.0.1:1", internal, Forwarded, nil, []string{`for="\1.2.3.4"`}, "10.0.0.1"},
		{"Forwarded two for in one element", "10.0.0.1:1", internal, Forwarded, nil, []string{`for=6.6.6.6;for=198.51.100.9`}, "10.0.0.1"},
		{"Forwarded unquoted port is malformed", "10.0.0.1:1", internal, Forwarded, nil, []string{`for=198.51.100.9:80`}, "10.0.0.1"},
		{"Forwarded bracketed IPv4 refused", "10.0.0.1:1", internal, Forwarded, nil, []string{`for="[198.51.100.9]"`}, "10.0.0.1"},
		{"X-Forwarded-For ignored when Forwarded is configured", "10.0.0.1:1", internal, Forwarded, []string{"6.6.6.6"}, nil, "10.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tc.remote, Header: http.Header{}}
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			for _, v := range tc.fwd {
				r.Header.Add("Forwarded", v)
			}
			got := Proxies{Trusted: tc.trusted, Header: tc.header}.ClientIP(r)
			if tc.want == "" {
				if got.IsValid() {
					t.Fatalf("got %v, want the zero Addr", got)
				}
				return
			}
			if got != netip.MustParseAddr(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if tc.header == XForwardedFor {
				if got2 := ClientIP(r, tc.trusted); got2 != got {
					t.Fatalf("ClientIP = %v, Proxies.ClientIP = %v", got2, got)
				}
			}
		})
	}
}

func FuzzClientIP(f *testing.F) {
	f.Add("10.0.0.1:1", "198.51.100.9, 10.0.0.5", `for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711"`, false)
	f.Add("10.0.0.1:1", "", `for="\"x, for=1.2.3.4;by=;`, true)
	f.Add("[::ffff:10.1.2.3]:9", "::ffff:1.2.3.4,,[fe80::1%25x]:1", ` ; ,for=_a;FOR=b`, true)
	f.Add("203.0.113.7:5555", "1.1.1.1", "for=1.1.1.1", false)
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::/127")}
	f.Fuzz(func(t *testing.T, remote, xff, fwd string, useForwarded bool) {
		r := &http.Request{RemoteAddr: remote, Header: http.Header{}}
		r.Header.Set("X-Forwarded-For", xff)
		r.Header.Set("Forwarded", fwd)
		p := Proxies{Trusted: trusted}
		if useForwarded {
			p.Header = Forwarded
		}
		got := p.ClientIP(r)
		peer := parseHop(remote)
		switch {
		case !peer.IsValid():
			if got.IsValid() {
				t.Fatalf("peer %q is no address, got %v", remote, got)
			}
		case !got.IsValid():
			t.Fatalf("peer %v is an address, got the zero Addr", peer)
		case !p.trusts(peer) && got != peer:
			t.Fatalf("untrusted peer %v, got %v from the header", peer, got)
		case got.Zone() != "" || got.Is4In6():
			t.Fatalf("got %v, want no zone and no mapped IPv4", got)
		}
		if got != peer && got.IsValid() && len(xff)+len(fwd) <= 256 {
			// An address from the header must occur in the header read.
			h := xff
			if useForwarded {
				h = fwd
			}
			if !mentions(h, got) {
				t.Fatalf("got %v, which is not in %q", got, h)
			}
		}
		// Parsing never depends on which other header is present.
		r2 := &http.Request{RemoteAddr: remote, Header: http.Header{}}
		if useForwarded {
			r2.Header.Set("Forwarded", fwd)
		} else {
			r2.Header.Set("X-Forwarded-For", xff)
		}
		if got2 := p.ClientIP(r2); got2 != got {
			t.Fatalf("other header changed the result: %v vs %v", got, got2)
		}
	})
}

// mentions reports whether some run of h parses to a.
func mentions(h string, a netip.Addr) bool {
	for i := range len(h) {
		for j := i + 1; j <= min(len(h), i+64); j++ { // no address text is longer
			if parseHop(h[i:j]) == a {
				return true
			}
		}
	}
	return false
}

func TestClientNetwork(t *testing.T) {
	for _, tc := range []struct {
		addr string
		bits int
		want string
	}{
		{"192.0.2.7", 64, "192.0.2.7/32"},
		{"::ffff:192.0.2.7", 64, "192.0.2.7/32"},
		{"2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", 0, "2001:db8:1:2::/64"},
		{"2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::/48"},
		{"2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6/128"},
		{"2001:db8:1:2:3:4:5:6", 129, "2001:db8:1:2::/64"},
		{"fe80::1%eth0", 64, "fe80::/64"},
		{"", 64, "invalid Prefix"},
	} {
		var a netip.Addr
		if tc.addr != "" {
			a = netip.MustParseAddr(tc.addr)
		}
		if got := ClientNetwork(a, tc.bits).String(); got != tc.want {
			t.Errorf("ClientNetwork(%s, %d) = %s, want %s", tc.addr, tc.bits, got, tc.want)
		}
	}
}
