package testenv

import (
	"strings"
	"testing"
)

func TestRunNodeUsesPinnedAuthCore(t *testing.T) {
	out := RunNode(t, `import { readFileSync } from "node:fs";
import { encode } from "@auth/core/jwt";
if (typeof encode !== "function") throw new Error("no encode in @auth/core/jwt");
console.log(JSON.parse(readFileSync("node_modules/@auth/core/package.json", "utf8")).version);`, nil)
	if got := strings.TrimSpace(string(out)); got != "0.41.3" {
		t.Fatalf("@auth/core version = %q, want 0.41.3", got)
	}
}
