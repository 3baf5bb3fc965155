// Package email holds the tests of authgo's SMTP sender (the email package)
// against a real SMTP server: github.com/emersion/go-smtp run in process,
// plain, with STARTTLS and with implicit TLS, with and without AUTH, and
// servers that refuse, stall or are gone. They live in the e2e module so
// that go-smtp stays out of the main module's graph.
package email
