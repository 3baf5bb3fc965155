// Command authgo is the authgo command-line tool: it makes secrets, encodes
// and decodes Auth.js-compatible session tokens for debugging a cookie, and
// runs the demo app.
//
// Usage:
//
//	authgo secret                 print a new random secret for AUTH_SECRET
//	authgo token encode [flags]   read a JSON object on stdin, print a session token
//	authgo token decode [flags]   read a token or a Cookie header on stdin, print its payload
//	authgo demo [flags]           run the demo app on an embedded SQLite file
//	authgo serve [flags]          run the standalone auth server with forward-auth
//	authgo migrate status|plan|up inspect, review and apply the SQL schema's migrations
//	authgo version                print the version and VCS revision (also --version)
//	authgo help [command]         print this help, or a command's
//
// Help asked for (-h, --help, authgo help) goes to stdout with exit status
// 0; a usage mistake prints what is wrong and the usage to stderr with
// exit status 2.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/authgo/authgo/cmd/authgo/internal/cli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usageText = `authgo: authentication for Go web apps, wire-compatible with Auth.js.

Usage:
  authgo secret                 print a new random secret for AUTH_SECRET
  authgo token encode [flags]   read a JSON object on stdin, print a session token
  authgo token decode [flags]   read a token or a Cookie header on stdin, print its payload
  authgo demo [flags]           run the demo app on an embedded SQLite file
  authgo serve [flags]          run the standalone auth server with forward-auth
  authgo migrate status|plan|up inspect, review and apply the SQL schema's migrations
  authgo version                print the version and VCS revision (also --version)
  authgo help [command]         print this help, or a command's

Token flags:
  --secret S    a secret; repeat for rotation (the first encrypts). Default:
                AUTH_SECRET (comma-separated list allowed), preceded by
                AUTH_SECRET_3, _2, _1 when set, in Auth.js's order
  --salt NAME   the session cookie name (default authjs.session-token; over
                https __Secure-authjs.session-token)
  --max-age N   lifetime in seconds (encode; default 2592000, 30 days)

Run "authgo <command> -h" for a command's flags.
`

// run is the whole program: it dispatches args to a subcommand and returns
// the exit status, 0 on success, 1 when the command failed, 2 for a usage
// error.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return 2
	}
	switch args[0] {
	case "secret":
		return runSecret(args[1:], stdout, stderr)
	case "token":
		return runToken(args[1:], stdin, stdout, stderr)
	case "serve":
		return runServe(args[1:], stdin, stdout, stderr)
	case "demo":
		return runDemo(args[1:], stdout, stderr)
	case "migrate":
		return runMigrate(args[1:], stdout, stderr, os.Getenv)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, version())
		return 0
	}
	if cli.IsHelp(args[0]) {
		if len(args) > 1 && args[1] != "help" && !cli.IsHelp(args[1]) {
			return run([]string{args[1], "-h"}, stdin, stdout, stderr) // authgo help token
		}
		fmt.Fprint(stdout, usageText)
		return 0
	}
	fmt.Fprintf(stderr, "authgo: unknown command %q\n\n%s", args[0], usageText)
	return 2
}
