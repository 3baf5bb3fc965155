package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/cmd/authgo/internal/cli"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/jwt"
)

// maxInput bounds what the token commands read from stdin.
const maxInput = 1 << 20

// secureSalt is the session cookie name, and so the salt, over https.
const secureSalt = "__Secure-" + jwt.DefaultSalt

// tokenFlags are the flags both token subcommands take.
type tokenFlags struct {
	secrets []string
	salt    string
	saltSet bool
	maxAge  int64
}

// inputOf names what each token subcommand reads on stdin.
var inputOf = map[string]string{"encode": "a JSON object", "decode": "a token or a Cookie header"}

// tokenFlagSet returns the flags and the usage of the token subcommand
// sub, or nil for an unknown one.
func tokenFlagSet(sub string, f *tokenFlags) (*flag.FlagSet, func(io.Writer)) {
	var fs *flag.FlagSet
	var text string
	switch sub {
	case "encode":
		fs = newTokenFlagSet("authgo token encode", f, true)
		text = "Usage: authgo token encode [flags] < claims.json\n\nReads a JSON object on stdin and prints an Auth.js session token for it.\n\nFlags:\n"
	case "decode":
		fs = newTokenFlagSet("authgo token decode", f, false)
		text = "Usage: authgo token decode [flags] < token\n\nReads a session token, a cookie value or a Cookie header line (chunked\ncookies are joined) on stdin and prints the token's JSON payload.\n\nFlags:\n"
	default:
		return nil, nil
	}
	return fs, func(w io.Writer) {
		fmt.Fprint(w, text)
		fs.PrintDefaults()
	}
}

func newTokenFlagSet(name string, f *tokenFlags, withMaxAge bool) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Func("secret", "a secret; repeat for rotation, the first encrypts (default: AUTH_SECRET_3.._1, AUTH_SECRET)", func(s string) error {
		if s == "" {
			return errors.New("empty secret")
		}
		f.secrets = append(f.secrets, s)
		return nil
	})
	fs.Func("salt", "the session cookie name the token is for (default "+jwt.DefaultSalt+")", func(s string) error {
		f.salt, f.saltSet = s, true
		return nil
	})
	if withMaxAge {
		fs.Int64Var(&f.maxAge, "max-age", int64(jwt.DefaultMaxAge/time.Second), "token lifetime in seconds")
	}
	return fs
}

// tokenUsage is the help of `authgo token`.
const tokenUsage = `Usage: authgo token encode|decode [flags]

Encodes and decodes Auth.js session tokens (the authjs.session-token
cookie), to debug a cookie or make one for a test.

  authgo token encode [flags] < claims.json   print a token for a JSON object
  authgo token decode [flags] < token         print the payload of a token, a
                                              cookie value or a Cookie header

Run "authgo token encode -h" or "authgo token decode -h" for the flags.
`

// runToken is `authgo token encode|decode`.
func runToken(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, "authgo token: missing subcommand, encode or decode\n\n"+tokenUsage)
		return 2
	}
	sub, args := args[0], args[1:]
	if cli.IsHelp(sub) {
		fmt.Fprint(stdout, tokenUsage)
		return 0
	}
	var f tokenFlags
	fs, usage := tokenFlagSet(sub, &f)
	if fs == nil {
		fmt.Fprintf(stderr, "authgo token: unknown subcommand %q (want encode or decode)\n\n%s", sub, tokenUsage)
		return 2
	}
	if code, ok := cli.Parse(fs, args, usage, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		// Not echoed: it may be a token.
		fmt.Fprintf(stderr, "%s: unexpected argument: the input is read from stdin, not from arguments (%s < file, or pipe it in)\n", fs.Name(), fs.Name())
		return 2
	}
	if len(f.secrets) == 0 {
		f.secrets = authgo.SecretsFromEnv(os.LookupEnv)
	}
	if len(f.secrets) == 0 {
		fmt.Fprintf(stderr, "%s: no secret: pass --secret or set AUTH_SECRET\n", fs.Name())
		return 2
	}
	if !f.saltSet {
		f.salt = jwt.DefaultSalt
	}
	codec, err := jwt.NewCodec(f.secrets)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", fs.Name(), err)
		return 2
	}
	if cli.Terminal(stdin) {
		// Typed at a prompt with nothing piped in, the command would
		// seem to hang.
		fmt.Fprintf(stderr, "%s: waiting for %s on stdin; paste it and press Ctrl-D, or pipe it in (see %s -h)\n", fs.Name(), inputOf[sub], fs.Name())
	}
	in, err := io.ReadAll(io.LimitReader(stdin, maxInput+1))
	if err != nil {
		fmt.Fprintf(stderr, "%s: reading stdin: %v\n", fs.Name(), err)
		return 1
	}
	if len(in) > maxInput {
		fmt.Fprintf(stderr, "%s: input larger than %d bytes\n", fs.Name(), maxInput)
		return 1
	}
	if sub == "encode" {
		return encodeToken(codec, f, in, stdout, stderr)
	}
	return decodeToken(codec, f, in, stdout, stderr)
}

