package serve

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// The signed identity header verifies with the JWKS the server publishes,
// names the protected app as audience and expires within the TTL.
func TestSignedIdentityHeader(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), Identity: IdentityFile{Signed: SignedFile{Header: "X-Authgo-Identity", TTL: Duration(30 * time.Second)}}}, nil)
	c := browser()
	fx.signIn(c, "admin@example.com", "/")
	resp := fx.verify(fx.cookies(c), "https://app.test:8443/x", nil)
	tok := resp.Header.Get("X-Authgo-Identity")
	if resp.StatusCode != 200 || tok == "" {
		t.Fatalf("%d, header %q", resp.StatusCode, tok)
	}
	jwks := fetchJWKS(t, fx.url("/.well-known/jwks.json"))
	got := verifyJWS(t, tok, jwks)
	if got.Subject != "admin@example.com" || got.Audience != "https://app.test:8443" || got.Issuer != fx.http.URL || got.Role != "admin" ||
		len(got.Groups) != 3 || got.Expires-got.IssuedAt != 30 || time.Unix(got.Expires, 0).Before(time.Now()) {
		t.Fatalf("claims %+v", got)
	}
	// Signed out on a public path: the header is present and empty.
	fx2 := newFixture(t, &File{Access: AccessFile{Default: "public"}, Identity: IdentityFile{Signed: SignedFile{Header: "X-Authgo-Identity"}}}, nil)
	if r := fx2.verify("", "https://app.test/", map[string]string{"X-Authgo-Identity": "forged"}); r.StatusCode != 200 || r.Header.Get("X-Authgo-Identity") != "" {
		t.Fatalf("signed out: %d %q", r.StatusCode, r.Header.Get("X-Authgo-Identity"))
	}
	// Two instances with the same secret publish the same key: an upstream
	// behind a load balancer verifies headers of any of them.
	if string(fetchRaw(t, fx2.url("/.well-known/jwks.json"))) != string(fetchRaw(t, fx.url("/.well-known/jwks.json"))) {
		t.Fatal("instances with one secret publish different keys")
	}
}

// A key file (here P-256, ES256) replaces the derived key.
func TestSignedIdentityKeyFile(t *testing.T) {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	path := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	fx := newFixture(t, &File{Users: testUsers(), Identity: IdentityFile{Signed: SignedFile{Header: "X-Id", KeyFile: path}}}, nil)
	c := browser()
	fx.signIn(c, "viewer@example.com", "/")
	tok := fx.verify(fx.cookies(c), "https://app.test/", nil).Header.Get("X-Id")
	jwks := fetchJWKS(t, fx.url("/.well-known/jwks.json"))
	if len(jwks.Keys) != 1 || jwks.Keys[0].Algorithm != "ES256" {
		t.Fatalf("jwks %+v", jwks)
	}
	if got := verifyJWS(t, tok, jwks); got.Subject != "viewer@example.com" {
		t.Fatalf("claims %+v", got)
	}
}

func fetchRaw(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&b); err != nil {
		t.Fatal(err)
	}
	return b
}

func fetchJWKS(t *testing.T, u string) jose.JSONWebKeySet {
	t.Helper()
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(fetchRaw(t, u), &set); err != nil {
		t.Fatal(err)
	}
	for _, k := range set.Keys {
		if !k.IsPublic() {
			t.Fatal("the JWKS holds a private key")
		}
	}
	return set
}

// verifyJWS checks tok with the key of set its kid names, as an upstream
// would, and returns its claims.
func verifyJWS(t *testing.T, tok string, set jose.JSONWebKeySet) claims {
	t.Helper()
	jws, err := jose.ParseSigned(tok, []jose.SignatureAlgorithm{jose.EdDSA, jose.ES256, jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	keys := set.Key(jws.Signatures[0].Header.KeyID)
	if len(keys) != 1 {
		t.Fatalf("no key %q in the JWKS", jws.Signatures[0].Header.KeyID)
	}
	payload, err := jws.Verify(keys[0])
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	return c
}
