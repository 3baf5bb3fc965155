// Package authgo is authentication for Go web applications with the scope of
// Auth.js (NextAuth.js v5), and wire-compatible with it.
package authgo
