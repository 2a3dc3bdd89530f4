/* The record of a deploy in git (see deploy_note.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "deploy/deploy_note.h"
#include "git/notes.h"

static int wrote(const fs_deploy_doc *d)
{
	return d->done && !d->code && (d->action == FS_DA_CREATE || d->action == FS_DA_UPDATE ||
		d->action == FS_DA_DELETE);
}

static void record_db(fs_deploy_record *rec, const fs_deploy_db *db, int *any)
{
	fs_deploy_record_add(&rec->dbs, &rec->ndbs, db->name);
	*any |= db->created;
	for (size_t k = 0; k < db->ndocs; k++) {
		const fs_deploy_doc *d = &db->docs[k];
		if (!wrote(d))
			continue;
		*any = 1;
		char *line = d->action == FS_DA_DELETE ? fs_xasprintf("%s %s", db->name, d->id) :
			fs_xasprintf("%s %s %s", db->name, d->id, d->rev ? d->rev : "?");
		if (d->action == FS_DA_DELETE)
			fs_deploy_record_add(&rec->deleted, &rec->ndeleted, line);
		else
			fs_deploy_record_add(&rec->written, &rec->nwritten, line);
		free(line);
	}
}

static char *iso_now(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return fs_xstrdup(buf);
}

enum fs_err_code fs_deploy_note(fs_repo *r, const fs_deploy_plan *p, int *recorded, fs_err *e)
{
	fs_deploy_record rec;
	int any = 0, rc = 0;
	if (recorded)
		*recorded = 0;
	if (!p->ran || !p->opts.commit)
		return 0;
	memset(&rec, 0, sizeof rec);
	rec.server = fs_xstrdup(p->server ? p->server : "?");
	rec.url = fs_xstrdup(p->url ? p->url : "?");
	rec.at = iso_now();
	rec.failed = (long)p->failed;
	for (size_t i = 0; i < p->ndbs; i++)
		record_db(&rec, &p->dbs[i], &any);
	if (any)
		rc = fs_notes_record(r, p->opts.commit, &rec, e);
	if (any && !rc && recorded)
		*recorded = 1;
	fs_deploy_record_free(&rec);
	return rc;
}
