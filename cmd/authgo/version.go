package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version describes this build of authgo in one line: the module version
// and the VCS revision the go command stamped into the binary. `go install
// github.com/authgo/authgo/cmd/authgo@v1.2.3` gives the version v1.2.3 (a
// tagged version names its commit; a module download has no VCS data);
// `go build` of a module in a git checkout stamps the revision, its time
// and whether the tree had uncommitted changes. `go run`, builds in a
// go.work workspace (this repository's) and -buildvcs=false stamp no
// revision, which the line says.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "authgo: no build information in this binary"
	}
	return formatVersion(bi)
}

// formatVersion is version for the build information bi.
func formatVersion(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	var vcs []string
	if rev := settings["vcs.revision"]; rev != "" {
		vcs = append(vcs, "revision "+rev[:min(len(rev), 12)])
		if t := settings["vcs.time"]; t != "" {
			vcs = append(vcs, t)
		}
		if settings["vcs.modified"] == "true" {
			vcs = append(vcs, "with uncommitted changes")
		}
	} else if v == "(devel)" {
		vcs = append(vcs, "no VCS revision: go run, go.work workspace builds and -buildvcs=false stamp none")
	}
	if bi.GoVersion != "" {
		vcs = append(vcs, bi.GoVersion)
	}
	return fmt.Sprintf("authgo %s (%s)", v, strings.Join(vcs, ", "))
}
