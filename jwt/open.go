package jwt

import (
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
)

// Opening a token: split it into segments, choose the key or keys its kind
// and header allow, then authenticate and decrypt by its content
// encryption. The claims are checked by the caller (decode).
//
// The JWE is opened with the standard library's AES, CBC, GCM and SHA-512
// rather than go-jose: go-jose's generic path (parse into maps, decode every
// segment into fresh slices, a new cipher and HMAC per call) allocates many
// times more than this, and a session decode runs on every request with a
// budget of twice the raw AES-CBC + HMAC-SHA-512 cost. Here keys, ciphers
// and HMAC states are prepared once per secret, and every segment is decoded
// into one pooled buffer.

// A tokenKind chooses, from a token's protected header segment and the
// salt, the keys that may open it: all that differs between the kinds of
// token a Codec reads, an Auth.js v5 token (Codec.authjsKeys) and a
// NextAuth.js v4 one (Codec.nextAuthV4Keys).
type tokenKind func(c *Codec, hdr, salt string) (keyChoice, error)

// keyChoice is the keys a token may be opened with, all of one content
// encryption, tried in order.
type keyChoice struct {
	keys []*key
	// canonical reports a header segment that is byte for byte the one
	// written for keys[0], whose MAC state after it is saved.
	canonical bool
}

// authjsKeys chooses the key of an Auth.js token as Auth.js does: the key
// whose thumbprint is the kid, or the first secret's key when there is no
// kid. A header that is byte for byte the one Encode and Auth.js write is
// matched to its key without parsing.
func (c *Codec) authjsKeys(hdr, salt string) (keyChoice, error) {
	ks, err := c.keys.get(c.secrets, cacheKey{salt: salt, enc: EncA256CBCHS512})
	if err != nil {
		return keyChoice{}, err
	}
	if i := ks.indexHeader(hdr); i >= 0 {
		return keyChoice{keys: ks.keys[i : i+1], canonical: true}, nil
	}
	h, err := parseHeader(hdr)
	if err != nil {
		return keyChoice{}, err
	}
	if h.enc != EncA256CBCHS512 {
		if ks, err = c.keys.get(c.secrets, cacheKey{salt: salt, enc: h.enc}); err != nil {
			return keyChoice{}, err
		}
	}
	if !h.hasKid {
		return keyChoice{keys: ks.keys[:1]}, nil // as Auth.js: no kid, first secret only
	}
	i := ks.indexKid(h.kid)
	if i < 0 {
		return keyChoice{}, ErrNoMatchingSecret
	}
	return keyChoice{keys: ks.keys[i : i+1]}, nil
}

// nextAuthV4Keys chooses the keys of a NextAuth.js v4 token: A256GCM only,
// and, as v4 tokens carry no kid, every secret's key in order. The salt is
// unused (v4 keys have none).
func (c *Codec) nextAuthV4Keys(hdr, _ string) (keyChoice, error) {
	h, err := parseHeader(hdr)
	if err != nil {
		return keyChoice{}, err
	}
	if h.enc != EncA256GCM {
		return keyChoice{}, fmt.Errorf("%w: enc %q in a v4 token", ErrUnsupported, h.enc)
	}
	ks, err := c.keys.get(c.secrets, cacheKey{enc: EncA256GCM, v4: true})
	if err != nil {
		return keyChoice{}, err
	}
	return keyChoice{keys: ks.keys}, nil
}

// open authenticates and decrypts token and returns the plaintext, which
// lives in the buffer *bp: the caller releases it, on error too.
func (c *Codec) open(bp *[]byte, token, salt string, kind tokenKind) ([]byte, error) {
	t, err := split(token)
	if err != nil {
		return nil, err
	}
	kc, err := kind(c, t.hdr, salt)
	if err != nil {
		return nil, err
	}
	if kc.keys[0].enc == EncA256GCM {
		return t.openGCM(bp, kc.keys)
	}
	return t.openCBC(bp, kc.keys[0], kc.canonical)
}

// jwe is a compact JWE split into its segments, still base64url. The
// encrypted key is empty: key management is dir.
type jwe struct {
	hdr, iv, ct, tag string
}

