/* The conflict pane: an object changed on disk and in the studio (see
 * watch.h). It shows both versions of the first conflict and settles it
 * with one key: m keeps mine, t takes theirs (the disk's, already in the
 * model), e opens both in $EDITOR with conflict markers and keeps what the
 * user leaves there. Until every conflict is settled, nothing is saved. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "app.h"
#include "colors.h"
#include "draw.h"
#include "base/fsutil.h"
#include "watch.h"

/* The pane's lines: p->priv, an fs_lines (pane.h). */
static void add(fs_lines *c, int color, const char *text)
{
	fs_lines_add(c, 0, color, NULL, text);
}

static void add_text(fs_lines *c, const char *text, const char *none)
{
	const char *s = text;
	if (!text) {
		add(c, FS_C_PROP_READONLY, none);
		return;
	}
	while (*s || s == text) {
		size_t l = strcspn(s, "\n");
		char *line = fs_xstrndup(s, l);
		add(c, FS_C_DEFAULT, line);
		free(line);
		s += l;
		if (!*s)
			break;
		s++;
	}
}

static void build(fs_app *a, fs_pane *p)
{
	fs_lines *c = p->priv;
	size_t left;
	int proj;
	fs_conflict *cf = fs_sync_conflict(a, &proj, &left);
	fs_lines_clear(c);
	if (cf) {
		char *what = fs_op_describe(&cf->op), *head;
		head = fs_xasprintf("%s: %s (%s)", fs_project_root(a->projects[proj])->name, what, cf->why);
		add(c, FS_C_HEADER, head);
		free(what);
		free(head);
		add(c, FS_C_HELP_KEY, "m keep mine   t take theirs   e open both in the editor   Esc later");
		add(c, FS_C_DEFAULT, "");
		add(c, FS_C_HELP_GROUP, "On disk (theirs):");
		add_text(c, cf->theirs, "(gone from the disk)");
		add(c, FS_C_DEFAULT, "");
		add(c, FS_C_HELP_GROUP, "Here (mine):");
		add_text(c, cf->mine, cf->op.kind == FS_OP_DELETE ? "(deleted here)" : "(no text)");
	}
	p->lines = c->n;
	if (p->lineno >= p->lines)
		p->lineno = 0;
	fs_pane_goto(p, p->lineno);
}

static void conflict_open(fs_app *a, fs_pane *p)
{
	if (!p->priv)
		p->priv = fs_xcalloc(1, sizeof(fs_lines));
	p->lineno = p->offset = 0;
	build(a, p);
}

static void conflict_title(fs_app *a, fs_pane *p, fs_buf *out)
{
	size_t left;
	(void)p;
	fs_sync_conflict(a, NULL, &left);
	fs_buf_printf(out, "Conflict%s: %zu to settle", left == 1 ? "" : "s", left);
}

static void conflict_draw(fs_app *a, fs_pane *p, size_t lineno, int y, int x, int w, int cursor)
{
	const fs_lines *c = p->priv;
	int attr = cursor ? fs_color_attr(FS_C_CURSOR) : fs_color_attr(c->v[lineno].color);
	(void)a;
	fs_draw_fill(y, x, w, attr);
	fs_draw_text(y, x, w, c->v[lineno].text, attr);
}

/* What is left once the conflict is settled: the next one, or the tree. */
static void settled(fs_app *a, fs_pane *p, const char *how)
{
	size_t left;
	if (!fs_sync_conflict(a, NULL, &left)) {
		fs_app_close_pane(a, p);
		fs_app_msg(a, "%s; no conflict left: s saves", how);
		return;
	}
	build(a, p);
	fs_app_msg(a, "%s; %zu conflict%s left", how, left, left == 1 ? "" : "s");
}

static int write_both(const fs_conflict *cf, char *path, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	char *text = fs_xasprintf("<<<<<<< on disk (theirs)\n%s\n=======\n%s\n>>>>>>> here (mine)\n",
				  cf->theirs, cf->mine);
	fs_err e = { 0 };
	int fd, rc;
	snprintf(path, size, "%s/fsstudio-conflict-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0) {
		free(text);
		return -1;
	}
	close(fd);
	rc = fs_write_file_atomic(path, text, strlen(text), 0600, &e);
	free(text);
	return rc;
}

static int has_markers(const char *s)
{
	return !strncmp(s, "<<<<<<< ", 8) || strstr(s, "\n<<<<<<< ") || strstr(s, "\n=======\n") ||
	       strstr(s, "\n>>>>>>> ");
}

/* Both versions in $EDITOR; what is left without markers is kept as mine. */
static void edit_both(fs_app *a, fs_pane *p, fs_conflict *cf)
{
	char path[4096], *text = NULL;
	fs_err e = { 0 };
	size_t l;
	if (!cf->mine || !cf->theirs || (cf->op.kind != FS_OP_TEXT && cf->op.kind != FS_OP_PROP)) {
		fs_app_error(a, "Only two texts can be merged in the editor: m keeps mine, t takes theirs");
		return;
	}
	if (write_both(cf, path, sizeof path)) {
		fs_app_error(a, "Cannot write a temporary file for the editor");
		return;
	}
	if (fs_app_run_editor(a, path) == 0 && fs_read_file(path, &text, NULL, &e) == 0) {
		if (has_markers(text)) {
			fs_app_error(a, "The conflict markers are still there: the conflict stays");
		} else {
			/* the editor's final newline is not part of the text */
			if ((l = strlen(text)) && text[l - 1] == '\n' && !(cf->mine[0] && cf->mine[strlen(cf->mine) - 1] == '\n'))
				text[l - 1] = 0;
			if (fs_sync_settle(a, 'e', text, &e))
				fs_app_error(a, "Not applied: %s", e.msg);
			else
				settled(a, p, "Kept the merged text");
		}
	} else if (e.msg[0]) {
		fs_app_error(a, "%s", e.msg);
	}
	free(text);
	unlink(path);
}

static int conflict_key(fs_app *a, fs_pane *p, int key)
{
	fs_conflict *cf = fs_sync_conflict(a, NULL, NULL);
	fs_err e = { 0 };
	if (!cf || (key != 'm' && key != 't' && key != 'e'))
		return 0;
	if (key == 'e') {
		edit_both(a, p, cf);
	} else if (fs_sync_settle(a, key, NULL, &e)) {
		fs_app_error(a, "Not kept: %s", e.msg);
	} else {
		settled(a, p, key == 'm' ? "Kept mine" : "Took theirs");
	}
	return 1;
}

static fs_req conflict_request(fs_app *a, fs_pane *p, fs_req r)
{
	if (r != FS_REQ_CLOSE)
		return r;
	fs_app_close_pane(a, p);
	fs_app_msg(a, "The conflicts wait: s shows them again (nothing is saved until they are settled)");
	return FS_REQ_NONE;
}

static void conflict_reload(fs_app *a, fs_pane *p)
{
	if (p->priv)
		build(a, p);
}

static void conflict_close(fs_app *a, fs_pane *p)
{
	(void)a;
	if (p->priv) {
		fs_lines_free(p->priv);
		free(p->priv);
		p->priv = NULL;
	}
}

const struct fs_pane_ops fs_conflict_ops = {
	.name = "conflict",
	.keymap = FS_KM_GENERIC,
	.open = conflict_open,
	.title = conflict_title,
	.draw = conflict_draw,
	.request = conflict_request,
	.reload = conflict_reload,
	.close = conflict_close,
	.key = conflict_key,
};
