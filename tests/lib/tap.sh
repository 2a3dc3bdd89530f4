# TAP helpers for shell tests. Source it, call plan N (or plan_skip "why"),
# then ok/not_ok/check/skip_test; the script exits non-zero on a failure.
# Environment from the Makefile: FS_BIN (the binary), FS_SRCDIR, FS_BUILDDIR.
tap_n=0
tap_failed=0
: "${FS_BIN:=$PWD/fsstudio}"
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
tap_tmp=$(mktemp -d "${TMPDIR:-/tmp}/fstest-XXXXXX")
tap_cleanups=""
tap_on_exit() {
	for c in $tap_cleanups; do $c; done
	[ -n "${FSSTUDIO_KEEP_TMP:-}" ] || rm -rf "$tap_tmp"
}
trap tap_on_exit EXIT
at_exit() { tap_cleanups="$tap_cleanups $1"; }

plan() { echo "1..$1"; }
plan_skip() { echo "1..0 # SKIP $1"; exit 0; }
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip_test() { tap_n=$((tap_n + 1)); echo "ok $tap_n - # SKIP $*"; }
# check "description" command...: ok when the command succeeds.
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# poll CMD...: runs CMD every 0.1 s until it succeeds, for up to 20 s
poll() { tap_i=0; until "$@"; do tap_i=$((tap_i + 1)); [ $tap_i -gt 200 ] && return 1; sleep 0.1; done; }
# check_eq "description" expected actual
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else
		not_ok "$1"; printf '# expected: %s\n# actual:   %s\n' "$2" "$3" | head -40; fi
}
# check_contains "description" needle haystack
check_contains() {
	case $3 in *"$2"*) ok "$1" ;; *) not_ok "$1"; printf '# missing: %s\n# in: %s\n' "$2" "$3" | head -40 ;; esac
}
done_testing() { exit $((tap_failed > 0)); }

fixtures() {
	d=${FSSTUDIO_FIXTURES:-$FS_SRCDIR/../shared/fixtures/convertigo}
	[ -d "$d" ] && echo "$d"
}
