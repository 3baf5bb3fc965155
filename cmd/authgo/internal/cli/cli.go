// Package cli holds what the authgo commands share: flag parsing that
// prints help to stdout when it is asked for and to stderr after a
// mistake, and the check that tells a person why a command waits for
// standard input.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Parse parses args with fs. Asked for help (-h, -help, --help), it writes
// the usage to stdout and returns 0, false: the command is done. After a
// mistake (an unknown flag, a bad value) it writes the flag package's
// message and the usage to stderr and returns 2, false. Otherwise it
// returns 0, true. usage writes the command's usage text to w, typically a
// line or two and fs.PrintDefaults (which writes to fs.Output, set to w
// while usage runs).
func Parse(fs *flag.FlagSet, args []string, usage func(w io.Writer), stdout, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(stderr)
	fs.Usage = func() {} // printed below, to the right stream
	err := fs.Parse(args)
	switch {
	case err == nil:
		return 0, true
	case errors.Is(err, flag.ErrHelp):
		Usage(fs, usage, stdout)
		return 0, false
	}
	fmt.Fprintln(stderr)
	Usage(fs, usage, stderr)
	return 2, false
}

// Usage writes the usage of fs to w with usage.
func Usage(fs *flag.FlagSet, usage func(io.Writer), w io.Writer) {
	prev := fs.Output()
	fs.SetOutput(w)
	usage(w)
	fs.SetOutput(prev)
}

// IsHelp reports whether arg asks for help.
func IsHelp(arg string) bool {
	switch arg {
	case "-h", "-help", "--help", "help":
		return true
	}
	return false
}

// Terminal reports whether r is a terminal (a character device): a
// command that reads stdin says it is waiting, since a person who typed
// it without a pipe would otherwise see nothing happen.
func Terminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
