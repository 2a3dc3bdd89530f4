#!/bin/sh
# The editor's results panel: F6 on a view's map shows the rows it emits on
# the connector's samples and the reduce result; a change that makes the
# map throw on one sample names the document and marks the line in the
# gutter; the next change updates the rows after the pause; without
# samples the panel says how to get some; an endless loop runs in a child
# that closing the editor kills and reaps.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
plan 17

proj=$(ui_sample)
samples=$proj/_fsstudio/samples/inspections.ndjson
mkdir -p "$proj/_fsstudio/samples"
cat > "$samples" <<'EOF'
{"_id":"i1","type":"inspection","site":"north","date":"2024-01-02","status":"open","inspector":{"name":"ann"}}
{"_id":"i2","type":"inspection","site":"south","date":"2024-01-03","status":"done"}
{"_id":"x1","type":"other"}
EOF
# Children of the studio (the runner forks them).
kids() { pgrep -P "$(ui_studio_pid)" | wc -l; }
running() { [ "$(kids)" -ge 1 ]; }

ui_start 200 34 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }
ui_keys / ; ui_type by_site; ui_keys Enter Escape
ui_wait_row 0 "visits/by_site "
ui_keys e
ui_wait_row 0 "Edit inspections/visits/by_site/map"
ui_keys F6
check "F6 shows the results: samples, rows, none threw" ui_wait "3 samples, 2 rows, 0 threw"
check "an emitted row: key, value, id" \
	ui_wait '["north","2024-01-02"] → {"status":"open","inspector":{"name":"ann"}}  (i1)'
check "the other row" ui_wait '["south","2024-01-03"] → {"status":"done"}  (i2)'
check "the reduce result (_count)" ui_wait "reduce → 2"

# a line that throws on i2 (no inspector)
ui_keys Down End Enter
ui_type "var who = doc.inspector.name;"
check "the exception names its document and line" ui_wait_re "i2 threw at map:3:[0-9]*: TypeError"
check "the gutter marks the line" ui_wait "   3!         var who = doc.inspector.name;"
check "i2's row is gone, as CouchDB would skip it" ui_wait "3 samples, 1 row, 1 threw"
check "the reduce counts what is left" ui_wait "reduce → 1"
ui_keys Up Down
check "on that line the message line spells it out" ui_wait "3: throws on sample i2: TypeError"

# another change: the rows follow after the pause, the mark goes
ui_keys C-k Up Home
ui_type 'emit("typed", doc._id);'
check "the rows follow the new text" ui_wait '"typed" → "x1"  (x1)'
check "no exception is left" ui_wait "3 samples, 5 rows, 0 threw"
check "the gutter mark is gone" ui_wait_gone "   3!"

ui_keys F6
check "F6 hides the panel" ui_wait_gone "3 samples, 5 rows"

# no samples: the panel says how to get them
mv "$samples" "$tap_tmp/samples.ndjson"
ui_keys F6
check "no samples: the command that saves some" \
	ui_wait "no samples: fsstudio run . inspections/visits/by_site --server S --save-samples"

# an endless loop runs in a child (the studio answers keys meanwhile);
# closing the editor kills it and reaps it at once
mv "$tap_tmp/samples.ndjson" "$samples"
ui_keys Home
ui_type "while (doc) {}"
check "the run is a child process" ui_poll "for a runner child" running
child=$(pgrep -P "$(ui_studio_pid)" | head -1)
ui_keys F7
ui_wait "No syntax errors or warnings"
check "a key is answered while that run goes on" kill -0 "$child"
ui_keys C-q
ui_wait "Unsaved edits"
ui_keys k
ui_wait_gone "Edit inspections"
check "closing the editor leaves no runner child" test "$(kids)" -eq 0

done_testing
