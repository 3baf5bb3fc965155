package serve

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/authgo/authgo"
)

// The fields an identity header can carry.
var identityFields = []string{"id", "email", "name", "role", "groups", "image"}

// identityStyles are the header sets of oauth2-proxy and Authelia.
var identityStyles = map[string][][2]string{
	"oauth2-proxy": {{"X-Auth-Request-User", "user"}, {"X-Auth-Request-Email", "email"}, {"X-Auth-Request-Groups", "groups"}, {"X-Auth-Request-Preferred-Username", "name"}},
	"authelia":     {{"Remote-User", "user"}, {"Remote-Email", "email"}, {"Remote-Groups", "groups"}, {"Remote-Name", "name"}},
}

// identity writes the identity headers of an allowed verify answer.
type identity struct {
	headers [][2]string // header name, field
	user    string      // the field the *-User headers carry
	roles   []string    // the role hierarchy, lowest first
	signed  *signer     // nil: no signed header
}

func newIdentity(f IdentityFile, roles []string, secrets []string) (*identity, error) {
	id := &identity{user: f.User, roles: roles}
	switch id.user {
	case "":
		id.user = "id"
	case "id", "email":
	default:
		return nil, fmt.Errorf("identity.user %q: use id or email", f.User)
	}
	styles := f.Styles
	if styles == nil {
		styles = []string{"oauth2-proxy", "authelia"}
	}
	for _, s := range styles {
		hs, ok := identityStyles[s]
		if !ok {
			return nil, fmt.Errorf("identity.styles: %q is unknown; use oauth2-proxy or authelia", s)
		}
		id.headers = append(id.headers, hs...)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range f.Headers {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		field := f.Headers[name]
		if !validHeaderName(name) {
			return nil, fmt.Errorf("identity.headers: %q is not a header name", name)
		}
		if !slices.Contains(identityFields, field) {
			return nil, fmt.Errorf("identity.headers.%s: %q is unknown; use one of %s", name, field, strings.Join(identityFields, ", "))
		}
		id.headers = append(id.headers, [2]string{http.CanonicalHeaderKey(name), field})
	}
	if f.Signed.Header != "" {
		if !validHeaderName(f.Signed.Header) {
			return nil, fmt.Errorf("identity.signed.header: %q is not a header name", f.Signed.Header)
		}
		s, err := newSigner(f.Signed, secrets)
		if err != nil {
			return nil, err
		}
		id.signed = s
	}
	return id, nil
}

func validHeaderName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// names returns every header identity may set, for the proxies' configs
// and for --check.
func (id *identity) names() []string {
	var out []string
	for _, h := range id.headers {
		out = append(out, h[0])
	}
	if id.signed != nil {
		out = append(out, id.signed.header)
	}
	return out
}

// set writes the identity of s (nil: signed out) on h. Every configured
// header is set, empty when there is no value, so that a proxy that
// copies the headers to the upstream request overwrites any copy the
// client sent. aud is the origin of the protected app, the signed token's
// audience.
func (id *identity) set(h http.Header, s *authgo.Session, hasRole func(*authgo.Session, string) bool, iss, aud string, now time.Time) error {
	var c claims
	if s != nil && s.User != nil {
		u := s.User
		c = claims{Subject: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Image: u.Image, Groups: id.groups(s, hasRole)}
	}
	for _, hd := range id.headers {
		h.Set(hd[0], headerSafe(c.field(hd[1], id.user)))
	}
	if id.signed == nil {
		return nil
	}
	if c.Subject == "" {
		h.Set(id.signed.header, "")
		return nil
	}
	tok, err := id.signed.sign(c, iss, aud, now)
	if err != nil {
		return err
	}
	h.Set(id.signed.header, tok)
	return nil
}

// groups are the roles the user holds: their role and every role below it
// in the hierarchy, so that an upstream that checks membership of "editor"
// lets an admin in too.
func (id *identity) groups(s *authgo.Session, hasRole func(*authgo.Session, string) bool) []string {
	if s.User.Role == "" {
		return nil
	}
	var out []string
	for _, r := range id.roles {
		if hasRole(s, r) {
			out = append(out, r)
		}
	}
	if !slices.Contains(out, s.User.Role) {
		out = append(out, s.User.Role)
	}
	return out
}

// headerSafe removes control characters, which no header may carry.
func headerSafe(v string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, v)
}

// claims are the identity claims of a verify answer.
type claims struct {
	Issuer   string   `json:"iss"`
	Audience string   `json:"aud"`
	Subject  string   `json:"sub"`
	Email    string   `json:"email,omitempty"`
	Name     string   `json:"name,omitempty"`
	Role     string   `json:"role,omitempty"`
	Groups   []string `json:"groups,omitempty"`
	Image    string   `json:"picture,omitempty"`
	IssuedAt int64    `json:"iat"`
	Expires  int64    `json:"exp"`
}

