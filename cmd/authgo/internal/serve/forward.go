package serve

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// original is the request a proxy asks verify about.
type original struct {
	method string
	scheme string
	host   string // lower case, without the port
	port   string // "" when the Host had none
	uri    *url.URL
}

// origin is scheme://host[:port] of o.
func (o *original) origin() string {
	h := o.host
	if strings.Contains(h, ":") {
		h = "[" + h + "]"
	}
	if o.port != "" {
		h += ":" + o.port
	}
	return o.scheme + "://" + h
}

// String is the URL the client asked for.
func (o *original) String() string { return o.origin() + o.uri.RequestURI() }

// request is the original request as guardpath.Readings reads it.
func (o *original) request() *http.Request {
	return &http.Request{Method: o.method, Host: o.host, URL: o.uri, Header: http.Header{}}
}

// errForwarded is a verify call whose forwarding headers cannot be used:
// verify answers 400 and logs why.
type errForwarded struct{ msg string }

func (e *errForwarded) Error() string { return e.msg }

func badForward(msg string) error { return &errForwarded{msg} }

// The forwarding headers verify reads. X-Original-URL is nginx's
// convention (set with proxy_set_header from $scheme://$http_host$request_uri);
// X-Forwarded-Proto, -Host, -Uri and -Method are those of Caddy's
// forward_auth and Traefik's ForwardAuth.
var forwardHeaders = []string{"X-Original-URL", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Uri", "X-Forwarded-Method", "X-Original-Method"}

// readOriginal works out the original request of the verify call r:
//
//   - suffix (Envoy's ext_authz path_prefix): the path after
//     <base>/verify and the query of r are the original path and query,
//     r.Host its host, X-Forwarded-Proto its scheme, r.Method its method;
//   - otherwise X-Original-URL and X-Forwarded-Proto/-Host/-Uri/-Method.
//
// Only a trusted peer may send any of these: a verify call from elsewhere
// with forwarding headers or a suffix is refused. When X-Original-URL and
// an X-Forwarded-* header are both present they must agree, so a client
// cannot slip one past a proxy that sets only the other. Every header must
// appear once.
func readOriginal(r *http.Request, suffix string, trusted bool, defaultScheme string) (*original, error) {
	forwarded := suffix != ""
	for _, h := range forwardHeaders {
		vs := r.Header.Values(h)
		if len(vs) > 1 || (len(vs) == 1 && strings.Contains(vs[0], ",")) {
			return nil, badForward(h + " has several values; a trusted proxy must set it once")
		}
		forwarded = forwarded || len(vs) == 1
	}
	if !forwarded {
		return nil, badForward("no X-Original-URL or X-Forwarded-Host and X-Forwarded-Uri: configure the proxy to send the URL it asks about (see the README's snippets)")
	}
	if !trusted {
		return nil, badForward("forwarding headers from an address that is not a trusted proxy: add the proxy's address to trusted_proxies")
	}
	o := &original{scheme: defaultScheme, method: http.MethodGet}
	var hostport, uri string
	if suffix != "" {
		hostport, uri, o.method = r.Host, suffix, r.Method
		if r.URL.RawQuery != "" {
			uri += "?" + r.URL.RawQuery
		}
	} else {
		hostport, uri = r.Header.Get("X-Forwarded-Host"), r.Header.Get("X-Forwarded-Uri")
		if hostport == "" {
			hostport = r.Host
		}
		if err := o.fromOriginalURL(r, &hostport, &uri); err != nil {
			return nil, err
		}
		for _, h := range []string{"X-Forwarded-Method", "X-Original-Method"} {
			if m := r.Header.Get(h); m != "" {
				o.method = strings.ToUpper(m)
			}
		}
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		if p = strings.ToLower(p); p != "http" && p != "https" {
			return nil, badForward("X-Forwarded-Proto is neither http nor https")
		}
		if r.Header.Get("X-Original-URL") != "" && o.scheme != p {
			return nil, badForward("X-Original-URL and X-Forwarded-Proto disagree")
		}
		o.scheme = p
	}
	return o, o.setTarget(hostport, uri)
}

// fromOriginalURL reads X-Original-URL into o, hostport and uri, checking
// that the X-Forwarded-Host and -Uri already there agree with it.
func (o *original) fromOriginalURL(r *http.Request, hostport, uri *string) error {
	raw := r.Header.Get("X-Original-URL")
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Fragment != "" || u.Opaque != "" {
		return badForward("X-Original-URL is not an absolute http(s) URL")
	}
	reqURI := u.RequestURI()
	if xh := r.Header.Get("X-Forwarded-Host"); xh != "" && !strings.EqualFold(xh, u.Host) {
		return badForward("X-Original-URL and X-Forwarded-Host disagree")
	}
	if xu := r.Header.Get("X-Forwarded-Uri"); xu != "" && xu != reqURI {
		return badForward("X-Original-URL and X-Forwarded-Uri disagree")
	}
	o.scheme, *hostport, *uri = u.Scheme, u.Host, reqURI
	return nil
}

// setTarget checks and sets the host and the request URI.
func (o *original) setTarget(hostport, uri string) error {
	if uri == "" {
		uri = "/"
	}
	if !strings.HasPrefix(uri, "/") {
		return badForward("the forwarded URI is not a path")
	}
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return badForward("the forwarded URI cannot be parsed")
	}
	o.uri = u
	host, port := hostport, ""
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if !validHost(host) || (port != "" && !allDigits(port)) {
		return badForward("the forwarded host is not a host name")
	}
	o.host, o.port = host, port
	return nil
}

func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	return hostPattern.MatchString(h) && !strings.HasPrefix(h, "*")
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(s) > 0 && len(s) <= 5
}

// peerTrusted reports whether the direct peer of r is in trusted.
func peerTrusted(r *http.Request, trusted []netip.Prefix) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseProxies reads trusted_proxies: CIDRs or single addresses.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, errors.New("trusted_proxies: " + s + " is neither an address nor a CIDR like 10.0.0.0/8")
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}
