package serve

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"

	"github.com/authgo/authgo"
)

// policy is what a rule asks of a request.
type policy int

const (
	policyPublic   policy = iota // no session needed
	policySignedIn               // any signed-in user
	policyRoles                  // a user with one of the rule's roles (or higher)
	policyDeny                   // nobody
)

var policyNames = map[string]policy{"public": policyPublic, "signed_in": policySignedIn, "deny": policyDeny}

func (p policy) String() string {
	switch p {
	case policyPublic:
		return "public"
	case policySignedIn:
		return "signed_in"
	case policyRoles:
		return "roles"
	}
	return "deny"
}

// rule is a compiled access rule.
type rule struct {
	n        int    // 1-based position, 0 for the default
	host     string // lower case, no port; "" any host; for a wildcard the suffix ".example.com"
	wildcard bool
	port     string // "" any port
	path     []string
	rawPath  string
	policy   policy
	roles    []string
}

func (r *rule) String() string {
	if r.n == 0 {
		return "the default (" + r.policy.String() + ")"
	}
	host := r.host
	switch {
	case r.wildcard:
		host = "*" + r.host
	case host == "":
		host = "any host"
	}
	if r.port != "" {
		host += ":" + r.port
	}
	return fmt.Sprintf("rule %d (%s, path %s)", r.n, host, r.rawPath)
}

// rules are the compiled access rules: the first that matches decides,
// else def.
type rules struct {
	list []*rule
	def  *rule
}

