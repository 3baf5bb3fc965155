package providers

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/authgo/authgo"
	"github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
)

// Apple returns the Sign in with Apple provider (OpenID Connect, issuer
// https://appleid.apple.com) with Apple's quirks: response_mode=form_post,
// the checks nonce and state (as Auth.js), scopes name and email, and a
// client secret that is an ES256 JWT signed with the .p8 key of
// Options.TeamID and Options.KeyID (made here, renewed before it expires).
// Options.ClientID is the Services ID. Apple sends the user's name only at
// the first sign-in, in the user form field; it is read into the profile
// then. Without PrivateKey, ClientSecret is used as the pre-made JWT.
func Apple(o Options) *OAuth {
	return oidcPreset("apple", "Apple", "https://appleid.apple.com", o, func(c *OAuthConfig) {
		c.Scopes = []string{"name", "email"}
		c.Checks = []string{CheckNonce, CheckState}
		c.FormPost = true
		c.ClientAuth = ClientSecretPost
		if len(o.PrivateKey) > 0 {
			s := &appleSecret{teamID: o.TeamID, keyID: o.KeyID, clientID: o.ClientID, pem: o.PrivateKey, now: time.Now}
			c.ClientSecretFunc = s.get
		}
		c.CallbackProfile = func(params url.Values, profile map[string]any) {
			raw := params.Get("user")
			if raw == "" || len(raw) > 4096 {
				return
			}
			var u map[string]any
			if json.Unmarshal([]byte(raw), &u) == nil {
				profile["user"] = u
			}
		}
		c.Profile = func(p map[string]any, _ TokenSet) (authgo.User, error) {
			n := Obj(Obj(p, "user"), "name")
			name := strings.TrimSpace(Str(n, "firstName") + " " + Str(n, "lastName"))
			return authgo.User{ID: Str(p, "sub"), Name: name, Email: Str(p, "email")}, nil
		}
	})
}

// appleSecret makes Apple's client secret: a JWT with iss = team id,
// sub = client id, aud = https://appleid.apple.com, signed ES256 with the
// key's id in kid. It is cached and renewed an hour before it expires.
type appleSecret struct {
	teamID, keyID, clientID string
	pem                     []byte
	now                     func() time.Time

	mu     sync.Mutex
	secret string
	until  time.Time
}

// appleSecretLifetime is how long a client secret lives; Apple allows up
// to six months.
const appleSecretLifetime = 24 * time.Hour

func (s *appleSecret) get(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if s.secret != "" && now.Before(s.until) {
		return s.secret, nil
	}
	secret, err := AppleClientSecret(s.pem, s.teamID, s.keyID, s.clientID, now, appleSecretLifetime)
	if err != nil {
		return "", err
	}
	s.secret, s.until = secret, now.Add(appleSecretLifetime-time.Hour)
	return secret, nil
}

// AppleClientSecret returns a Sign in with Apple client secret made with
// the .p8 private key keyPEM: an ES256 JWT valid from now for lifetime.
func AppleClientSecret(keyPEM []byte, teamID, keyID, clientID string, now time.Time, lifetime time.Duration) (string, error) {
	if teamID == "" || keyID == "" || clientID == "" {
		return "", errors.New("apple: the client secret needs TeamID, KeyID and ClientID")
	}
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return "", errors.New("apple: the private key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return "", errors.New("apple: the private key is not a PKCS #8 key")
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return "", errors.New("apple: the private key is not an EC key")
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: ec}, (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", keyID))
	if err != nil {
		return "", err
	}
	claims := josejwt.Claims{
		Issuer:   teamID,
		Subject:  clientID,
		Audience: josejwt.Audience{"https://appleid.apple.com"},
		IssuedAt: josejwt.NewNumericDate(now),
		Expiry:   josejwt.NewNumericDate(now.Add(lifetime)),
	}
	return josejwt.Signed(signer).Claims(claims).Serialize()
}
