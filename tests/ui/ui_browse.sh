#!/bin/sh
# The database browser in tmux against a real pouchdb-server: servers >
# databases > documents > a document (highlighted JSON), its revisions, a
# diff, resolving a conflict, running a view query and paging it, the
# changes feed, jump to an id, errors in plain words.
. "$FS_SRCDIR/tests/lib/tap.sh"
. "$FS_SRCDIR/tests/lib/couch.sh"
. "$FS_SRCDIR/tests/ui/lib.sh"
ui_need
couch_start || plan_skip "pouchdb-server not installed"
plan 50

# the fixture: documents, a design document with a view, a conflict
curl -fsS -X PUT "$COUCH_URL/shop" >/dev/null
python3 - "$COUCH_URL" <<'EOF'
import json, sys, urllib.request
def post(path, body):
    req = urllib.request.Request(sys.argv[1] + path, json.dumps(body).encode(), {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))
docs = [{"_id": "item%03d" % i, "price": i, "tags": ["a", "b"]} for i in range(250)]
docs.append({"_id": "_design/shop", "views": {"by_price": {"map": "function(doc){ if (doc.price !== undefined) emit(doc.price, doc._id); }"}}})
post("/shop/_bulk_docs", {"docs": docs})
post("/shop", {"_id": "big", "nested": {"k%02d" % i: i for i in range(50)}})
post("/shop/_bulk_docs", {"docs": [{"_id": "acl1", "~c8oAcl": "amy"}, {"_id": "acl2", "~c8oAcl": "bob"}, {"_id": "acl3", "c8oGrp": {"sales": "true"}}]})
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/grp", method="PUT")).read()
post("/grp", {"type": "c8oGrp", "user": "amy", "group": "sales"})
r = post("/shop", {"_id": "clash", "v": "base"})
h = r["rev"].split("-")[1]
post("/shop/_bulk_docs", {"new_edits": False, "docs": [
    {"_id": "clash", "_rev": "2-aaaa", "_revisions": {"start": 2, "ids": ["aaaa", h]}, "v": "left"},
    {"_id": "clash", "_rev": "2-bbbb", "_revisions": {"start": 2, "ids": ["bbbb", h]}, "v": "right"}]})
EOF

curl -fsS -X PUT "$COUCH_URL/inspections" >/dev/null
python3 - "$COUCH_URL" <<'EOF'
import json, sys, urllib.request
docs = [{"type": "inspection", "status": s} for s in ["open", "open", "closed"]]
docs.append({"_id": "_design/visits", "views": {"by_status": {"map": "function (doc) { if (doc.type === 'inspection') { emit(doc.status || 'draft', 1); } }", "reduce": "_sum"}}})
req = urllib.request.Request(sys.argv[1] + "/inspections/_bulk_docs", json.dumps({"docs": docs}).encode(), {"Content-Type": "application/json"})
urllib.request.urlopen(req).read()
EOF

# an attachment (binary, a slash and a space in its name)
head -c 2000 /dev/urandom >"$tap_tmp/blob.bin"
rev=$(curl -fsS "$COUCH_URL/shop/item005" | python3 -c 'import json,sys; print(json.load(sys.stdin)["_rev"])')
curl -fsS -X PUT "$COUCH_URL/shop/item005/img/a%20b.bin?rev=$rev" -H 'Content-Type: application/octet-stream' \
	--data-binary @"$tap_tmp/blob.bin" >/dev/null

proj=$(ui_sample)
: "${UI_HOME:=$tap_tmp/home}"
mkdir -p "$UI_HOME/.config/fsstudio"
printf '[testcouch]\nurl = %s\n[dead]\nurl = http://127.0.0.1:9\n' "$COUCH_URL" >"$UI_HOME/.config/fsstudio/servers"
chmod 600 "$UI_HOME/.config/fsstudio/servers"
ui_start 120 40 "$proj" .
ui_wait "FieldInspections" || { not_ok "starts"; done_testing; }

