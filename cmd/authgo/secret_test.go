package main

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		code, out, errOut := runCLI(t, "", "secret")
		if code != 0 || errOut != "" {
			t.Fatalf("exit %d, stderr %q", code, errOut)
		}
		if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
			t.Fatalf("output %q is not one line", out)
		}
		s := strings.TrimSuffix(out, "\n")
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			t.Fatalf("secret %q: %d bytes, %v", s, len(b), err)
		}
		if seen[s] {
			t.Fatal("the same secret twice")
		}
		seen[s] = true
	}
	if code, _, _ := runCLI(t, "", "secret", "extra"); code != 2 {
		t.Fatalf("secret with an argument: exit %d", code)
	}
}
