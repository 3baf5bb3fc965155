package jwt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// Content encryption algorithms (RFC 7518 §5.1) that Auth.js uses.
const (
	// EncA256CBCHS512 is AES-256-CBC with HMAC-SHA-512 (RFC 7518 §5.2.5),
	// the algorithm Auth.js v5 encrypts session tokens with.
	EncA256CBCHS512 = "A256CBC-HS512"
	// EncA256GCM is AES-256-GCM (RFC 7518 §5.3). Auth.js accepts it on
	// decode; NextAuth v4 encrypted with it.
	EncA256GCM = "A256GCM"
)

// infoPrefix is the HKDF info string Auth.js v5 uses; the salt follows in
// parentheses.
const infoPrefix = "Auth.js Generated Encryption Key"

// v4Info is the HKDF info string of NextAuth v4 session tokens (empty salt).
const v4Info = "NextAuth.js Generated Encryption Key"

// keyLength returns the key size in bytes that enc needs.
func keyLength(enc string) (int, error) {
	switch enc {
	case EncA256CBCHS512:
		return 64, nil
	case EncA256GCM:
		return 32, nil
	}
	return 0, fmt.Errorf("%w: content encryption %q", ErrUnsupported, enc)
}

// DeriveKey returns the encryption key Auth.js derives from secret for
// tokens stored under salt (the cookie name) and encrypted with enc:
// HKDF-SHA-256 with the UTF-8 secret as input key material, the salt as
// salt, "Auth.js Generated Encryption Key (<salt>)" as info, and 64 bytes
// for A256CBC-HS512 or 32 bytes for A256GCM. Any other enc is
// ErrUnsupported. An empty secret is an error.
func DeriveKey(secret, salt string, enc string) ([]byte, error) {
	n, err := keyLength(enc)
	if err != nil {
		return nil, err
	}
	if secret == "" {
		return nil, errors.New("jwt: empty secret")
	}
	return hkdf.Key(sha256.New, []byte(secret), []byte(salt), infoPrefix+" ("+salt+")", n)
}

// deriveV4Key returns the NextAuth v4 session key: HKDF-SHA-256 with an
// empty salt, info "NextAuth.js Generated Encryption Key", 32 bytes.
func deriveV4Key(secret string) ([]byte, error) {
	if secret == "" {
		return nil, errors.New("jwt: empty secret")
	}
	return hkdf.Key(sha256.New, []byte(secret), nil, v4Info, 32)
}

// KeyID returns the "kid" Auth.js puts in a token header for key: the
// RFC 7638 thumbprint of the JWK {"kty":"oct","k":<base64url key>},
// base64url-encoded. The hash follows the key size as in Auth.js: SHA-512
// for a 64-byte key, SHA-384 for 48 bytes, SHA-256 otherwise (Auth.js only
// ever uses 32- and 64-byte keys).
func KeyID(key []byte) string {
	// RFC 7638 §3.2: required members only, sorted, no whitespace. For an
	// octet key that is exactly k then kty.
	k := base64.RawURLEncoding.EncodeToString(key)
	jwk := []byte(`{"k":"` + k + `","kty":"oct"}`)
	var sum []byte
	switch len(key) {
	case 64:
		s := sha512.Sum512(jwk)
		sum = s[:]
	case 48:
		s := sha512.Sum384(jwk)
		sum = s[:]
	default:
		s := sha256.Sum256(jwk)
		sum = s[:]
	}
	return base64.RawURLEncoding.EncodeToString(sum)
}

// key is one derived key with everything a call needs prepared once: the
// cipher, the kid, and the exact protected-header segment Auth.js (and
// Encode) writes for it, so a decode of a token in the usual form can
// recognise its key by one string compare instead of parsing the header.
type key struct {
	enc    string
	kid    string
	header string // base64url of {"alg":"dir","enc":...,"kid":...}
	block  cipher.Block
	aead   cipher.AEAD // A256GCM only
	mac    *tagger     // A256CBC-HS512 only
	decs   sync.Pool   // of cipher.BlockMode, CBC decrypters re-armed with SetIV
	encs   sync.Pool   // of cipher.BlockMode, CBC encrypters re-armed with SetIV
}

// ivSetter is implemented by the standard library's CBC modes. Re-arming a
// pooled mode saves copying the whole AES key schedule (about 500 bytes) into
// a new one on every call.
type ivSetter interface{ SetIV([]byte) }

