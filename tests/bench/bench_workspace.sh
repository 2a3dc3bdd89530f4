# Workspace benchmark (issue 16): a folder of $FS_BENCH_PROJECTS (default 20)
# big generated projects, each of $FS_BENCH_CONNECTORS (default 200)
# connectors x 20 design documents x 5 views (about 7 MB; one project is
# generated, the others are copies under their own names). Prints cat of
# the projects' c8oProject.yaml files (the yardstick: the first frame needs
# their names only), the studio from start to its first frame in scripted
# mode (virtual 120x40 screen, no keys: one frame, then it leaves) and the
# ratio (goal: at most 3x), next to the process start alone (`fsstudio
# --help`: the dynamic loader and the libraries' constructors, a floor the
# workspace code cannot go under), then, for reference, the studio until the first
# project is expanded (read in the background, scripted mode waits for it),
# and the peak memory of both. Best of $FS_BENCH_RUNS.
set -eu
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$FS_SRCDIR/tests/bench/benchlib.sh"
bench_setup fsbench-ws 10
nproj=${FS_BENCH_PROJECTS:-20}
nconn=${FS_BENCH_CONNECTORS:-200}
ws=$tmp/ws
mkdir -p "$ws"
sh "$FS_SRCDIR/tests/bench/gen_project.sh" "$tmp/one" "$nconn" 20 5
i=0
while [ $i -lt "$nproj" ]; do
	p=$ws/$(printf 'bench_%02d' $i)
	cp -r "$tmp/one" "$p"
	sed -i "s/^\xe2\x86\x93bench \[core.Project\]/\xe2\x86\x93$(basename "$p") [core.Project]/" "$p/c8oProject.yaml"
	i=$((i + 1))
done
rm -rf "$tmp/one"
bytes=$(find "$ws" -type f -exec cat {} + | wc -c)
heads=$(cat "$ws"/*/c8oProject.yaml | wc -c)
last=$(printf 'bench_%02d' $((nproj - 1)))

studio() {
	env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 \
		FSSTUDIO_TEST_KEYS="$1" FSSTUDIO_TEST_DUMP="$tmp/screen.txt" "$FS_BIN" "$ws"
}
first_frame() { studio ""; }
expand_first() { studio "<Enter><Down>"; }
cat_heads() { cat "$ws"/*/c8oProject.yaml; }
help_only() { "$FS_BIN" --help; }

best cat_heads; cat_ms=$ms
best help_only; help_ms=$ms
best first_frame; ui_ms=$ms
grep -q "$last" "$tmp/screen.txt" || { echo "the first frame does not show the projects"; cat "$tmp/screen.txt"; exit 1; }
best expand_first; open_ms=$ms
grep -q "Connectors ($nconn)" "$tmp/screen.txt" || { echo "the expanded project shows no connectors"; cat "$tmp/screen.txt"; exit 1; }
kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
ui_kb=$(kb env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 \
	FSSTUDIO_TEST_KEYS= FSSTUDIO_TEST_DUMP=/dev/null "$FS_BIN" "$ws")
open_kb=$(kb env HOME="$tmp" FSSTUDIO_CONFIG= LANG=C.UTF-8 FSSTUDIO_TEST_SIZE=120x40 \
	FSSTUDIO_TEST_KEYS="<Enter><Down>" FSSTUDIO_TEST_DUMP=/dev/null "$FS_BIN" "$ws")

echo "workspace: $nproj projects of $nconn connectors x 20 design documents x 5 views, $bytes bytes;" \
	"their c8oProject.yaml files: $heads bytes"
printf '%-48s %9s ms\n' "cat of the $nproj c8oProject.yaml files" "$cat_ms"
printf '%-48s %9s ms  %6sx cat (the floor: loading its libraries)\n' "process start alone (fsstudio --help)" "$help_ms" "$(ratio "$help_ms")"
printf '%-48s %9s ms  %6sx cat (goal: 3x)\n' "studio: start to first frame" "$ui_ms" "$(ratio "$ui_ms")"
printf '%-48s %9s ms  %6sx cat (reference)\n' "studio: start, first project expanded and read" "$open_ms" "$(ratio "$open_ms")"
printf '%-48s %9s KB\n' "studio: peak memory, first frame" "$ui_kb"
printf '%-48s %9s KB\n' "studio: peak memory, one project read" "$open_kb"