func encodeToken(codec *jwt.Codec, f tokenFlags, in []byte, stdout, stderr io.Writer) int {
	in = bytes.TrimSpace(in)
	if len(in) == 0 || in[0] != '{' || !json.Valid(in) {
		fmt.Fprintln(stderr, "authgo token encode: stdin is not a JSON object")
		return 1
	}
	if f.maxAge <= 0 {
		fmt.Fprintln(stderr, "authgo token encode: --max-age must be a positive number of seconds")
		return 2
	}
	tok, err := codec.Encode(json.RawMessage(in), f.salt, time.Duration(f.maxAge)*time.Second)
	if err != nil {
		fmt.Fprintln(stderr, "authgo token encode:", err)
		return 1
	}
	fmt.Fprintln(stdout, tok)
	return 0
}

func decodeToken(codec *jwt.Codec, f tokenFlags, in []byte, stdout, stderr io.Writer) int {
	tok, salt, err := tokenFromInput(string(in), f.salt, f.saltSet)
	if err != nil {
		fmt.Fprintln(stderr, "authgo token decode:", err)
		return 1
	}
	var payload json.RawMessage
	if err := codec.DecodeInto(tok, salt, &payload); err != nil {
		fmt.Fprintln(stderr, "authgo token decode:", describe(err, salt))
		return 1
	}
	var out bytes.Buffer
	if err := json.Indent(&out, payload, "", "  "); err != nil {
		fmt.Fprintln(stderr, "authgo token decode: payload is not JSON")
		return 1
	}
	out.WriteByte('\n')
	stdout.Write(out.Bytes())
	return 0
}

// describe turns a decode error into one line for a person, with a hint for
// the usual causes and never the token or a secret.
func describe(err error, salt string) string {
	switch {
	case errors.Is(err, jwt.ErrNoMatchingSecret), errors.Is(err, jwt.ErrDecryption):
		return fmt.Sprintf("%v (wrong secret, or the token is for another cookie name than %q; see --secret and --salt)", err, salt)
	case errors.Is(err, jwt.ErrExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrNotYetValid):
		return "token not valid yet (nbf is in the future)"
	}
	return err.Error()
}

// tokenFromInput finds the token in what was read from stdin: a bare token
// (URL-decoded when it holds a %), or a Cookie header line ("Cookie: a=b;
// authjs.session-token.0=...; authjs.session-token.1=...") whose session
// cookie, chunked or not, is joined in order. A JWE has no '=', so an input
// with one is a cookie line. Without --salt a cookie line may carry either
// the http or the https session cookie; the salt follows the name found.
func tokenFromInput(in, salt string, saltSet bool) (string, string, error) {
	in = strings.TrimSpace(in)
	if in == "" {
		return "", "", errors.New("no token on stdin")
	}
	if !strings.Contains(in, "=") {
		return unescape(in), salt, nil
	}
	line := in
	if k, v, ok := strings.Cut(in, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "cookie") {
		line = strings.TrimSpace(v)
	}
	r := &http.Request{Header: http.Header{"Cookie": {line}}}
	names := []string{salt}
	if !saltSet {
		names = append(names, secureSalt)
	}
	for _, name := range names {
		if v := cookie.ReadChunked(r, name); v != "" {
			return v, name, nil
		}
	}
	return "", "", fmt.Errorf("no %s cookie in the Cookie header", strings.Join(names, " or "))
}

// unescape URL-decodes a cookie value that holds a %, as Auth.js does when
// it reads one.
func unescape(v string) string {
	r := &http.Request{Header: http.Header{"Cookie": {"v=" + v}}}
	if d := cookie.Value(r, "v"); d != "" {
		return d
	}
	return v
}
