// Package mfa is the authenticator-app engine of authgo's second factor:
// TOTP codes (RFC 6238) on github.com/pquerna/otp, and their QR codes as
// PNG images drawn on the server (pquerna/otp's barcode library; no
// external service sees the secret).
//
// It is a module of its own, so that an app without a second factor does
// not download pquerna/otp and the QR code library. Give TOTP to
// authgo.Config.TwoFactor:
//
//	auth, err := authgo.New(authgo.Config{
//		Adapter:   store, // one that implements adapter.SecondFactorStore
//		TwoFactor: authgo.TwoFactorConfig{TOTP: mfa.TOTP{}},
//	})
//
// The flows — the challenge after every first factor, enrolment, backup
// codes, trusted devices, step-up — are authgo's (TwoFactorConfig).
package mfa

import (
	"bytes"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP makes and checks codes as authenticator apps do by default: 6
// digits, 30-second steps, HMAC-SHA1 (the parameters every app reads from
// an otpauth URI; others are ignored by some apps), 20-byte secrets, and
// one step of clock skew each way. Its zero value is ready to use.
type TOTP struct {
	// QRSize is the width and height of the QR code image in pixels.
	// Default 200.
	QRSize int
}

const (
	period = 30
	digits = otp.DigitsSix
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Key returns the otpauth URI of secret (base32) for issuer and account;
// an empty secret is replaced by 20 random bytes.
func (t TOTP) Key(issuer, account, secret string) (string, string, error) {
	opts := totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: period, Digits: digits, Algorithm: otp.AlgorithmSHA1, SecretSize: 20}
	if secret != "" {
		raw, err := b32.DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
		if err != nil || len(raw) == 0 {
			return "", "", errors.New("mfa: the secret is not base32")
		}
		opts.Secret = raw
	}
	key, err := totp.Generate(opts)
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// QRCode returns the QR code of uri as a PNG image.
func (t TOTP) QRCode(uri string) ([]byte, error) {
	key, err := otp.NewKeyFromURL(uri)
	if err != nil {
		return nil, err
	}
	size := t.QRSize
	if size <= 0 {
		size = 200
	}
	img, err := key.Image(size, size)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Verify reports whether code is secret's code for the time step of at or
// the step before or after it (RFC 6238 §5.2), and the step it matched,
// so that the caller can refuse a step used already. Each candidate is
// compared in constant time.
func (t TOTP) Verify(secret, code string, at time.Time) (int64, bool) {
	if len(code) != int(digits) {
		return 0, false
	}
	opts := totp.ValidateOpts{Period: period, Digits: digits, Algorithm: otp.AlgorithmSHA1}
	now := at.Unix() / period
	found, step := false, int64(0)
	for _, s := range []int64{now - 1, now, now + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*period, 0), opts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !found {
			found, step = true, s
		}
	}
	return step, found
}
