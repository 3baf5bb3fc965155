// Package jwt reads and writes Auth.js (NextAuth.js v5) session tokens.
//
// A session token is a JWE in compact serialization with key management
// "dir" and content encryption A256CBC-HS512. Its key is derived from the
// application's secret with HKDF-SHA-256, using the cookie name as the salt,
// so a Go service holding the same AUTH_SECRET can read the cookie a Next.js
// app set, and write one the Next.js app accepts:
//
//	codec, err := jwt.NewCodec([]string{os.Getenv("AUTH_SECRET")})
//	...
//	var claims jwt.Claims
//	err = codec.DecodeInto(cookieValue, jwt.DefaultSalt, &claims)
//
// Over https the cookie, and therefore the salt, is
// "__Secure-authjs.session-token"; a salt that does not match the cookie the
// token came from fails with ErrNoMatchingSecret or ErrDecryption.
//
// Several secrets may be given for rotation: the first encrypts, and every
// one decrypts, chosen by the token's "kid" header. A Codec caches the keys it
// derives and is safe for concurrent use.
package jwt

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// DefaultSalt is the salt of a session token set over http: the name of the
// Auth.js session cookie. Over https it is "__Secure-" + DefaultSalt.
const DefaultSalt = "authjs.session-token"

// DefaultMaxAge is the lifetime Encode gives a token when maxAge is zero:
// 30 days, the Auth.js default for both the token and the session.
const DefaultMaxAge = 30 * 24 * time.Hour

// ClockTolerance is the leeway allowed when checking exp and nbf, as in
// Auth.js: a token is expired when exp <= now-15s and not yet valid when
// nbf > now+15s.
const ClockTolerance = 15 * time.Second

// MaxTokenSize is the length in bytes above which a token is refused before
// any work is done. Browsers cap a cookie near 4 KB and Auth.js chunks a
// session over several cookies; 64 KiB leaves room for sixteen chunks.
const MaxTokenSize = 64 << 10

// Errors returned by the decoding methods, possibly wrapped; compare with
// errors.Is. None of them carries the token or a secret.
var (
	// ErrMalformed reports a token that is not a well-formed JWE with a
	// JSON object payload and numeric time claims, or is too large.
	ErrMalformed = errors.New("jwt: malformed token")
	// ErrUnsupported reports a token whose header names an algorithm other
	// than dir with A256CBC-HS512 or A256GCM, or a feature (zip, crit) that
	// Auth.js tokens never use.
	ErrUnsupported = errors.New("jwt: unsupported token algorithm")
	// ErrNoMatchingSecret reports a token whose kid matches none of the
	// codec's secrets for the given salt.
	ErrNoMatchingSecret = errors.New("jwt: no matching decryption secret")
	// ErrDecryption reports a token that failed authentication: a wrong key,
	// or a modified header, IV, ciphertext or tag. Which check failed is not
	// told.
	ErrDecryption = errors.New("jwt: decryption failed")
	// ErrExpired reports a token whose exp is at least ClockTolerance past.
	ErrExpired = errors.New("jwt: token expired")
	// ErrNotYetValid reports a token whose nbf is more than ClockTolerance
	// ahead.
	ErrNotYetValid = errors.New("jwt: token not yet valid")
)

// Claims holds the claims of a default Auth.js session token: the user's
// name, email, picture and id (sub) set at sign-in, and the iat, exp and jti
// set by encode. Applications that add claims in their jwt callback decode
// into their own struct or a map instead.
type Claims struct {
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Picture   string `json:"picture,omitempty"`
	Subject   string `json:"sub,omitempty"`
	IssuedAt  int64  `json:"iat,omitempty"`
	ExpiresAt int64  `json:"exp,omitempty"`
	ID        string `json:"jti,omitempty"`
}

// Option configures a Codec.
type Option func(*Codec)

// WithClock makes the codec read the current time from now instead of
// time.Now, for iat and exp on encode and the claim checks on decode.
func WithClock(now func() time.Time) Option {
	return func(c *Codec) { c.now = now }
}

// b64 is the base64url alphabet without padding, strict about trailing bits
// so every segment has one encoding. It is never modified.
var b64 = base64.RawURLEncoding.Strict()

// Codec encodes and decodes Auth.js session tokens with a list of secrets.
// It is safe for concurrent use.
type Codec struct {
	secrets []string
	now     func() time.Time
	keys    keyCache
	bufs    sync.Pool // of *[]byte scratch buffers
	encs    sync.Pool // of *encodeState
}

