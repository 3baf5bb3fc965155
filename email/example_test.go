package email_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"time"

	"github.com/authgo/authgo/email"
)

func ExampleParseSMTPURL() {
	// A provider's submission endpoint: STARTTLS required, the password
	// percent-encoded ('@' is %40).
	cfg, err := email.ParseSMTPURL("smtp://apikey:s3cr%40t@smtp.example.com?starttls=required&timeout=10s")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cfg.Host, cfg.Port, cfg.TLS, cfg.Timeout, cfg.Password)
	fmt.Println(cfg) // String hides the password

	// A development sink on this machine: plain, no password.
	dev, _ := email.ParseSMTPURL("smtp://127.0.0.1:2525")
	fmt.Println(dev.Addr(), dev.TLS)

	// Mistakes are named, and the URL (with its password) is not repeated.
	_, err = email.ParseSMTPURL("smtp://apikey:s3cr/t@smtp.example.com")
	fmt.Println(err)
	// Output:
	// smtp.example.com 587 required 10s s3cr@t
	// smtp://apikey:xxxxx@smtp.example.com:587?starttls=required&timeout=10s
	// 127.0.0.1:2525 opportunistic
	// email: invalid SMTP URL: not a URL (percent-encode '@', ':', '/' and '%' in the user name and password)
}

func ExampleNewSMTP() {
	cfg, err := email.ParseSMTPURL(os.Getenv("SMTP_URL")) // e.g. smtps://user:pass@smtp.example.com
	if err != nil {
		log.Fatal(err)
	}
	// cfg.TLSConfig = &tls.Config{RootCAs: privateCA} for a relay with a private CA.
	sender, err := email.NewSMTP(cfg)
	if err != nil {
		log.Fatal(err)
	}
	m, err := email.SignIn{Host: "example.com", URL: "https://example.com/api/auth/callback/email?token=…"}.
		Message("Example <no-reply@example.com>", "ada@example.com", email.Theme{BrandColor: "#0f766e"})
	if err != nil {
		log.Fatal(err)
	}
	if err := sender.Send(context.Background(), m); err != nil {
		// Safe to log: the step and the codes, never the link.
		slog.Error("sign-in mail not sent", "err", err)
		var se *email.SendError
		if errors.As(err, &se) && se.Temporary() {
			// Tell the user to try again later.
		}
	}
}

func ExampleMemory() {
	var mailbox email.Memory // keeps the last 100 messages
	m, err := email.SignIn{
		Host: "example.com", Code: "482913",
		URL:       "https://example.com/api/auth/callback/email?token=abc&email=ada%40example.com",
		ExpiresIn: 15 * time.Minute,
	}.Message("Example <no-reply@example.com>", "ada@example.com", email.Theme{})
	if err != nil {
		log.Fatal(err)
	}
	if err := mailbox.Send(context.Background(), m); err != nil {
		log.Fatal(err)
	}

	got, ok := mailbox.Last("Ada <ADA@example.com>")
	fmt.Println(ok, got.Seq, got.Subject)
	fmt.Print(got.Text)
	// Output:
	// true 1 Sign in to example.com
	// Sign in to example.com
	//
	// Sign in:
	// https://example.com/api/auth/callback/email?token=abc&email=ada%40example.com
	//
	// Or enter this code: 482913
	//
	// The link and the code expire in 15 minutes.
	// If you did not request this email you can safely ignore it.
}

func ExampleContent() {
	// Any automated mail uses the same layout: here, a password reset.
	c := email.Content{
		Subject: "Reset your password on example.com",
		Heading: "Reset your password on",
		Host:    "example.com",
		Intro:   []string{"Someone asked to reset the password of this account."},
		Button:  &email.Button{Label: "Choose a new password", URL: "https://example.com/reset?token=abc"},
		Notes:   []string{"If it was not you, ignore this mail: your password stays as it is."},
	}
	m, err := c.Message("no-reply@example.com", "ada@example.com", email.Theme{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(m.Text)
	// Output:
	// Reset your password on example.com
	//
	// Someone asked to reset the password of this account.
	//
	// Choose a new password:
	// https://example.com/reset?token=abc
	//
	// If it was not you, ignore this mail: your password stays as it is.
}

func ExampleSenderFunc() {
	// An HTTP mail API as a Sender.
	var api email.Sender = email.SenderFunc(func(ctx context.Context, m *email.Message) error {
		if err := m.Validate(); err != nil {
			return err
		}
		fmt.Println("POST /v1/send to", m.To, "subject", m.Subject)
		return nil
	})
	m := &email.Message{From: "no-reply@example.com", To: "ada@example.com", Subject: "Hello", Text: "Hi"}
	_ = api.Send(context.Background(), m)
	// Output:
	// POST /v1/send to ada@example.com subject Hello
}
