// Generates N documents shaped like the sample project's (inspections,
// defects, sites, checklists) as NDJSON on stdout, deterministically.
// node gen_docs.js N [plain|mixed]
//   plain: strings of lower-case letters and digits, whose order is the same
//          by ICU (CouchDB) and by code unit (pouchdb-server);
//   mixed: upper case, accents and punctuation too, where the two differ.
const n = +process.argv[2] || 1000, mixed = process.argv[3] === 'mixed';
let seed = 42;
const rnd = k => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % k; };
const pick = a => a[rnd(a.length)];
const plain = ['north', 'south', 'east', 'west', 'site1', 'site2', 'site10', 'alpha', 'beta'];
const words = mixed ? plain.concat(['North', 'Zürich', 'éclair', '_hub', 'a-b', 'B2']) : plain;
const pad = i => String(i).padStart(6, '0');
for (let i = 0; i < n; i++) {
	const d = { _id: 'doc' + pad(i), type: pick(['inspection', 'inspection', 'defect', 'site', 'checklist']) };
	const date = '2024-' + String(1 + rnd(12)).padStart(2, '0') + '-' + String(1 + rnd(28)).padStart(2, '0');
	if (d.type === 'inspection') {
		Object.assign(d, { site: pick(words), date, status: pick(['draft', 'submitted', 'closed']),
			inspector: pick(['ann', 'bob', 'cid']) });
		if (rnd(4)) d.score = rnd(100);
	} else if (d.type === 'defect') {
		Object.assign(d, { site: pick(words), severity: pick([1, 2, 3]), title: pick(words) + i });
		if (rnd(3)) d.dueDate = date;
		if (!rnd(4)) d.closedAt = date;
	} else if (d.type === 'site') {
		Object.assign(d, { name: pick(words) + i, region: pick(words) });
	} else {
		d.items = [];
		for (let k = rnd(4); k >= 0; k--) d.items.push({ label: pick(words), mandatory: !!rnd(2) });
	}
	process.stdout.write(JSON.stringify(d) + '\n');
}
