#!/bin/sh
# Runs one test program for the TAP driver:
# - bounds its time (FS_TEST_TIMEOUT seconds, default 300): a hung test fails
#   with a message instead of hanging the suite;
# - turns cmocka's "not ok N - name # SKIP" into "ok N - name # SKIP" (TAP
#   reads a skipped test as ok; automake counts "not ok # SKIP" as a failure)
#   while keeping the program's exit status.
limit=${FS_TEST_TIMEOUT:-300}
status_file=$(mktemp "${TMPDIR:-/tmp}/fsrun-XXXXXX")
{
	timeout -k 10 "$limit" "$@"
	echo $? > "$status_file"
} | sed -u 's/^not ok \([0-9][0-9]*.*# [Ss][Kk][Ii][Pp]\)/ok \1/'
status=$(cat "$status_file")
rm -f "$status_file"
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	echo "Bail out! $* did not finish within $limit s (FS_TEST_TIMEOUT)"
fi
exit "$status"
