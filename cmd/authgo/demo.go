package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/authgo/authgo/cmd/authgo/internal/demo"
)

// runDemo is `authgo demo`: the example app of internal/demo, served until
// SIGINT or SIGTERM, then shut down gracefully.
func runDemo(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return demo.Run(ctx, args, stdout, stderr, os.LookupEnv)
}
