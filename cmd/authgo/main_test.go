package main

import (
	"bytes"
	"strings"
	"testing"
)

// runCLI runs the program with args and stdin and returns the exit status
// and what it wrote.
func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, out, _ := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(out, "authgo token decode") || !strings.Contains(out, "authgo secret") {
			t.Errorf("%v: exit %d, stdout %q", args, code, out)
		}
	}
	code, out, errOut := runCLI(t, "")
	if code != 2 || out != "" || !strings.Contains(errOut, "Usage:") {
		t.Errorf("no command: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) || !strings.Contains(errOut, "Usage:") {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runCLI(t, "", "token", "frobnicate")
	if code != 2 || !strings.Contains(errOut, "encode or decode") {
		t.Errorf("unknown token subcommand: exit %d, stderr %q", code, errOut)
	}
	code, _, _ = runCLI(t, "", "token")
	if code != 2 {
		t.Errorf("token without subcommand: exit %d", code)
	}
}