// split splits a compact JWE into its five segments without allocating.
func split(token string) (jwe, error) {
	if len(token) > MaxTokenSize {
		return jwe{}, fmt.Errorf("%w: token longer than %d bytes", ErrMalformed, MaxTokenSize)
	}
	var p [4]string
	for i := range p {
		j := strings.IndexByte(token, '.')
		if j < 0 {
			return jwe{}, fmt.Errorf("%w: not a compact JWE of five segments", ErrMalformed)
		}
		p[i], token = token[:j], token[j+1:]
	}
	// A fifth dot would sit in the tag, which then fails its length or
	// base64 check; no need to scan for it here.
	if p[1] != "" {
		return jwe{}, fmt.Errorf("%w: dir token with an encrypted key", ErrMalformed)
	}
	return jwe{hdr: p[0], iv: p[2], ct: p[3], tag: token}, nil
}

// ctLen checks the segment lengths for an IV of ivLen bytes and a tag of
// tagLen bytes and returns the ciphertext's decoded length.
func (t *jwe) ctLen(ivLen, tagLen int) (int, error) {
	n := b64DecodedLen(len(t.ct))
	if n < 0 || len(t.iv) != b64.EncodedLen(ivLen) || len(t.tag) != b64.EncodedLen(tagLen) {
		return 0, fmt.Errorf("%w: bad IV, ciphertext or tag length", ErrMalformed)
	}
	return n, nil
}

// decode decodes the IV, ciphertext and tag into slices of their decoded
// lengths.
func (t *jwe) decode(iv, ct, tag []byte) error {
	switch {
	case !b64Decode(iv, t.iv):
		return fmt.Errorf("%w: IV is not base64url", ErrMalformed)
	case !b64Decode(ct, t.ct):
		return fmt.Errorf("%w: ciphertext is not base64url", ErrMalformed)
	case !b64Decode(tag, t.tag):
		return fmt.Errorf("%w: tag is not base64url", ErrMalformed)
	}
	return nil
}

// grow sets *bp to n bytes, allocating a larger array when it has less
// room, and returns it.
func grow(bp *[]byte, n int) []byte {
	if cap(*bp) < n {
		*bp = make([]byte, n)
	}
	*bp = (*bp)[:n]
	return *bp
}

// openCBC authenticates and decrypts an A256CBC-HS512 token with k
// (RFC 7518 §5.2.2.2): the tag is checked before anything is decrypted.
func (t *jwe) openCBC(bp *[]byte, k *key, canonical bool) ([]byte, error) {
	n, err := t.ctLen(16, 32)
	if err != nil {
		return nil, err
	}
	if n == 0 || n%16 != 0 {
		return nil, fmt.Errorf("%w: ciphertext is not whole AES blocks", ErrMalformed)
	}
	// IV | CT | AL | tag | room for the MAC sum | AAD: IV || CT || AL, the
	// MAC's input after the AAD, lies in one piece. The AAD, the header
	// segment, is copied only when it is hashed: a canonical one has its
	// hash state saved.
	const ivLen, alLen, tagLen, sumLen = 16, 8, 32, 64
	ctEnd := ivLen + n
	tagEnd := ctEnd + alLen + tagLen
	w := grow(bp, tagEnd+sumLen+len(t.hdr))
	iv, ct, al, tag := w[:ivLen], w[ivLen:ctEnd], w[ctEnd:ctEnd+alLen], w[ctEnd+alLen:tagEnd]
	room := w[tagEnd:tagEnd]
	var aad []byte
	if !canonical {
		aad = append(w[tagEnd+sumLen:tagEnd+sumLen], t.hdr...)
	}
	if err := t.decode(iv, ct, tag); err != nil {
		return nil, err
	}
	binary.BigEndian.PutUint64(al, uint64(len(t.hdr))*8)
	sum := k.mac.tag(room, aad, canonical, w[:ctEnd+alLen], nil, nil)
	if subtle.ConstantTimeCompare(sum[:32], tag) != 1 {
		return nil, ErrDecryption
	}
	k.cryptCBC(&k.decs, iv, ct, cipher.NewCBCDecrypter)
	p, ok := unpad(ct)
	if !ok {
		// Unreachable without the MAC key; reported exactly as a bad tag.
		return nil, ErrDecryption
	}
	return ct[:p], nil
}

