package passkey_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// softKey is a software authenticator's credential: a P-256 key, its id
// and the user handle it was made for. It makes the responses a browser
// would send (WebAuthn Level 3 §6.1 authenticator data, §8.7 "none"
// attestation, §6.3.3 assertion signatures), so the ceremony tests can
// forge any part of them. Chromium's virtual authenticator covers the real
// browser in e2e/passkey.
type softKey struct {
	id      []byte
	key     *ecdsa.PrivateKey
	handle  []byte
	counter uint32
	flags   byte // extra flags: backup eligible (0x08), backed up (0x10)
}

const (
	flagUP = 0x01
	flagUV = 0x04
	flagBE = 0x08
	flagBS = 0x10
	flagAT = 0x40
)

var b64 = base64.RawURLEncoding

func newSoftKey(t testing.TB) *softKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softKey{id: id, key: k}
}

// ceremonyOptions are the members of the options the tests read.
type ceremonyOptions struct {
	Challenge string `json:"challenge"`
	RP        struct {
		ID string `json:"id"`
	} `json:"rp"`
	RPID string `json:"rpId"`
	User struct {
		ID string `json:"id"`
	} `json:"user"`
}

// clientData is the collected client data of a ceremony (§5.8.1).
type clientData struct {
	Type        string `json:"type"`
	Challenge   string `json:"challenge"`
	Origin      string `json:"origin"`
	CrossOrigin bool   `json:"crossOrigin"`
}

// authData is the authenticator data: rpIdHash, flags, counter and, for a
// registration, the attested credential data.
func (s *softKey) authData(rpID string, attested bool) []byte {
	h := sha256.Sum256([]byte(rpID))
	flags := byte(flagUP|flagUV) | s.flags
	if attested {
		flags |= flagAT
	}
	out := append(h[:], flags)
	out = binary.BigEndian.AppendUint32(out, s.counter)
	if attested {
		out = append(out, make([]byte, 16)...) // AAGUID: zeros, as "none" gives
		out = binary.BigEndian.AppendUint16(out, uint16(len(s.id)))
		out = append(out, s.id...)
		pub, _ := s.key.PublicKey.Bytes() // 0x04 || X || Y
		x, y := pub[1:33], pub[33:65]
		cose, _ := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
		out = append(out, cose...)
	}
	return out
}

// create answers registration options as navigator.credentials.create
// would, with the client data cd (its challenge from the options unless
// set). edit, when not nil, changes the client data JSON after it is made
// (a tampered response).
func (s *softKey) create(t testing.TB, optionsJSON []byte, origin string, edit func(*clientData)) string {
	var o ceremonyOptions
	if err := json.Unmarshal(optionsJSON, &o); err != nil {
		t.Fatal(err)
	}
	if h, err := b64.DecodeString(o.User.ID); err == nil {
		s.handle = h
	}
	cd := clientData{Type: "webauthn.create", Challenge: o.Challenge, Origin: origin}
	if edit != nil {
		edit(&cd)
	}
	cdj, _ := json.Marshal(cd)
	rpID := o.RP.ID
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": s.authData(rpID, true)})
	if err != nil {
		t.Fatal(err)
	}
	resp := map[string]any{
		"id": b64.EncodeToString(s.id), "rawId": b64.EncodeToString(s.id), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON": b64.EncodeToString(cdj), "attestationObject": b64.EncodeToString(att),
			"transports": []string{"internal", "hybrid"},
		},
		"clientExtensionResults": map[string]any{}, "authenticatorAttachment": "platform",
	}
	b, _ := json.Marshal(resp)
	return string(b)
}

// assertion is what get answers; its parts can be changed before it is
// sent.
type assertion struct {
	rpID    string
	cd      clientData
	handle  []byte
	tamper  func(cdj []byte) []byte // changes the client data after signing
	counter *uint32                 // a counter to send instead of the next
}

// get answers authentication options as navigator.credentials.get would.
func (s *softKey) get(t testing.TB, optionsJSON []byte, origin string, edit func(*assertion)) string {
	var o ceremonyOptions
	if err := json.Unmarshal(optionsJSON, &o); err != nil {
		t.Fatal(err)
	}
	s.counter++
	a := assertion{rpID: o.RPID, cd: clientData{Type: "webauthn.get", Challenge: o.Challenge, Origin: origin}, handle: s.handle}
	if edit != nil {
		edit(&a)
	}
	if a.counter != nil {
		s.counter = *a.counter
	}
	ad := s.authData(a.rpID, false)
	cdj, _ := json.Marshal(a.cd)
	h := sha256.Sum256(cdj)
	digest := sha256.Sum256(append(append([]byte{}, ad...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, s.key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	if a.tamper != nil {
		cdj = a.tamper(cdj)
	}
	resp := map[string]any{
		"id": b64.EncodeToString(s.id), "rawId": b64.EncodeToString(s.id), "type": "public-key",
		"response": map[string]any{
			"clientDataJSON": b64.EncodeToString(cdj), "authenticatorData": b64.EncodeToString(ad),
			"signature": b64.EncodeToString(sig), "userHandle": b64.EncodeToString(a.handle),
		},
		"clientExtensionResults": map[string]any{}, "authenticatorAttachment": "platform",
	}
	b, _ := json.Marshal(resp)
	return string(b)
}
