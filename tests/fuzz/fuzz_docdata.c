/* libFuzzer target for the docdata codec. The input is read both as a
 * docdata text and as plain JSON. Properties: what decodes re-encodes to a
 * text that decodes to the same document, and encoding is stable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "model/docdata.h"

static void stable(cJSON *doc)
{
	char *t1 = fs_docdata_encode(doc);
	cJSON *d1;
	if (fs_docdata_decode(t1, &d1, NULL, NULL))
		abort();
	char *t2 = fs_docdata_encode(d1);
	cJSON *d2;
	if (fs_docdata_decode(t2, &d2, NULL, NULL))
		abort();
	/* tabs become spaces on the first pass only; then the text is stable
	 * (cJSON_Compare is not used: it mismatches duplicate keys) */
	char *t3 = fs_docdata_encode(d2);
	if (strcmp(t2, t3))
		abort();
	free(t1);
	free(t2);
	free(t3);
	cJSON_Delete(d1);
	cJSON_Delete(d2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	cJSON *doc;
	int line;
	if (!fs_docdata_decode(text, &doc, &line, NULL)) {
		stable(doc);
		cJSON_Delete(doc);
	}
	doc = cJSON_ParseWithLength(text, size);
	if (cJSON_IsObject(doc))
		stable(doc);
	cJSON_Delete(doc);
	free(text);
	return 0;
}