var hostPattern = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$`)

// compileRules checks and compiles the rules of a; roles is the role
// hierarchy. A rule that an earlier one covers (same or wider host, a path
// prefix of its path) can never match and is an error.
func compileRules(a AccessFile, roles []string) (*rules, error) {
	rs := &rules{def: &rule{policy: policySignedIn}}
	switch {
	case a.Default != "":
		p, ok := policyNames[a.Default]
		if !ok {
			return nil, fmt.Errorf("access.default %q: use deny, signed_in or public", a.Default)
		}
		rs.def.policy = p
	case len(a.Rules) > 0:
		rs.def.policy = policyDeny
	}
	for i, f := range a.Rules {
		r, err := compileRule(i+1, f, roles)
		if err != nil {
			return nil, err
		}
		for _, earlier := range rs.list {
			if earlier.covers(r) {
				return nil, fmt.Errorf("access.rules: %s can never match: %s comes first and matches every request it would (first match wins; put the narrower rule first)", r, earlier)
			}
		}
		rs.list = append(rs.list, r)
	}
	return rs, nil
}

func compileRule(n int, f RuleFile, roles []string) (*rule, error) {
	r := &rule{n: n, rawPath: f.Path}
	where := fmt.Sprintf("access.rules[%d]", n)
	if err := r.setHost(f.Host); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if r.rawPath == "" {
		r.rawPath = "/"
	}
	if !strings.HasPrefix(r.rawPath, "/") || strings.ContainsAny(r.rawPath, "?#%\\ *") {
		return nil, fmt.Errorf("%s: path %q is not a plain path prefix like /admin (no query, escapes, spaces or wildcards)", where, f.Path)
	}
	for s := range strings.SplitSeq(r.rawPath, "/") {
		switch s {
		case "":
		case ".", "..":
			return nil, fmt.Errorf("%s: path %q has a dot segment; write the path it means", where, f.Path)
		default:
			r.path = append(r.path, s)
		}
	}
	switch {
	case f.Allow != "" && len(f.Roles) > 0:
		return nil, fmt.Errorf("%s: set allow or roles, not both (roles lets those roles in; allow: %s says otherwise)", where, f.Allow)
	case len(f.Roles) > 0:
		r.policy, r.roles = policyRoles, f.Roles
		for _, role := range f.Roles {
			if !slices.Contains(roles, role) {
				return nil, fmt.Errorf("%s: role %q is not in access.roles (%s); a user can never have it", where, role, strings.Join(roles, ", "))
			}
		}
	case f.Allow == "":
		r.policy = policySignedIn
	default:
		p, ok := policyNames[f.Allow]
		if !ok {
			return nil, fmt.Errorf("%s: allow %q: use public, signed_in or deny (or roles: [...])", where, f.Allow)
		}
		r.policy = p
	}
	return r, nil
}

// setHost reads a rule's host: app.example.com, app.example.com:8443 or
// *.example.com.
func (r *rule) setHost(h string) error {
	if h == "" {
		return nil
	}
	host := strings.ToLower(h)
	if strings.Contains(host, "://") || strings.Contains(host, "/") {
		return fmt.Errorf("host %q: write the host name alone, like app.example.com", h)
	}
	if hh, port, err := net.SplitHostPort(host); err == nil {
		host, r.port = hh, port
	}
	if !hostPattern.MatchString(host) {
		return fmt.Errorf("host %q is not a host name like app.example.com or *.example.com", h)
	}
	if r.wildcard = strings.HasPrefix(host, "*."); r.wildcard {
		host = host[1:] // ".example.com"
	}
	r.host = host
	return nil
}

// matchesHost reports whether host (lower case, port split off) and port
// fall under r.
func (r *rule) matchesHost(host, port string) bool {
	if r.port != "" && r.port != port {
		return false
	}
	switch {
	case r.host == "":
		return true
	case r.wildcard:
		return strings.HasSuffix(host, r.host) && len(host) > len(r.host)
	}
	return host == r.host
}

// matchesPath reports whether segs is r's path or below it; fold compares
// without regard to case.
func (r *rule) matchesPath(segs []string, fold bool) bool {
	if len(segs) < len(r.path) {
		return false
	}
	for i, p := range r.path {
		if p != segs[i] && (!fold || !strings.EqualFold(p, segs[i])) {
			return false
		}
	}
	return true
}

// covers reports whether r matches every request that later matches: no
// narrower host, and a path prefix of later's.
func (r *rule) covers(later *rule) bool {
	if r.port != "" && r.port != later.port {
		return false
	}
	switch {
	case r.host == "":
	case later.host == "":
		return false
	case r.wildcard:
		if !strings.HasSuffix(later.host, r.host) || (!later.wildcard && len(later.host) == len(r.host)) {
			return false
		}
	case later.wildcard || r.host != later.host:
		return false
	}
	return r.matchesPath(later.path, false)
}

// match returns the rule that decides a request to host:port whose path
// reads segs.
func (rs *rules) match(host, port string, segs []string, fold bool) *rule {
	for _, r := range rs.list {
		if r.matchesHost(host, port) && r.matchesPath(segs, fold) {
			return r
		}
	}
	return rs.def
}

// verdict is a decision of verify, worst last.
type verdict int

const (
	allow verdict = iota
	signIn
	forbid
)

// decide applies the rules to a request to host:port with the path
// readings paths (guardpath.Readings), for session s. A request passes
// only when every reading, compared with and without regard to case,
// passes the rule it matches: a router that reads the path another way, or
// an upstream that ignores case, cannot route around a rule. It returns
// the verdict and the rule that gave it.
func (rs *rules) decide(host, port string, paths [][]string, s *authgo.Session, hasRole func(*authgo.Session, string) bool) (verdict, *rule) {
	worst, by := allow, rs.def
	for _, segs := range paths {
		for _, fold := range []bool{false, true} {
			r := rs.match(host, port, segs, fold)
			if v := r.apply(s, hasRole); v > worst || by == rs.def && v == worst {
				worst, by = v, r
			}
		}
	}
	return worst, by
}

// apply is the verdict of r for session s.
func (r *rule) apply(s *authgo.Session, hasRole func(*authgo.Session, string) bool) verdict {
	switch r.policy {
	case policyPublic:
		return allow
	case policyDeny:
		return forbid
	}
	if s == nil || s.User == nil {
		return signIn
	}
	if r.policy == policySignedIn {
		return allow
	}
	for _, role := range r.roles {
		if hasRole(s, role) {
			return allow
		}
	}
	return forbid
}
