package serve

import (
	"fmt"
	"io"
	"strings"
)

// Describe writes what the server runs, for --check: where it listens,
// its stores (passwords hidden), sessions, providers, rules and headers.
// It writes no secret.
func (s *Server) Describe(w io.Writer, addr string) {
	c := s.cfg
	base := s.auth.BasePath()
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("authgo serve: the configuration is valid.")
	p("listen      %s", addr)
	url := c.url
	if url == "" {
		url = "(none: the origin comes from X-Forwarded-Host/Host, AUTH_TRUST_HOST)"
	}
	p("url         %s", url)
	p("endpoints   %s/* (Auth.js), %s/verify (forward-auth), /healthz, /readyz, /metrics", base, base)
	if s.verifier.identity.signed != nil {
		p("jwks        /.well-known/jwks.json")
	}
	switch kind, _ := databaseKind(c.database); kind {
	case "":
		p("database    none")
	default:
		p("database    %s %s (from %s)", kind, redactURL(c.database), c.databaseSrc)
	}
	if c.redis == "" {
		p("redis       none: rate limits in memory, per instance; revocation in the database, if any")
	} else {
		p("redis       %s (from %s): rate limits, revocation", redactURL(c.redis), c.redisSrc)
	}
	p("sessions    %s", c.strategy)
	var ids []string
	for _, pr := range c.providers {
		ids = append(ids, pr.ID()+" ("+pr.Type()+")")
	}
	if len(ids) == 0 {
		ids = []string{"none: nobody can sign in (add users with password_hash, AUTH_<PROVIDER>_ID/SECRET, or email)"}
	}
	p("providers   %s", strings.Join(ids, ", "))
	if sf := c.file.SecondFactor; sf.Enabled {
		who := "for users who enrol"
		switch {
		case sf.RequiredForAll:
			who = "required for every user"
		case len(sf.RequiredRoles) > 0:
			who = "required for " + strings.Join(sf.RequiredRoles, ", ") + " (and higher roles)"
		}
		p("2nd factor  authenticator app (TOTP), backup codes, trusted devices; %s", who)
	}
	p("users       %d in the config file", len(c.users))
	p("roles       %s (lowest first)", strings.Join(c.roles, " < "))
	var trusted []string
	for _, t := range c.trusted {
		trusted = append(trusted, t.String())
	}
	p("trusted     %s", strings.Join(trusted, ", "))
	p("rules       first match wins")
	for _, r := range s.verifier.rules.list {
		what := r.policy.String()
		if r.policy == policyRoles {
			what = "roles " + strings.Join(r.roles, ", ")
		}
		p("  %-40s %s", r.String(), what)
	}
	p("  %-40s", s.verifier.rules.def.String())
	p("headers     %s", strings.Join(s.verifier.identity.names(), ", "))
}