// cryptCBC encrypts or decrypts b in place with AES-CBC from iv, with a
// mode from pool (k.encs or k.decs) re-armed with iv, or a new one from
// newMode (cipher.NewCBCEncrypter or cipher.NewCBCDecrypter).
func (k *key) cryptCBC(pool *sync.Pool, iv, b []byte, newMode func(cipher.Block, []byte) cipher.BlockMode) {
	var m cipher.BlockMode
	if pm, ok := pool.Get().(cipher.BlockMode); ok {
		m = pm
		m.(ivSetter).SetIV(iv) // only re-armable modes are put back
	} else {
		m = newMode(k.block, iv)
	}
	m.CryptBlocks(b, b)
	if _, ok := m.(ivSetter); ok {
		pool.Put(m)
	}
}

func newKey(raw []byte, enc string) (*key, error) {
	k := &key{enc: enc, kid: KeyID(raw)}
	k.header = base64.RawURLEncoding.EncodeToString(
		[]byte(`{"alg":"dir","enc":"` + enc + `","kid":"` + k.kid + `"}`))
	switch enc {
	case EncA256CBCHS512:
		// RFC 7518 §5.2.2.1: MAC_KEY is the first half, ENC_KEY the second.
		b, err := aes.NewCipher(raw[32:])
		if err != nil {
			return nil, err
		}
		k.block = b
		if k.mac, err = newTagger(raw[:32], k.header); err != nil {
			return nil, err
		}
	case EncA256GCM:
		b, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		g, err := cipher.NewGCM(b)
		if err != nil {
			return nil, err
		}
		k.block, k.aead = b, g
	default:
		return nil, fmt.Errorf("%w: content encryption %q", ErrUnsupported, enc)
	}
	return k, nil
}

// keySet holds the derived key of every secret for one salt and enc, in the
// codec's secret order (the first encrypts).
type keySet struct {
	ck   cacheKey
	keys []*key
}

// indexKid returns the index of the key whose thumbprint is kid, or -1.
func (s *keySet) indexKid(kid string) int {
	for i, k := range s.keys {
		if k.kid == kid {
			return i
		}
	}
	return -1
}

// indexHeader returns the index of the key whose canonical header segment
// is seg, or -1.
func (s *keySet) indexHeader(seg string) int {
	for i, k := range s.keys {
		if k.header == seg {
			return i
		}
	}
	return -1
}

type cacheKey struct {
	salt, enc string
	v4        bool
}

// maxCachedSets bounds the key cache. Salts come from the application (cookie
// names), not from clients, so a handful is normal; past the bound keys are
// derived per call rather than letting a misuse grow memory without limit.
const maxCachedSets = 256

// keyCache maps (salt, enc) to derived keys. Readers load an immutable map
// through an atomic pointer, so the hot path takes no lock; writers copy the
// map under a mutex. The set found last is kept beside the map and checked
// first: an application reads one cookie name almost always, and comparing
// its key is cheaper than hashing it.
type keyCache struct {
	m    atomic.Pointer[map[cacheKey]*keySet]
	last atomic.Pointer[keySet]
	mu   sync.Mutex
}

// get returns the key set for ck, deriving and caching it on first use.
func (c *keyCache) get(secrets []string, ck cacheKey) (*keySet, error) {
	if s := c.last.Load(); s != nil && s.ck == ck {
		return s, nil
	}
	if m := c.m.Load(); m != nil {
		if s, ok := (*m)[ck]; ok {
			c.last.Store(s)
			return s, nil
		}
	}
	return c.derive(secrets, ck)
}

// derive derives the key set for ck under the lock and caches it.
func (c *keyCache) derive(secrets []string, ck cacheKey) (*keySet, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	if old != nil {
		if s, ok := (*old)[ck]; ok {
			return s, nil
		}
	}
	s := &keySet{ck: ck, keys: make([]*key, 0, len(secrets))}
	for _, secret := range secrets {
		var raw []byte
		var err error
		if ck.v4 {
			raw, err = deriveV4Key(secret)
		} else {
			raw, err = DeriveKey(secret, ck.salt, ck.enc)
		}
		if err != nil {
			return nil, err
		}
		k, err := newKey(raw, ck.enc)
		clear(raw)
		if err != nil {
			return nil, err
		}
		s.keys = append(s.keys, k)
	}
	if old != nil && len(*old) >= maxCachedSets {
		return s, nil
	}
	n := make(map[cacheKey]*keySet, 1+lenMap(old))
	if old != nil {
		for k, v := range *old {
			n[k] = v
		}
	}
	n[ck] = s
	c.m.Store(&n)
	c.last.Store(s)
	return s, nil
}

func lenMap(m *map[cacheKey]*keySet) int {
	if m == nil {
		return 0
	}
	return len(*m)
}