// NewCodec returns a codec for the given secrets, in Auth.js order: the
// first encrypts new tokens and all of them decrypt. Each secret is used as
// UTF-8 bytes, as Auth.js does (AUTH_SECRET is not base64-decoded). It fails
// when there is no secret or one is empty. The clock is time.Now unless
// WithClock is given.
func NewCodec(secrets []string, opts ...Option) (*Codec, error) {
	if len(secrets) == 0 {
		return nil, errors.New("jwt: no secret given")
	}
	for i, s := range secrets {
		if s == "" {
			return nil, fmt.Errorf("jwt: secret %d is empty", i)
		}
	}
	c := &Codec{secrets: append([]string(nil), secrets...), now: time.Now}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

func (c *Codec) getBuf(n int) *[]byte {
	p, _ := c.bufs.Get().(*[]byte)
	if p == nil {
		b := make([]byte, 0, max(n, 1024))
		p = &b
	}
	if cap(*p) < n {
		*p = make([]byte, 0, n)
	}
	return p
}

// putBuf clears the used part of a buffer (it held a plaintext payload) and
// returns it to the pool.
func (c *Codec) putBuf(p *[]byte) {
	clear(*p)
	*p = (*p)[:0]
	c.bufs.Put(p)
}

// Decode decrypts token, made for salt (the cookie name), checks its time
// claims and returns its payload as a map, numbers as float64. Errors wrap
// one of the package's sentinel errors.
func (c *Codec) Decode(token, salt string) (map[string]any, error) {
	var m map[string]any
	if err := c.DecodeInto(token, salt, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// DecodeInto decrypts token, made for salt (the cookie name), checks its
// time claims and unmarshals its payload into dst, a pointer to a struct or
// map, with encoding/json (or dst's own ReadPayload: see PayloadReader).
// Errors wrap one of the package's sentinel errors,
// except a dst that cannot hold the payload, reported as encoding/json does.
//
// The key follows Auth.js: a token with a kid uses the secret whose key has
// that thumbprint (ErrNoMatchingSecret if none); a token without one uses
// the first secret only.
func (c *Codec) DecodeInto(token, salt string, dst any) error {
	return c.decode(token, salt, (*Codec).authjsKeys, dst)
}

// DecodeV4 decrypts a NextAuth.js v4 session token (dir, A256GCM, no kid;
// key by HKDF-SHA-256 with an empty salt, info "NextAuth.js Generated
// Encryption Key", 32 bytes), checks its time claims and unmarshals its
// payload into dst. v4 tokens carry no kid, so each secret is tried in order
// until one authenticates the token. It lets an application upgraded from
// v4 keep its users signed in.
func (c *Codec) DecodeV4(token string, dst any) error {
	return c.decode(token, "", (*Codec).nextAuthV4Keys, dst)
}

// decode opens token with the keys kind chooses and reads its payload into
// dst. The buffer the token is decoded into is released here, once, on
// every path.
func (c *Codec) decode(token, salt string, kind tokenKind, dst any) error {
	bp := c.getBuf(0)
	defer c.putBuf(bp)
	pt, err := c.open(bp, token, salt, kind)
	if err != nil {
		return err
	}
	if cl, ok := dst.(*Claims); ok && cl != nil {
		if done, err := c.decodeClaims(pt, cl); done {
			return err
		}
	}
	if err := c.checkClaims(pt); err != nil {
		return err
	}
	if pr, ok := dst.(PayloadReader); ok {
		return payloadError(pr.ReadPayload(pt))
	}
	return payloadError(json.Unmarshal(pt, dst))
}

// PayloadReader is implemented by claims that read a decrypted payload
// themselves, in one pass: the decoding methods call ReadPayload instead
// of json.Unmarshal, which scans the whole payload to validate it before
// it calls an UnmarshalJSON method. ReadPayload must refuse whatever
// json.Unmarshal refuses (a payload is authenticated, but anyone holding
// the secret may have written it), and must not keep payload, which is
// cleared when the call returns.
type PayloadReader interface {
	ReadPayload(payload []byte) error
}

// decodeClaims reads the default claims in one pass when the payload is in
// Claims' fast path, checks exp and nbf, and sets *cl only if they pass.
// done is false when the payload needs the general path.
func (c *Codec) decodeClaims(pt []byte, cl *Claims) (done bool, err error) {
	tmp, tc := *cl, timeClaims{}
	if !tmp.fastDecode(pt, &tc) {
		return false, nil
	}
	if err := c.checkTimes(tc); err != nil {
		return true, err
	}
	*cl = tmp
	return true, nil
}

// payloadError is the error of reading a payload into the caller's
// claims: ErrMalformed unless the claims cannot hold the payload (an
// encoding/json type error, reported as it is).
func payloadError(err error) error {
	if err == nil {
		return nil
	}
	var ute *json.UnmarshalTypeError
	var iue *json.InvalidUnmarshalError
	if errors.As(err, &ute) || errors.As(err, &iue) {
		return fmt.Errorf("jwt: %w", err)
	}
	return fmt.Errorf("%w: payload is not valid JSON", ErrMalformed)
}

// checkClaims applies jose's checks: a JSON object payload, numeric iat,
// nbf and exp, exp <= now-tolerance expired, nbf > now+tolerance not valid.
func (c *Codec) checkClaims(pt []byte) error {
	tc, err := readTimeClaims(pt)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return c.checkTimes(tc)
}

// checkTimes applies the exp and nbf checks to claims already read.
func (c *Codec) checkTimes(tc timeClaims) error {
	if tc.present&(claimExp|claimNbf) == 0 {
		return nil
	}
	now := c.now().Unix()
	tol := int64(ClockTolerance / time.Second)
	if tc.present&claimNbf != 0 && tc.nbf > float64(now+tol) {
		return ErrNotYetValid
	}
	if tc.present&claimExp != 0 && tc.exp <= float64(now-tol) {
		return ErrExpired
	}
	return nil
}
