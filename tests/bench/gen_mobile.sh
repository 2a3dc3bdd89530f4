#!/bin/sh
# Adds a mobile application of realistic shape to a project written by
# gen_project.sh: gen_mobile.sh PROJECT [PAGES [DEPTH [FANOUT]]], default
# 60 x 4 x 4. As in real projects (see the fixtures' resolveconflicts), the
# MobileApplication bean is inline in c8oProject.yaml, its Application in
# _c8oProject/mobileApplication.yaml, and each page in
# _c8oProject/mobilePages/PageN.yaml: a deep tree of UI component beans with
# long property values (beanData JSON, smart-source arrays, `|` scripts).
set -eu
out=$1 npage=${2:-60} depth=${3:-4} fanout=${4:-4}
mkdir -p "$out/_c8oProject/mobilePages"
awk -v out="$out" -v npage="$npage" -v depth="$depth" -v fanout="$fanout" '
function pad(n,   s) { s = ""; while (n-- > 0) s = s " "; return s }
# One UI bean at indentation ind, with its properties, then its kids.
function bean(f, ind, d,   p, k, id, ts) {
	p = pad(ind)
	id = ++count; ts = sprintf("16015%08d", id)
	if (d == depth) {
		printf "%s↓Text%d [mobile.components.UIText-%s]: \n", p, id, ts > f
		printf "%s  i18n: false\n%s  textValue: \n%s    - xmlizable: \n", p, p, p > f
		printf "%s      - ↑classname: com.twinsoft.convertigo.beans.mobile.components.MobileSmartSourceType\n", p > f
		printf "%s      - MobileSmartSourceType: source:{\"filter\":\"Sequence\",\"project\":\"bench\",\"input\":\"listen([%sbench.Seq%d%s])?.document?.rows?.[%d]?.value?.label\"}\n", p, "'\'''\''", id % 97, "'\'''\''", id % 13 > f
		return
	}
	printf "%s↓Element%d [mobile.components.UIDynamicElement-%s]: \n", p, id, ts > f
	printf "%s  beanData: '\''{\"ionBean\":\"Button\",\"MenuMode\":\"plain:menuToggle\",\"ButtonStyle\":\"plain:outline\",\"Color\":\"plain:primary\",\"Size\":\"plain:large\",\"Id\":\"plain:el%d\"}'\''\n", p, id > f
	printf "%s  comment: Element %d of the generated page, with a comment long enough to look like the real ones\n", p, id > f
	printf "%s  tagName: ion-button\n", p > f
	if (d == 1) {
		printf "%s  ↓Event%d [mobile.components.UIControlEvent-%s1]: \n", p, id, ts > f
		printf "%s    ↓CallSequence [mobile.components.UIDynamicAction-%s2]: \n", p, ts > f
		printf "%s      beanData: |\n%s        '\''{\n%s         \"ionBean\": \"CallSequenceAction\",\n", p, p, p > f
		printf "%s         \"requestable\": \"plain:bench.Seq%d\",\n%s         \"marker\": \"plain:%d\"\n%s        }'\''\n", p, id % 97, p, id, p > f
	}
	for (k = 0; k < fanout; k++)
		bean(f, ind + 2, d + 1)
}
function page(n,   f, k) {
	f = out "/_c8oProject/mobilePages/Page" n ".yaml"
	printf "comment: Generated page %d\nscriptContent: \n  - xmlizable: \n", n > f
	printf "    - ↑classname: com.twinsoft.convertigo.beans.common.FormatedContent\n" > f
	printf "    - com.twinsoft.convertigo.beans.common.FormatedContent: \n      →: |\n" > f
	for (k = 0; k < 20; k++)
		printf "        /*Begin_c8o_PageFunction %d*/ this.value%d = this.value%d || {}; // a line of page script\n", k, k, k > f
	printf "        \nsegment: path-to-page-%d\ntitle: Page %d\n", n, n > f
	for (k = 0; k < fanout; k++)
		bean(f, 0, 0)
	close(f)
}
BEGIN {
	a = out "/_c8oProject/mobileApplication.yaml"
	printf "componentScriptContent: \n  - xmlizable: \n    - ↑classname: com.twinsoft.convertigo.beans.common.FormatedContent\n" > a
	printf "    - com.twinsoft.convertigo.beans.common.FormatedContent: \n      →: |\n        /*Begin_c8o_AppImport*/\n        /*End_c8o_AppImport*/\n        \n" > a
	printf "tplProjectName: mobilebuilder_tpl_7_8_0\n" > a
	for (n = 0; n < npage; n++)
		printf "↓Page%d [mobile.components.PageComponent-15005%08d]: 🗏 mobilePages/Page%d.yaml\n", n, n, n > a
	printf "↓Theme [mobile.components.UITheme-1491635018260]: \n  comment: Global color themes can be customized here" > a
	close(a)
	for (n = 0; n < npage; n++)
		page(n)
	p = out "/c8oProject.yaml"
	printf "\n  ↓MobileApplication [core.MobileApplication]: \n    comment: The generated mobile application\n" >> p
	printf "    ↓Android [mobileplatforms.Android]: \n      comment: Android platform\n" >> p
	printf "    ↓Application [mobile.components.ApplicationComponent]: 🗏 mobileApplication.yaml" >> p
}'
