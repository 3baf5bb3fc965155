# shellcheck shell=bash
# node-dir.sh: sourced by the bench scripts. node_dir prints a directory
# whose node_modules holds the Node packages pinned in
# internal/testenv/package.json: $AUTHGO_NODE_DIR when set, otherwise a
# directory of the user cache keyed by the pins (installing there with npm
# on first use, under a lock; the tests install only into $AUTHGO_NODE_DIR). It needs $root (the repository) and a die
# function (both set by the script that sources this file).
node_dir() {
	if [[ -n ${AUTHGO_NODE_DIR:-} ]]; then
		[[ -f $AUTHGO_NODE_DIR/node_modules/@auth/core/package.json ]] ||
			die "AUTHGO_NODE_DIR=$AUTHGO_NODE_DIR has no node_modules/@auth/core"
		echo "$AUTHGO_NODE_DIR"
		return
	fi
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		die "node and npm are needed (Node.js 20)"
	fi
	local pkg=${root:?}/internal/testenv/package.json
	local sum dir
	sum=$(sha256sum "$pkg" | cut -c1-16)
	dir=${XDG_CACHE_HOME:-$HOME/.cache}/authgo-test-node/$sum
	mkdir -p "$dir"
	(
		flock 9
		if [[ ! -f $dir/node_modules/@auth/core/package.json ]]; then
			cp "$pkg" "$dir/package.json"
			(cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error) >&2 ||
				exit 1
		fi
	) 9>"$dir/.lock" || die "npm install of the pinned packages failed"
	echo "$dir"
}