ui_keys B
check "B opens the browser on the server list" ui_wait "testcouch"
# a profile added meanwhile: F5 reads them again
printf '[zlate]\nurl = http://127.0.0.1:9\n' >>"$UI_HOME/.config/fsstudio/servers"
ui_keys F5
check "F5 reads the server profiles again" ui_wait "zlate"
# a dead server (nothing listens on the discard port): plain words
ui_keys / ; ui_type "dead "; ui_keys Enter Enter
check "a dead server is said plainly" ui_wait "cannot connect to http://127.0.0.1:9"
ui_keys / ; ui_type testcouch; ui_keys Enter Enter
check "Enter on a server lists its databases with counts" ui_wait "256"
# db_table_fits COLS ROWS: at that size the databases' table is not cut:
# its header ends on a whole title, the counts end under "docs", the row of
# shop is whole (its last cell matches the header's last title)
db_table_fits() {
	ui_resize "$1" "$2"
	end=$(($(date +%s) + ui_deadline))
	until db_table_ok >"$tap_tmp/why"; do    # until redrawn at that size
		[ "$(date +%s)" -lt "$end" ] || { cat "$tap_tmp/why"; ui_screen | sed 's/^/# | /'; return 1; }
		sleep 0.05
	done
}
db_table_ok() {
	ui_screen | LC_ALL=C.UTF-8 awk '
		/database +docs/ && !h { h = $0; next }
		h && /[│ ]shop / { r = $0 }
		END {
			gsub(/[│ ]+$/, "", h); gsub(/[│ ]+$/, "", r)
			sub(/.*│/, "", h); sub(/.*│/, "", r)    # the browser pane alone
			if (h !~ /(docs|deleted|size|seq|revs|security)$/) { print "# header cut: " h; exit 1 }
			d = index(h, " docs") + 4
			if (substr(r, d - 2, 3) != "256" || substr(r, d + 1, 1) != " ") { print "# docs not aligned: " r; exit 1 }
			if (h ~ /security$/ && r !~ /public, 0 admins$/) { print "# row cut: " r; exit 1 }
			if (h ~ /size$/ && r !~ /B$/) { print "# row cut: " r; exit 1 }
		}'
}
check "the databases table fits 80x24" db_table_fits 80 24
check "and 60x16, dropping columns" db_table_fits 60 16
ui_resize 120 40
# F5 reads the list again, the cursor staying on its database
ui_keys / ; ui_type inspections; ui_keys Enter
curl -fsS -X PUT "$COUCH_URL/aaa_fresh" >/dev/null
ui_keys F5
check "F5 lists a database created meanwhile" ui_wait "aaa_fresh"
ui_keys Enter
check "the cursor stayed on its database" ui_wait "testcouch/inspections"
ui_keys Escape
ui_wait "aaa_fresh"
# the browser left for the tree and opened again is as it was
ui_keys Tab B Enter
check "B shows the browser as it was left" ui_wait "testcouch/inspections"
ui_keys Escape
ui_wait "aaa_fresh"
ui_keys / ; ui_type shop; ui_keys Enter Enter
check "a database opens on its first page of documents" ui_wait "item000"
check "design documents are apart" ui_wait "[design documents]"
ui_keys U
ui_wait "View as user"
ui_type "amy@grp"; ui_keys Enter
check "U lists what a FullSync user receives, filtered by the server" ui_wait "[as amy@grp, no index]"
check "her own and her group's documents" ui_wait "acl3"
check "not another user's" ui_wait_gone "acl2"
ui_keys U
ui_wait "View as user"
ui_keys C-u Enter
check "an empty user lists everything again" ui_wait "acl2"
check "a next page is offered" ui_wait "]:next"
ui_keys ]
check "] shows the next page" ui_wait "item100"
check "and offers the previous one" ui_wait "[:prev"
ui_keys / ; ui_wait "Jump to id:"; ui_type clash; ui_keys Enter
ui_wait_gone "Jump to id:"
ui_wait "2-bbbb"
ui_keys Enter
check "a document shows as JSON" ui_wait '"_id": "clash"'
check "its conflicts are announced" ui_wait "has conflicts"
ui_keys v
check "v shows the revision tree with the conflict" ui_wait "CONFLICT"
check "the winner is named" ui_wait "winner 2-bbbb"
ui_keys Down =
ui_wait "Marked"
ui_keys Down =
check "= on two revisions shows their diff" ui_wait '+  "v": "left"'
ui_keys Escape
ui_wait "CONFLICT"
ui_keys w
check "w asks before resolving" ui_wait "delete the 1 other leaf"
ui_keys y
check "resolving leaves no conflict" ui_wait "0 conflicts"
ui_keys Escape
ui_wait '"_id": "clash"'
ui_keys Escape
ui_wait "[design documents]"
ui_keys Home Enter
ui_wait "view by_price"
ui_keys Down Enter
ui_wait "Query shop/by_price"
ui_type "limit=5 descending=true"; ui_keys Enter
check "the view query shows its rows" ui_wait "item249"
check "limit is the page size" ui_wait "]:next"
ui_keys ]
check "] pages the view by key" ui_wait "item244"
check "the page before the first is gone" ui_wait_gone "item249"
ui_keys Escape
ui_wait "view by_price"
ui_keys Escape
ui_wait "[design documents]"
ui_keys / ; ui_wait "Jump to id:"; ui_type big; ui_keys Enter
ui_wait_gone "Jump to id:"
ui_wait_row 3 "│big "
ui_keys Enter
check "a large object starts folded" ui_wait '"nested": { ... 50 lines'
ui_keys / ; ui_type nested; ui_keys Enter Enter
check "Enter unfolds it" ui_wait '"k30": 30'
check "JSON is highlighted with tree-sitter-json" [ "$(ui_tmux capture-pane -e -p -t ui | grep -c 'k30.*\[')" -ge 1 ]
ui_keys Escape
ui_wait "[design documents]"

