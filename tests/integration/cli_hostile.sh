# Strict, safe reading (issue 10, item 6) through the CLI: hostile files
# (FIFO, /dev/zero symlink, a symlink out of the project, a huge file,
# invalid UTF-8 at each byte of a bean header line, tab indentation, a
# damaged bean line, a read-only file) give a clear error naming the file,
# write nothing, and never hang.
. "$FS_SRCDIR/tests/lib/tap.sh"

sample=$FS_SRCDIR/projects/sample
t=$tap_tmp
conn=_c8oProject/connectors/inspections.yaml
plan 21

state() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
fresh() { w=$t/p; rm -rf "$w"; cp -R "$sample" "$w"; }
# attempt: a set (a writer: lock, load, apply, save) on the project, bounded
# by timeout; $rc, $err and $ms (its wall time) tell what happened.
attempt() {
	t0=$(date +%s%N)
	echo 'function (doc) { emit(doc._id, 9); }' |
		timeout 10 "$FS_BIN" set "$w" inspections/visits/by_site/map --file - >/dev/null 2>"$t/err"
	rc=$?
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	err=$(cat "$t/err")
}
# refused DESC NEEDLE: exit 1 quickly (2 s here: the machine may be loaded;
# a hang is the 10 s timeout), the message holds NEEDLE, the files are as
# before.
refused() {
	before=$(state "$w")
	attempt
	check_eq "$1: exit 1 in under 2 s, nothing written ($ms ms)" "1 yes same" \
		"$rc $([ $ms -lt 2000 ] && echo yes || echo no) $([ "$(state "$w")" = "$before" ] && echo same || echo changed)"
	check_contains "$1: the error says it" "$2" "$err"
}

fresh
rm "$w/_c8oProject/connectors/sites.yaml"; mkfifo "$w/_c8oProject/connectors/sites.yaml"
refused "a connector file that is a FIFO" "_c8oProject/connectors/sites.yaml: a FIFO, not a regular file: refused"

fresh
ln -sf /dev/zero "$w/_c8oProject/connectors/sites.yaml"
refused "a connector file that is a symlink to /dev/zero" \
	"_c8oProject/connectors/sites.yaml: a symbolic link to /dev/zero, outside the project: refused"

fresh
cp "$w/_c8oProject/connectors/sites.yaml" "$t/outside.yaml"
ln -sf "$t/outside.yaml" "$w/_c8oProject/connectors/sites.yaml"
refused "a symlink out of the project" "outside the project: refused"

fresh
rm "$w/_c8oProject/connectors/sites.yaml"; truncate -s 100M "$w/_c8oProject/connectors/sites.yaml"
refused "a 100 MB connector file" "104857600 bytes, over the limit of 67108864 (FSSTUDIO_MAX_FILE): refused"

fresh
sed -i "s/^  comment: /$(printf "\t")comment: /" "$w/$conn"
grep -q "$(printf "\t")comment" "$w/$conn" || echo "# (no comment line to indent with a tab)"
refused "tab indentation" "$conn:"

fresh
chmod 0444 "$w/$conn"
refused "a read-only (0444) connector file" "$conn is read-only (mode 0444): not replaced"

# ---- invalid UTF-8 at each byte of a design document's bean line: an error
# at that line, never a design document that silently goes.
fresh
line=$(grep -n "visits \[couchdb.DesignDocument\]" "$w/$conn" | cut -d: -f1)
len=$(sed -n "${line}p" "$w/$conn" | wc -c)
before=$(state "$w")
silent="" nowhere="" slow=0 k=0
cp "$w/$conn" "$t/orig.yaml"
start=$(head -n $((line - 1)) "$t/orig.yaml" | wc -c)
while [ $k -lt $((len - 1)) ]; do
	# the byte at offset k of the line becomes 0x86 (a lone continuation
	# byte, or a valid but foreign character inside the arrow)
	cp "$t/orig.yaml" "$w/$conn"
	printf '\206' | dd of="$w/$conn" bs=1 seek=$((start + k)) conv=notrunc 2>/dev/null
	cmp -s "$w/$conn" "$t/orig.yaml" && { k=$((k + 1)); continue; }
	attempt
	[ "$rc" = 1 ] || silent="$silent $k"
	case $err in *"$conn:$line:"*) ;; *) nowhere="$nowhere $k:$err" ;; esac
	[ $ms -lt 2000 ] || slow=$((slow + 1))
	k=$((k + 1))
done
cp "$t/orig.yaml" "$w/$conn"
check_eq "invalid UTF-8 at each of the $((len - 1)) bytes of a bean line: always an error" "" "$silent"
check_eq "the error always names $conn:$line:COLUMN" "" "$nowhere"
check_eq "and no run took 2 s" 0 "$slow"
check "nothing was written by any of them" [ "$(state "$w")" = "$before" ]

# the issue's own example: the arrow's last byte lost
fresh
LC_ALL=C awk -v L="$line" 'NR == L { sub(/\342\206\223/, "\342\206") } { print }' "$t/orig.yaml" >"$w/$conn"
refused "the bean line '\\xe2\\x86visits [': the design document does not vanish" "$conn:$line:1: invalid UTF-8"
"$FS_BIN" tree "$w" >/dev/null 2>"$t/err"
check_contains "tree says it too, and names the place" "$conn:$line:1: invalid UTF-8 (byte 0xE2)" "$(cat "$t/err")"

# the arrow lost whole: not a line of the dialect
fresh
LC_ALL=C awk -v L="$line" 'NR == L { sub(/\342\206\223/, "") } { print }' "$t/orig.yaml" >"$w/$conn"
refused "a bean line without its arrow" "not a line of the dialect"
done_testing
