/* Model-level checks of a project: references between beans (listeners,
 * GetView transactions) and what the engine expects of the views they use.
 * JavaScript syntax is checked elsewhere (js.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "js/js.h"
#include "model/project_int.h"

static void add(fs_issues *out, const fs_obj *o, int warning, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(fs_issues *out, const fs_obj *o, int warning, const char *fmt, ...)
{
	fs_buf b = FS_BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	fs_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	out->v = fs_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
	out->v[out->n++] = (fs_issue){ fs_obj_path(o), warning, fs_buf_steal(&b) };
}

/* The view named "Project.connector.ddoc.view", or NULL. */
static fs_obj *find_view(fs_project *p, const char *ref)
{
	char *s = fs_xstrdup(ref), *parts[4] = { s };
	int n = 1;
	for (char *t = s; n < 4 && (t = strchr(t, '.')); n++) {
		*t++ = 0;
		parts[n] = t;
	}
	fs_obj *o = NULL;
	if (n == 4 && !strcmp(parts[0], fs_project_name(p))) {
		o = fs_obj_kid(p->root, FS_K_CONNECTOR, FS_FN_NONE, parts[1]);
		o = o ? fs_obj_kid(o, FS_K_DDOC, FS_FN_NONE, parts[2]) : NULL;
		o = o ? fs_obj_kid(o, FS_K_VIEW, FS_FN_NONE, parts[3]) : NULL;
	}
	free(s);
	return o;
}

/* "ddoc/name" in a connector: a view or a filter. */
static fs_obj *find_in_conn(fs_obj *conn, const char *ref, fs_kind kind, fs_fn_type fn)
{
	const char *slash = strchr(ref, '/');
	if (!slash)
		return NULL;
	char *dd = fs_xstrndup(ref, slash - ref);
	fs_obj *ddoc = fs_obj_kid(conn, FS_K_DDOC, FS_FN_NONE, dd);
	free(dd);
	return ddoc ? fs_obj_kid(ddoc, kind, fn, slash + 1) : NULL;
}

/* "Project.sequence": a sequence of this project or of another project of
 * the workspace, which Convertigo keeps in a folder named after it beside
 * this one. */
static int has_sequence(fs_project *p, const char *ref)
{
	const char *dot = strchr(ref, '.');
	if (!dot)
		return 0;
	char *proj = fs_xstrndup(ref, dot - ref);
	int found = 0;
	if (!strcmp(proj, fs_project_name(p))) {
		found = fs_obj_kid(p->root, FS_K_SEQUENCE, FS_FN_NONE, dot + 1) != NULL;
	} else if (fs_project_dir(p)) {
		char *dir = fs_xasprintf("%s/../%s", fs_project_dir(p), proj);
		fs_project *other = NULL;
		if (!fs_project_open(&other, dir, NULL)) {
			found = !strcmp(fs_project_name(other), proj) &&
				fs_obj_kid(other->root, FS_K_SEQUENCE, FS_FN_NONE, dot + 1);
			fs_project_free(other);
		}
		free(dir);
	}
	free(proj);
	return found;
}

/* A textual check: the engine queries the view with the changed ids as keys. */
static void check_listener(fs_project *p, fs_obj *o, fs_issues *out)
{
	int by_view = fs_listener_by_view(o->cls);
	const char *seq = fs_obj_prop(o, "targetSequence");
	const char *chunk = fs_obj_prop(o, "chunk");
	if (chunk && !strcmp(chunk, "0"))
		add(out, o, 1, "chunk is 0: the listener is disabled");
	if (seq && *seq) {
		if (!has_sequence(p, seq))
			add(out, o, 1, "targetSequence %s names no sequence of the workspace's projects", seq);
	} else {
		add(out, o, 1, "no targetSequence: the listener calls nothing");
	}
	if (by_view == 0) {
		const char *f = fs_obj_prop(o, "targetFilter");
		if (f && *f && strcmp(f, "_doc_ids") && !find_in_conn(o->parent, f, FS_K_FUNCTION, FS_FN_FILTER))
			add(out, o, 1, "targetFilter %s names no filter of %s", f, o->parent->name);
		return;
	}
	const char *tv = fs_obj_prop(o, "targetView");
	if (!tv || !*tv) {
		add(out, o, 1, "no targetView: the listener listens to no view");
		return;
	}
	fs_obj *view = find_view(p, tv);
	if (!view) {
		add(out, o, 1, "targetView %s names no existing view", tv);
		return;
	}
	fs_obj *map = fs_obj_kid(view, FS_K_FUNCTION, FS_FN_MAP, "map");
	if (!map || !fs_js_map_emits_id(fs_fn_text(map)))
		add(out, o, 1, "the view %s does not emit(doc._id, ...): the listener gets no documents", tv);
}

static void check_obj(fs_project *p, fs_obj *o, fs_issues *out)
{
	switch (o->kind) {
	case FS_K_CONNECTOR:
		if (!fs_connector_name_ok(o->name))
			add(out, o, 0, "'%s' is not a valid FullSync connector name (^[a-z][a-z0-9_$()+/-]*$)", o->name);
		break;
	case FS_K_LISTENER:
		check_listener(p, o, out);
		break;
	case FS_K_TRANSACTION: {
		const char *vn = fs_obj_prop(o, "viewname");
		if (!strcmp(o->cls, FS_PFX_TRANS "GetViewTransaction") && vn && *vn &&
		    !find_in_conn(o->parent, vn, FS_K_VIEW, FS_FN_NONE))
			add(out, o, 0, "viewname %s names no view of %s", vn, o->parent->name);
		break;
	}
	case FS_K_DDOC: {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(fs_ddoc_json(o), "_id");
		if (!cJSON_IsString(id) || strncmp(id->valuestring, "_design/", 8) || strcmp(id->valuestring + 8, o->name))
			add(out, o, 1, "the _id of the design document is not _design/%s", o->name);
		break;
	}
	case FS_K_FUNCTION: {
		const char *t = fs_fn_text(o);
		if (!t || !t[strspn(t, " \t\r\n")])
			add(out, o, 0, "empty %s function", fs_fn_name(o->fn));
		break;
	}
	default:
		break;
	}
	for (size_t i = 0; i < o->nkids; i++)
		check_obj(p, o->kids[i], out);
}

void fs_project_check(fs_project *p, fs_issues *out)
{
	memset(out, 0, sizeof *out);
	check_obj(p, p->root, out);
}

void fs_issues_free(fs_issues *is)
{
	for (size_t i = 0; i < is->n; i++) {
		free(is->v[i].path);
		free(is->v[i].message);
	}
	free(is->v);
	memset(is, 0, sizeof *is);
}
