/* Before a prune: the project must be all there. A design document the
 * project lost on the way (a file of _c8oProject/ that nothing includes any
 * more, a file or folder it cannot read) would look deleted, and the prune
 * would delete it on the server. See fs_deploy_prune_check in deploy.h. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "deploy/deploy.h"
#include "base/buf.h"
#include "base/fsutil.h"

#define SPLIT_DIR "_c8oProject"
#define NAMED 3   /* files named in the message; the others are counted */

typedef struct problems {
	fs_buf names;
	size_t n;
} problems;

static void note(problems *pb, const char *rel, const char *why)
{
	if (pb->n++ < NAMED)
		fs_buf_printf(&pb->names, "%s%s (%s)", pb->n > 1 ? ", " : "", rel, why);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

static int rendered(const fs_files *f, const char *rel)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].relpath, rel))
			return 1;
	return 0;
}

/* Every .yaml file under dir/rel: read by the load, and readable. */
static void walk(const char *dir, const char *rel, const fs_files *f, problems *pb)
{
	char *path = fs_path_join(dir, rel);
	DIR *d = opendir(path);
	if (!d) {
		note(pb, rel, "folder not readable");
		free(path);
		return;
	}
	for (struct dirent *de; (de = readdir(d));) {
		if (de->d_name[0] == '.')
			continue;
		char *sub = fs_xasprintf("%s/%s", rel, de->d_name);
		char *full = fs_path_join(dir, sub);
		if (fs_is_dir(full))
			walk(dir, sub, f, pb);
		else if (!ends_with(sub, ".yaml"))
			;
		else if (access(full, R_OK))
			note(pb, sub, "not readable");
		else if (!rendered(f, sub))
			note(pb, sub, "skipped: included by no bean of the project");
		free(full);
		free(sub);
	}
	closedir(d);
	free(path);
}

enum fs_err_code fs_deploy_prune_check(fs_project *p, fs_err *e)
{
	const char *dir = fs_project_dir(p);
	char *split = dir ? fs_path_join(dir, SPLIT_DIR) : NULL;
	int has = split && fs_is_dir(split);
	free(split);
	if (!has)
		return 0;
	fs_files f = { 0 };
	int rc = fs_project_render(p, &f, e);
	if (rc)
		return rc;
	problems pb = { FS_BUF_INIT, 0 };
	walk(dir, SPLIT_DIR, &f, &pb);
	if (pb.n > NAMED)
		fs_buf_printf(&pb.names, " and %zu more", pb.n - NAMED);
	if (pb.n)
		rc = fs_err_set(e, FS_E_INVALID, "refusing to prune: the project was not read whole, so design "
			"documents may look deleted when they are not: %s; fix the project (or deploy without "
			"--prune)", fs_buf_str(&pb.names));
	fs_buf_free(&pb.names);
	fs_files_free(&f);
	return rc;
}
