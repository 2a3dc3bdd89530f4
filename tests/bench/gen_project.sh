#!/bin/sh
# Writes a Convertigo project in the real on-disk format (c8oProject.yaml and
# one file per connector, docdata encoded as Convertigo writes it) for the
# benchmarks: gen_project.sh OUT [CONNECTORS [DDOCS [VIEWS]]], default 50 x 20 x 5.
set -eu
out=$1 nconn=${2:-50} nddoc=${3:-20} nview=${4:-5}
mkdir -p "$out/_c8oProject/connectors" "$out/_c8oProject/sequences"
awk -v out="$out" -v nconn="$nconn" -v nddoc="$nddoc" -v nview="$nview" '
# A JavaScript text as one docdata JSON string: every line but the last ends
# with the \n escape followed by a real newline (slashes and single quotes
# are escaped on the whole JSON text, see ddoc()).
function js(s,   r) {
	r = s
	gsub(/\\/, "\\\\", r); gsub(/"/, "\\\"", r)
	gsub(/\n/, "\\n\n", r)
	return "\"" r "\""
}
# Indents every line of s by pad (the block indentation of the docdata).
function block(s, pad,   r) {
	r = pad s
	gsub(/\n/, "\n" pad, r)
	return r
}
# The last view of each design document is a listener view: it emits doc._id.
function map_fn(c, d, v,   key) {
	key = v == nview - 1 ? "doc._id" : "[doc.owner, doc.date]"
	return "function (doc) {\n    // view " v " of ddoc " d "\n    if (doc.type === \"item_" c "_" d "\" && doc.owner) {\n        emit(" key ", {value: doc.value, state: doc.state});\n    }\n}"
}
function reduce_fn(v) {
	if (v % 3 == 0) return "_count"
	if (v % 3 == 1) return "_sum"
	return ""
}
function ddoc(c, d, f,   j, v, r) {
	j = "{\n  \"_id\": \"_design/ddoc_" d "\",\n  \"filters\": {\n    \"mine\": " js("function (doc, req) {\n    return doc.owner === req.userCtx.name;\n}") "\n  },\n  \"updates\": {},\n  \"views\": {\n"
	for (v = 0; v < nview; v++) {
		r = reduce_fn(v)
		j = j "    \"view_" v "\": {\n      \"map\": " js(map_fn(c, d, v))
		if (r != "") j = j ",\n      \"reduce\": \"" r "\""
		j = j "\n    }" (v + 1 < nview ? "," : "") "\n"
	}
	j = j "  }\n}"
	gsub(/\//, "\\/", j)          # only strings hold slashes
	gsub(/'\''/, "'\'''\''", j)   # the quoted scalar doubles single quotes
	printf "↓ddoc_%d [couchdb.DesignDocument]: \n  docdata: \n    →: |\n%s\n", d, block("'\''" j "'\''", "      ") > f
}
BEGIN {
	p = out "/c8oProject.yaml"
	printf "↑convertigo: 8.3.0.m006\n↓bench [core.Project]: \n  comment: Generated for the benchmarks\n  version: 1.0.0" > p
	for (c = 0; c < nconn; c++)
		printf "\n  ↓db_%d [connectors.FullSyncConnector]: 🗏 connectors/db_%d.yaml", c, c > p
	printf "\n  ↓OnChange [sequences.GenericSequence]: 🗏 sequences/OnChange.yaml" > p
	close(p)
	s = out "/_c8oProject/sequences/OnChange.yaml"
	printf "comment: Called by the listeners\n↓Input_variables [steps.InputVariablesStep-1732190400001]: " > s
	close(s)
	for (c = 0; c < nconn; c++) {
		f = out "/_c8oProject/connectors/db_" c ".yaml"
		printf "databaseName: db_%d\n", c > f
		printf "↓GetServerInfo [transactions.couchdb.GetServerInfoTransaction]: \n  ↑default: true\n" > f
		printf "↓GetView [transactions.couchdb.GetViewTransaction]: \n  q_reduce: false\n  viewname: ddoc_0/view_0\n" > f
		printf "↓Save [transactions.couchdb.PostDocumentTransaction]: \n  policy: merge\n" > f
		for (d = 0; d < nddoc; d++)
			ddoc(c, d, f)
		printf "↓Changes [couchdb.FullSyncListener]: \n  targetSequence: bench.OnChange\n  targetView: bench.db_%d.ddoc_0.view_%d", c, nview - 1 > f
		close(f)
	}
}'
