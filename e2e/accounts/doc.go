// Package accounts tests authgo's password accounts end to end: every flow
// over HTTP, its mail through a real SMTP server (go-smtp, in process), on
// SQLite, PostgreSQL and MySQL/MariaDB.
package accounts