func (c claims) field(name, user string) string {
	switch name {
	case "user":
		if user == "email" {
			return c.Email
		}
		return c.Subject
	case "id":
		return c.Subject
	case "email":
		return c.Email
	case "name":
		return c.Name
	case "role":
		return c.Role
	case "groups":
		return strings.Join(c.Groups, ",")
	case "image":
		return c.Image
	}
	return ""
}

// signer makes the signed identity header: a compact JWS of the claims,
// valid for ttl, whose keys /.well-known/jwks.json publishes.
type signer struct {
	header string
	ttl    time.Duration
	sig    jose.Signer
	jwks   []byte // the JSON Web Key Set of every verification key
}

// identityKeyInfo is the HKDF info of the identity signing key derived
// from a secret: a key no other use of the secret derives.
const identityKeyInfo = "authgo serve signed identity header Ed25519 key"

func newSigner(f SignedFile, secrets []string) (*signer, error) {
	s := &signer{header: http.CanonicalHeaderKey(f.Header), ttl: f.TTL.D()}
	if s.ttl == 0 {
		s.ttl = time.Minute
	}
	if s.ttl < 0 || s.ttl > time.Hour {
		return nil, errors.New("identity.signed.ttl: use a short lifetime between 1s and 1h (default 60s)")
	}
	var keys []jose.JSONWebKey
	if f.KeyFile != "" {
		k, err := readKeyFile(f.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("identity.signed.key_file: %w", err)
		}
		keys = append(keys, k)
	} else {
		// Every secret gives a key, the first signs: after a rotation the
		// upstream still accepts headers signed by instances not yet
		// restarted.
		for _, sec := range secrets {
			seed, err := hkdf.Key(sha256.New, []byte(sec), nil, identityKeyInfo, ed25519.SeedSize)
			if err != nil {
				return nil, err
			}
			keys = append(keys, jwk(ed25519.NewKeyFromSeed(seed), jose.EdDSA))
		}
	}
	if len(keys) == 0 {
		return nil, errors.New("identity.signed: no key (set AUTH_SECRET or key_file)")
	}
	sig, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(keys[0].Algorithm), Key: keys[0]}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("identity.signed: %w", err)
	}
	s.sig = sig
	var set jose.JSONWebKeySet
	for _, k := range keys {
		set.Keys = append(set.Keys, k.Public())
	}
	if s.jwks, err = json.Marshal(set); err != nil {
		return nil, err
	}
	return s, nil
}

// jwk wraps a private key with its algorithm and a key id, the RFC 7638
// thumbprint of its public key.
func jwk(key crypto.Signer, alg jose.SignatureAlgorithm) jose.JSONWebKey {
	k := jose.JSONWebKey{Key: key, Algorithm: string(alg), Use: "sig"}
	pub := k.Public()
	if tp, err := pub.Thumbprint(crypto.SHA256); err == nil {
		k.KeyID = fmt.Sprintf("%x", tp[:8])
	}
	return k
}

// readKeyFile reads a PEM PKCS#8 private key: Ed25519 (EdDSA), P-256
// (ES256) or RSA of 2048 bits or more (RS256).
func readKeyFile(path string) (jose.JSONWebKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return jose.JSONWebKey{}, err
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return jose.JSONWebKey{}, errors.New("not a PEM \"PRIVATE KEY\" (PKCS#8); make one with openssl genpkey -algorithm ed25519")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return jose.JSONWebKey{}, err
	}
	switch k := k.(type) {
	case ed25519.PrivateKey:
		return jwk(k, jose.EdDSA), nil
	case *ecdsa.PrivateKey:
		if k.Curve != elliptic.P256() {
			return jose.JSONWebKey{}, errors.New("an ECDSA key must be on P-256 (ES256)")
		}
		return jwk(k, jose.ES256), nil
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return jose.JSONWebKey{}, errors.New("an RSA key must have at least 2048 bits")
		}
		return jwk(k, jose.RS256), nil
	}
	return jose.JSONWebKey{}, fmt.Errorf("a %T key is not supported; use Ed25519, P-256 or RSA", k)
}

// sign returns the compact JWS of c for audience aud, issued by iss.
func (s *signer) sign(c claims, iss, aud string, now time.Time) (string, error) {
	c.Issuer, c.Audience = iss, aud
	c.IssuedAt, c.Expires = now.Unix(), now.Add(s.ttl).Unix()
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	jws, err := s.sig.Sign(payload)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}

// serveJWKS answers GET /.well-known/jwks.json.
func (s *signer) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/jwk-set+json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(s.jwks)
}