# an attachment saved to a file from the document view; a file there is
# replaced only when told
ui_keys / ; ui_wait "Jump to id:"; ui_type item005; ui_keys Enter
ui_wait_gone "Jump to id:"
ui_wait_row 3 "│item005 "
ui_keys Enter
ui_wait "img/a b.bin"
ui_keys End Up Enter
check "Enter on an attachment asks where to save it" ui_wait "Save attachment img/a b.bin to:"
echo kept >"$tap_tmp/att.bin"
ui_keys C-u; ui_type "$tap_tmp/att.bin"; ui_keys Enter
check "an existing file is not replaced without a question" ui_wait "att.bin exists: replace it?"
ui_keys n
ui_wait_gone "replace it?"
check "n leaves it as it was" [ "$(cat "$tap_tmp/att.bin")" = kept ]
ui_keys Enter
ui_wait "Save attachment img/a b.bin to:"
ui_keys C-u; ui_type "$tap_tmp/att.bin"; ui_keys Enter
ui_wait "replace it?"
ui_keys y
check "y saves it" ui_wait "Saved attachment img/a b.bin"
check "byte for byte" cmp -s "$tap_tmp/blob.bin" "$tap_tmp/att.bin"
ui_keys Escape
ui_wait "[design documents]"
ui_keys Escape
ui_wait "256"
ui_keys F
check "F shows the latest changes of the database" ui_wait "Changes  testcouch/shop"
ui_keys F
ui_wait "Following the changes"
curl -fsS -X PUT "$COUCH_URL/shop/live1" -H 'Content-Type: application/json' -d '{}' >/dev/null
check "F follows the changes live" ui_wait "live1"
ui_keys Escape
check "Esc cancels the running request" ui_wait "Cancelled"
ui_keys g
check "and the header no longer says following live" ui_wait "latest changes (F follows)"
# / searches the browser's lines as every pane's (case-insensitive, highlighted)
ui_keys / ; ui_type ITEM245; ui_keys Enter
check "/ searches the changes list" ui_wait "search: ITEM245"
check "the cursor is on the match" ui_poll "the cursor on item245" sh -c \
	"tmux -L '$ui_sock' -f /dev/null capture-pane -p -t ui | grep -q 'item245'"
ui_keys G

# a document deleted after a question
ui_keys Enter
ui_wait '"_id": "live1"'
ui_keys d
check "d asks before deleting a document" ui_wait "Delete document live1"
check "the question shows its answers once" ui_lacks "(y/n)"
ui_keys y
ui_wait "Deleted live1"
check "the document is gone from the server" [ "$(curl -s -o /dev/null -w '%{http_code}' "$COUCH_URL/shop/live1")" = 404 ]

# the view selected in the project tree, run on a chosen server
ui_keys Tab
ui_keys / ; ui_type by_status; ui_keys Enter Escape
ui_keys X
check "X on a view asks for the server" ui_wait "Run the view on which server?"
ui_keys Enter
ui_wait "Query visits/by_status"
ui_type "group=true"; ui_keys Enter
# the pane's own title comes with the query's rows (never before them)
check "the view of the project runs on that server's database" ui_wait "View  testcouch/inspections/visits/by_status"
check "with the options of the form" ui_grep 'options: group=1 '
rows_grouped() { ui_grep '"closed"  *1 *$' && ui_grep '"open"  *2 *$'; }
check "its rows are grouped by key" rows_grouped
done_testing
