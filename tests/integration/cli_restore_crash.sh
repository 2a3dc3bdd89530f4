# `restore --all` is one transaction too (issue 10, item 5): killed at any
# rename or unlink of its files, the project loads and is exactly the state
# it had or the restored one, never a mix of both.
. "$FS_SRCDIR/tests/lib/tap.sh"

t=$tap_tmp
command -v strace >/dev/null 2>&1 || plan_skip "strace absent (./setup installs it)"
strace -qq -o /dev/null -e inject=getpid:error=EPERM true 2>/dev/null ||
	plan_skip "strace cannot trace here (ptrace refused)"
plan 3

w=$t/proj
cp -R "$FS_SRCDIR/projects/sample" "$w"
g() { git -C "$w" -c user.name=t -c user.email=t@t "$@"; }
g init -q && g add -A && g commit -qm A
A=$(g rev-parse HEAD)
# B differs from A in several files: a connector renamed, a view renamed
"$FS_BIN" mv "$w" inspections audits >/dev/null &&
	"$FS_BIN" mv "$w" sites/catalog/by_region by_area >/dev/null || { echo "Bail out! setup"; exit 1; }
g add -A && g commit -qm B
B=$(g rev-parse HEAD)
state() { (cd "$w" && find . -name .git -prune -o -type f -print | sort | xargs sha256sum); }
at_B=$(state)
g checkout -q -f --detach "$A" && g clean -qfd
at_A=$(state)
back_to_B() { g checkout -q -f --detach "$B" && g clean -qfd; }
back_to_B
settled() {
	"$FS_BIN" tree "$w" >/dev/null 2>"$t/tree.err" || { echo "no-load"; return; }
	s=$(state)
	if [ "$s" = "$at_B" ]; then echo old; elif [ "$s" = "$at_A" ]; then echo new; else echo mixed; fi
}

"$FS_BIN" restore "$w" --all --rev "$A" --force >/dev/null 2>"$t/err"
check_eq "restore --all brings back A" new "$(settled)"
bad="" kills=0
for sc in rename unlink; do
	n=1
	while [ $n -lt 25 ]; do
		back_to_B
		strace -qq -f -o /dev/null -e inject=$sc:signal=SIGKILL:when=$n \
			"$FS_BIN" restore "$w" --all --rev "$A" --force >/dev/null 2>&1 && break
		kills=$((kills + 1))
		r=$(settled)
		[ "$r" = old ] || [ "$r" = new ] || bad="$bad $sc#$n:$r"
		n=$((n + 1))
	done
done
check "killed at some of its renames and unlinks ($kills kills)" [ "$kills" -gt 0 ]
check_eq "killed at each rename and unlink: the old project or the restored one" "" "$bad"
done_testing
