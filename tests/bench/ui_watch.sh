# Outside-change benchmark (issue 10): the studio runs in tmux on a
# generated project; another writer (`fsstudio set`) changes a view's map;
# the figure is the time from the end of that write to the message line
# saying the studio read it again (settle delay, reload of the project, rebase
# of one unsaved edit, one frame), next to the time of the `set` itself (a
# load and a save by the CLI). The target is under a second.
set -eu
: "${FS_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$FS_SRCDIR/tests/bench/benchlib.sh"
command -v tmux >/dev/null || { echo "tmux is not installed: skipped"; exit 0; }
bench_setup fsbench-watch 10
bench_project 5 40 5
sock=fsbench-watch-$$
t() { tmux -L "$sock" -f /dev/null "$@"; }
trap 't kill-server 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
printf '#!/bin/sh\nsed -i "s/emit(/emit( \\/*studio*\\/ /" "$1"\n' > "$tmp/editor.sh"
chmod +x "$tmp/editor.sh"
t new-session -d -s b -x 120 -y 40 "cd '$proj' && env HOME='$tmp/home' XDG_CONFIG_HOME='$tmp/home/.config' \
	XDG_STATE_HOME='$tmp/home/state' EDITOR='$tmp/editor.sh' LANG=C.UTF-8 TERM=tmux-256color '$FS_BIN' ."
shows() { t capture-pane -p -t b | grep -q "$1"; }
wait_for() { end=$(($(date +%s) + 20)); until shows "$1"; do
	[ "$(date +%s)" -lt "$end" ] || { echo "timed out waiting for: $1"; exit 1; }; sleep 0.01; done; }
wait_for "bench"
# one unsaved edit of the studio, re-applied at each reload
t send-keys -t b / view_1 Enter Escape E
wait_for "1 unsaved"

i=0 all="" set_all=""
while [ $i -lt "$runs" ]; do
	t send-keys -t b j   # clears the message line
	sleep 0.3
	printf 'function (doc) { emit(doc._id, %s); }' "$i" > "$tmp/fn.js"
	t0=$(now)
	"$FS_BIN" set "$proj" db_2/ddoc_7/view_3/map --file "$tmp/fn.js" >/dev/null
	t1=$(now)
	wait_for "changed outside: read again"
	t2=$(now)
	all="$all $(( (t2 - t1) / 1000000 ))"
	set_all="$set_all $(( (t1 - t0) / 1000000 ))"
	i=$((i + 1))
done
stats() { echo "$1" | tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END {
	printf "min %d  median %d  max %d ms", v[1], v[int((NR + 1) / 2)], v[NR] }'; }
echo "project: 5 connectors x 40 design documents x 5 views, $nfiles files, $bytes bytes; $runs runs"
printf '%-46s %s\n' "outside set (the CLI: lock, load, save)" "$(stats "$set_all")"
printf '%-46s %s\n' "studio: write to message (settle 200 ms)" "$(stats "$all")"
