package jwt_test

import (
	"fmt"
	"time"

	"github.com/authgo/authgo/jwt"
)

// A Go service reads the session cookie a Next.js app with Auth.js set,
// holding the same AUTH_SECRET.
func ExampleCodec_DecodeInto() {
	codec, err := jwt.NewCodec([]string{"the value of AUTH_SECRET"})
	if err != nil {
		panic(err)
	}
	// Stands in for the value of the authjs.session-token cookie.
	cookieValue, _ := codec.Encode(jwt.Claims{Name: "Ada Lovelace", Subject: "user-1"}, jwt.DefaultSalt, time.Hour)

	var claims jwt.Claims
	if err := codec.DecodeInto(cookieValue, jwt.DefaultSalt, &claims); err != nil {
		fmt.Println("not signed in:", err)
		return
	}
	fmt.Println(claims.Subject, claims.Name)
	// Output: user-1 Ada Lovelace
}

// Rotating the secret: the new one encrypts, the old one still decrypts
// tokens issued before the change.
func ExampleNewCodec_rotation() {
	old, _ := jwt.NewCodec([]string{"old secret"})
	token, _ := old.Encode(map[string]any{"sub": "user-1"}, jwt.DefaultSalt, 0)

	rotated, _ := jwt.NewCodec([]string{"new secret", "old secret"})
	claims, err := rotated.Decode(token, jwt.DefaultSalt)
	fmt.Println(claims["sub"], err)
	// Output: user-1 <nil>
}
