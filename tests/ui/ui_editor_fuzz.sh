#!/bin/sh
# Random keys into the function editor (scripted mode, three screen sizes):
# typing, brackets and quotes, wide characters, moves, selections, clipboard,
# undo/redo, prompts and menus answered at random. The studio never crashes
# or hangs, always leaves with status 0 and a drawn screen (the editor or,
# when a question let it close, the tree the keys went on in).
. "$FS_SRCDIR/tests/lib/tap.sh"
[ -x "$FS_BIN" ] || plan_skip "no fsstudio binary"
[ -f "$FS_SRCDIR/projects/sample/c8oProject.yaml" ] || plan_skip "projects/sample is missing"
runs=8
plan $((runs * 3))

proj=$tap_tmp/sample
cp -R "$FS_SRCDIR/projects/sample" "$proj"
# keys of run $1: opens by_site's map, then 300 random tokens (no Esc, so
# the keys stay in the editor; <C-q> may leave it and e open it again)
keys() {
	awk -v seed="$1" 'BEGIN {
		n = split("a b x 1 { } ( ) [ ] \" '"'"' / * ; , . = 漢 é <Space> <Enter> <Tab> <BackTab> " \
			"<Left> <Right> <Up> <Down> <Home> <End> <PgUp> <PgDown> <S-Left> <S-Right> " \
			"<S-Up> <S-Down> <Backspace> <Delete> <C-z> <C-y> <C-t> <C-x> <C-c> <C-v> <C-k> " \
			"<C-]> <C-f> <C-b> <C-n> <C-o> <C-g> <F2> <Enter> y n a d k e <C-q>", t, " ")
		srand(seed); printf "/by_site<Enter><Esc>e"
		for (i = 0; i < 300; i++) printf "%s", t[1 + int(rand() * n)]
	}'
}
for run in $(seq 1 $runs); do
	k=$(keys "$run")
	for size in 100x30 40x10 20x6; do
		out=$(cd "$proj" && env HOME="$tap_tmp/home" LANG=C.UTF-8 LC_ALL=C.UTF-8 FSSTUDIO_CONFIG= \
			FSSTUDIO_TEST_SIZE="$size" FSSTUDIO_TEST_KEYS="$k" timeout 60 "$FS_BIN" . 2>&1)
		rc=$?
		if [ $rc -eq 0 ] && [ -n "$out" ]; then
			ok "run $run at $size"
		else
			not_ok "run $run at $size (status $rc)"
			printf '%s\n' "$out" | tail -5 | sed 's/^/# /'
		fi
	done
done
done_testing
