# Deploy benchmark (see bench_deploy.c): fsstudio deploy against
# couchdb-bootstrap, installed from npm into ~/.cache/fsstudio/bench (never
# into the source tree); without npm or node the comparison is skipped.
# FS_BIN_BEFORE=/path/to/fsstudio (say a build of main in another worktree)
# adds the "before" figures and the after/before ratios.
set -eu
: "${FS_BUILDDIR:=$PWD}"
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
export FS_SRCDIR FS_BUILDDIR
export FS_BIN="${FS_BIN:-$FS_BUILDDIR/fsstudio}"
cache=${FSSTUDIO_BENCH_CACHE:-$HOME/.cache/fsstudio/bench}
js=-
if command -v node >/dev/null 2>&1; then
	if [ ! -d "$cache/node_modules/couchdb-bootstrap" ] && command -v npm >/dev/null 2>&1; then
		mkdir -p "$cache"
		(cd "$cache" && npm install --no-audit --no-fund --silent couchdb-bootstrap@15.1.0 >/dev/null 2>&1) ||
			echo "bench_deploy: could not install couchdb-bootstrap; no comparison"
	fi
	if [ -d "$cache/node_modules/couchdb-bootstrap" ]; then
		export NODE_PATH="$cache/node_modules"
		js="$FS_SRCDIR/tests/bench/bench_deploy_bootstrap.js"
	fi
fi
"$FS_BUILDDIR/tests/bench/bench_deploy" "$js"