// openGCM authenticates and decrypts an A256GCM token with the first of
// keys that authenticates it.
func (t *jwe) openGCM(bp *[]byte, keys []*key) ([]byte, error) {
	n, err := t.ctLen(12, 16)
	if err != nil {
		return nil, err
	}
	// AAD | IV | CT | tag | plaintext: the plaintext goes beside the
	// ciphertext, which a failed Open would clear for the next key.
	buf := grow(bp, len(t.hdr)+12+n+16+n)
	aad := append(buf[:0], t.hdr...)
	w := buf[len(aad):]
	iv, ct, tag := w[:12], w[12:12+n], w[12+n:28+n]
	if err := t.decode(iv, ct, tag); err != nil {
		return nil, err
	}
	sealed, out := w[12:28+n], w[28+n:28+n] // ciphertext || tag
	for _, k := range keys {
		if pt, err := k.aead.Open(out, iv, sealed, aad); err == nil {
			return pt, nil
		}
	}
	return nil, ErrDecryption
}

// unpad checks PKCS#7 padding over the last block in constant time and
// returns the unpadded length.
func unpad(b []byte) (int, bool) {
	last := b[len(b)-16:]
	p := int(last[15])
	good := subtle.ConstantTimeLessOrEq(1, p) & subtle.ConstantTimeLessOrEq(p, 16)
	for d := range 16 {
		// The byte d places from the end is padding when d < p, and then
		// must equal p.
		inPad := subtle.ConstantTimeLessOrEq(d+1, p)
		good &= subtle.ConstantTimeSelect(inPad, subtle.ConstantTimeByteEq(last[15-d], byte(p)), 1)
	}
	return len(b) - p, good == 1
}

// header holds the protected header members Auth.js tokens use.
type header struct {
	alg, enc, kid string
	hasKid        bool
}

// maxHeaderLen bounds the encoded protected header; an Auth.js header is
// about 150 characters.
const maxHeaderLen = 2048

// parseHeader decodes and checks a protected header segment. It is the slow
// path: a token whose header is byte for byte the one Encode and Auth.js
// write is matched to its key without parsing.
func parseHeader(seg string) (header, error) {
	var h header
	if len(seg) > maxHeaderLen {
		return h, fmt.Errorf("%w: header too large", ErrMalformed)
	}
	raw, err := b64.DecodeString(seg)
	if err != nil {
		return h, fmt.Errorf("%w: header is not base64url", ErrMalformed)
	}
	// A map, not a struct: encoding/json matches struct fields without
	// regard to case, and "ALG" is not "alg".
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return h, fmt.Errorf("%w: header is not a JSON object", ErrMalformed)
	}
	if ok, err := headerString(m, "alg", &h.alg); err != nil || !ok {
		return h, fmt.Errorf("%w: header has no alg", ErrMalformed)
	}
	if ok, err := headerString(m, "enc", &h.enc); err != nil || !ok {
		return h, fmt.Errorf("%w: header has no enc", ErrMalformed)
	}
	if h.hasKid, err = headerString(m, "kid", &h.kid); err != nil {
		return h, err
	}
	return h, h.supported(m)
}

// headerString reads the string member name of a header into dst and
// reports whether it was there.
func headerString(m map[string]json.RawMessage, name string, dst *string) (bool, error) {
	v, ok := m[name]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(v, dst); err != nil || string(v) == "null" {
		return true, fmt.Errorf("%w: header %s is not a string", ErrMalformed, name)
	}
	return true, nil
}

// supported refuses what Auth.js tokens never use: another alg than dir,
// another enc than the two Auth.js reads, compression, critical parameters.
func (h *header) supported(m map[string]json.RawMessage) error {
	if h.alg != "dir" {
		return fmt.Errorf("%w: alg %q", ErrUnsupported, h.alg)
	}
	if h.enc != EncA256CBCHS512 && h.enc != EncA256GCM {
		return fmt.Errorf("%w: enc %q", ErrUnsupported, h.enc)
	}
	if _, ok := m["zip"]; ok {
		return fmt.Errorf("%w: compressed payload", ErrUnsupported)
	}
	if _, ok := m["crit"]; ok {
		return fmt.Errorf("%w: critical header parameters", ErrUnsupported)
	}
	return nil
}
