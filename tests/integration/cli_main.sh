# The dispatcher: --help, --version, help COMMAND, usage errors, and the
# help of every command listed by --help (whatever area added it).
. "$FS_SRCDIR/tests/lib/tap.sh"

t=$tap_tmp
run() { "$FS_BIN" "$@" >"$t/out" 2>"$t/err"; rc=$?; out=$(cat "$t/out"); err=$(cat "$t/err"); }

run --help
cmds=$(printf '%s\n' "$out" | sed -n '/^Commands:/,/^$/p' | awk '/^  [^ ]/ { print $1 }')
n=$(printf '%s\n' "$cmds" | grep -c .)
plan $((14 + 2 * n))

check_eq "--help exits 0" 0 "$rc"
check_contains "--help shows the synopsis" "usage: fsstudio [DIR]" "$out"
run -h
check_eq "-h is --help" "$("$FS_BIN" --help)" "$out"
run --version
case $out in "fsstudio "[0-9]*) ok "--version prints the version" ;; *) not_ok "--version: $out" ;; esac
run frobnicate a b
check_eq "an unknown command exits 2" 2 "$rc"
check_contains "an unknown command is named" "'frobnicate' is not a fsstudio command" "$err"
run --frobnicate
check_eq "an unknown option exits 2" 2 "$rc"
run help frobnicate
check_eq "help of an unknown command exits 2" 2 "$rc"
run help tree show
check_eq "help with two names exits 2" 2 "$rc"
run "$t/no-such-folder"
check_eq "a missing folder exits 2" 2 "$rc"
check_contains "a missing folder is explained" "is neither a command nor a folder" "$err"
# No terminal: the studio says so and which commands to use, at once (curses
# on /dev/null would read nothing forever).
timeout 5 "$FS_BIN" "$FS_SRCDIR/projects/sample" </dev/null >"$t/out" 2>"$t/err"; rc=$?
check_eq "the studio without a terminal exits 2" 2 "$rc"
check_contains "the studio without a terminal says why" "the studio needs a terminal" "$(cat "$t/err")"
timeout 5 sh -c 'echo q | "$1" "$2" | cat' sh "$FS_BIN" "$FS_SRCDIR/projects/sample" >"$t/out" 2>"$t/err"
check_contains "a pipe on stdin and stdout is no terminal either" "fsstudio --help" "$(cat "$t/err")"

for c in $cmds; do
	run help "$c"
	case $out in "usage: fsstudio $c"*) ok "help $c" ;; *) not_ok "help $c: $out" ;; esac
	run "$c" --help
	check_eq "$c --help is help $c" "$("$FS_BIN" help "$c")" "$out"
done
done_testing
