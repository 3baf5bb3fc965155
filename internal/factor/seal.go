// Package factor holds the second factor's secrets at rest: the sealing of
// TOTP secrets under keys derived from the auth secrets, and backup codes
// (generated, normalised, hashed). The TOTP arithmetic itself is the mfa
// module's (github.com/pquerna/otp); the flows are the root package's.
package factor

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
)

// Keys are the keys derived from the auth secrets, newest (the one that
// seals) first.
type Keys struct {
	seal []cipher.AEAD
	ids  []string
	mac  [][]byte
}

// ErrSealed is returned for a sealed value that no key opens or that is
// malformed.
var ErrSealed = errors.New("factor: sealed value cannot be opened")

const sealPrefix = "v1."

// NewKeys derives the sealing and hashing keys of every secret, first one
// first (it seals new values; all open). HKDF-SHA256 (RFC 5869) with
// authgo's own info strings keeps these keys apart from the session
// cookie's.
func NewKeys(secrets []string) (*Keys, error) {
	if len(secrets) == 0 {
		return nil, errors.New("factor: no secret")
	}
	k := &Keys{}
	for _, s := range secrets {
		ek, err := hkdf.Key(sha256.New, []byte(s), nil, "authgo second factor: secret sealing", 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(ek)
		if err != nil {
			return nil, err
		}
		gcm, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		mk, err := hkdf.Key(sha256.New, []byte(s), nil, "authgo second factor: backup code hashing", 32)
		if err != nil {
			return nil, err
		}
		id := sha256.Sum256(ek)
		k.seal = append(k.seal, gcm)
		k.ids = append(k.ids, base64.RawURLEncoding.EncodeToString(id[:6]))
		k.mac = append(k.mac, mk)
	}
	return k, nil
}

// Seal encrypts plain with the newest key (AES-256-GCM, a random nonce,
// the user id as associated data so a sealed value cannot be moved to
// another user's record): "v1.<key id>.<base64url nonce|ciphertext>".
func (k *Keys) Seal(userID, plain string) string {
	g := k.seal[0]
	nonce := make([]byte, g.NonceSize(), g.NonceSize()+len(plain)+g.Overhead())
	_, _ = rand.Read(nonce)
	out := g.Seal(nonce, nonce, []byte(plain), []byte(userID))
	return sealPrefix + k.ids[0] + "." + base64.RawURLEncoding.EncodeToString(out)
}

// Open decrypts a value Seal made for userID with any of the keys. stale
// is true when it was sealed by an older key: the caller should seal it
// again, so that the older secret can be retired.
func (k *Keys) Open(userID, sealed string) (plain string, stale bool, err error) {
	rest, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return "", false, ErrSealed
	}
	id, data, ok := strings.Cut(rest, ".")
	if !ok {
		return "", false, ErrSealed
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil {
		return "", false, ErrSealed
	}
	for i, g := range k.seal {
		if k.ids[i] != id || len(raw) < g.NonceSize()+g.Overhead() {
			continue
		}
		p, err := g.Open(nil, raw[:g.NonceSize()], raw[g.NonceSize():], []byte(userID))
		if err == nil {
			return string(p), i > 0, nil
		}
	}
	return "", false, ErrSealed
}

// hash is the keyed hash of a normalised backup code under key i, base64url.
func (k *Keys) hash(i int, code string) string {
	m := hmac.New(sha256.New, k.mac[i])
	m.Write([]byte(code))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// equal compares two hashes in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
