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
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// PayloadAppender is implemented by claims that write their own JSON
// object. Encode appends it to a pooled buffer instead of calling
// json.Marshal, which would check and copy what a MarshalJSON method
// returns; a session token is re-encoded on every request. AppendPayload
// must append exactly one valid JSON object (its iat, exp and jti are
// replaced, as for any claims).
type PayloadAppender interface {
	AppendPayload(dst []byte) ([]byte, error)
}

// encodeState is the scratch of one Encode, pooled: the claims object, the
// padded plaintext (encrypted in place, with room for the tag after it),
// the token being built and the random bytes.
type encodeState struct {
	obj, pt, out []byte
	rnd          [16 + 16 + 8]byte // IV, jti, AL
}

// Encode returns a token for claims, which must marshal (encoding/json) to
// a JSON object: a struct, a map, or json.RawMessage; nil counts as an empty
// object; a PayloadAppender writes its own. As Auth.js does, it sets iat to
// now, exp to now+maxAge and jti to a new random UUID, replacing any iat,
// exp or jti in claims, and encrypts with the first secret's key for salt
// (the cookie name, usually DefaultSalt). A maxAge of zero means
// DefaultMaxAge; a negative one is an error.
func (c *Codec) Encode(claims any, salt string, maxAge time.Duration) (string, error) {
	if maxAge < 0 {
		return "", errors.New("jwt: negative maxAge")
	}
	if maxAge == 0 {
		maxAge = DefaultMaxAge
	}
	ks, err := c.keys.get(c.secrets, cacheKey{salt: salt, enc: EncA256CBCHS512})
	if err != nil {
		return "", err
	}
	st, _ := c.encs.Get().(*encodeState)
	if st == nil {
		st = &encodeState{}
	}
	defer c.putEncodeState(st)
	if st.obj, err = appendObject(st.obj[:0], claims); err != nil {
		return "", err
	}
	if _, err := rand.Read(st.rnd[:32]); err != nil {
		return "", err
	}
	iat := c.now().Unix()
	exp := iat + int64(maxAge/time.Second)
	var jti [36]byte
	pt, err := appendClaims(st.pt[:0], st.obj, iat, exp, appendUUID(jti[:0], st.rnd[16:32]))
	if err != nil {
		return "", fmt.Errorf("jwt: claims are not a JSON object: %w", err)
	}
	// PKCS#7 padding to the AES block size.
	pad := 16 - len(pt)%16
	for range pad {
		pt = append(pt, byte(pad))
	}
	pt = slices.Grow(pt, 64) // the MAC's scratch after the ciphertext
	st.pt = pt
	out := c.seal(st.out[:0], ks.keys[0], st.rnd[:16], pt, st.rnd[32:40])
	st.out = out
	return string(out), nil
}

// seal encrypts pt in place with k and iv and appends the compact token
// to dst: header, empty key, IV, ciphertext and tag (RFC 7516 §7.1). al
// is 8 bytes of scratch.
func (c *Codec) seal(dst []byte, k *key, iv, pt, al []byte) []byte {
	hdr := k.header
	enc := b64
	dst = slices.Grow(dst, len(hdr)+2+enc.EncodedLen(16)+1+enc.EncodedLen(len(pt))+1+enc.EncodedLen(32))
	dst = append(dst, hdr...)
	dst = append(dst, '.', '.')
	dst = enc.AppendEncode(dst, iv)
	dst = append(dst, '.')
	k.cryptCBC(&k.encs, iv, pt, cipher.NewCBCEncrypter)
	dst = enc.AppendEncode(dst, pt)
	dst = append(dst, '.')
	// RFC 7518 §5.2.2.1: tag = first half of HMAC(AAD || IV || CT || AL).
	binary.BigEndian.PutUint64(al, uint64(len(hdr))*8)
	sum := k.mac.tag(pt[len(pt):], dst[:len(hdr)], true, iv, pt, al) // scratch after the ciphertext
	return enc.AppendEncode(dst, sum[:32])
}

// putEncodeState clears the plaintext parts of st (claims) and pools it.
func (c *Codec) putEncodeState(st *encodeState) {
	clear(st.obj[:cap(st.obj)])
	clear(st.pt[:cap(st.pt)])
	if cap(st.out) > 64<<10 || cap(st.pt) > 64<<10 {
		return // a rare huge token: let it go rather than pin it
	}
	c.encs.Put(st)
}

// appendObject appends the JSON of claims: through AppendPayload, or
// encoding/json; nil appends nothing.
func appendObject(dst []byte, claims any) ([]byte, error) {
	switch cl := claims.(type) {
	case nil:
		return dst, nil
	case PayloadAppender:
		b, err := cl.AppendPayload(dst)
		if err != nil {
			return dst, fmt.Errorf("jwt: encoding claims: %w", err)
		}
		return b, nil
	}
	b, err := json.Marshal(claims)
	if err != nil {
		return dst, fmt.Errorf("jwt: encoding claims: %w", err)
	}
	return append(dst, b...), nil
}

// appendUUID appends the random (version 4) UUID of the 16 bytes r, in its
// text form (RFC 9562 §5.4), setting the version and variant bits of r.
// It is written here, not with github.com/google/uuid, so the jti of a
// token re-encoded on every request costs no allocation.
func appendUUID(dst, r []byte) []byte {
	r[6] = r[6]&0x0f | 0x40
	r[8] = r[8]&0x3f | 0x80
	for i, g := range [5]int{4, 2, 2, 2, 6} {
		if i > 0 {
			dst = append(dst, '-')
		}
		dst = hex.AppendEncode(dst, r[:g])
		r = r[g:]
	}
	return dst
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
