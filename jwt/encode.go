package jwt

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/authgo/authgo/internal/uuid"
	"slices"
	"time"
)

// Encoding a token: the claims appended to a pooled buffer, iat, exp and
// jti set, the plaintext padded, encrypted and authenticated in place.

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
	pt, err := appendClaims(st.pt[:0], st.obj, iat, exp, uuid.Append(jti[:0], (*[16]byte)(st.rnd[16:32])))
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
