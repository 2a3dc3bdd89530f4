/* What the lock and the checks of issue 10 cost a `set`: the same edit of
 * one map function in a generated project (tests/bench/gen_project.sh),
 * done twice per round:
 *   plain: the load through a plain file reader, the edit, the changed file
 *          written atomically (what a save did before: no lock, no stamps,
 *          no safe reads, no on-disk check, no journal);
 *   safe:  fs_project_open + the edit + fs_project_save (lock, journal
 *          recovery check, temp sweep, safe reads, stamps, the on-disk
 *          check of the written file, the transaction).
 * Prints the best time of each over the rounds and the ratio safe / plain,
 * in wall time and in CPU time (less noisy on a shared machine; the I/O of
 * both ways is the same: one temp file, its fsync, a rename, the folder's
 * fsync). usage: bench_safety DIR [ROUNDS] */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "model/project.h"

#define MAP "db_25/ddoc_10/view_2/map"

typedef struct span {
	double wall, cpu;
} span;

static double clock_ms(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static span span_start(void)
{
	return (span){ clock_ms(CLOCK_MONOTONIC), clock_ms(CLOCK_PROCESS_CPUTIME_ID) };
}

static span span_end(span s)
{
	return (span){ clock_ms(CLOCK_MONOTONIC) - s.wall, clock_ms(CLOCK_PROCESS_CPUTIME_ID) - s.cpu };
}

static void die(const char *what, const fs_err *e)
{
	fprintf(stderr, "bench_safety: %s: %s\n", what, e->msg);
	exit(1);
}

/* Reads as the safe reader does (one buffer of the file's size), without
 * its checks, so that the ratio measures the checks alone. */
static enum fs_err_code plain_read(void *ctx, const char *rel, char **data, size_t *len, fs_err *e)
{
	char *path = fs_path_join(ctx, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	free(path);
	if (fd < 0 || fstat(fd, &st) < 0)
		return fs_err_set(e, FS_E_IO, "%s: cannot read", rel);
	*data = fs_xmalloc((size_t)st.st_size + 1);
	ssize_t n = read(fd, *data, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(*data);
		return fs_err_set(e, FS_E_IO, "%s: short read", rel);
	}
	(*data)[n] = 0;
	*len = (size_t)n;
	return 0;
}

static void edit(fs_project *p, int n)
{
	char js[128];
	fs_err e = { 0 };
	snprintf(js, sizeof js, "function (doc) {\n    emit(doc._id, %d);\n}", n);
	fs_obj *o = fs_project_find(p, MAP);
	if (!o || fs_fn_set_text(o, js, &e))
		die("edit", &e);
}

static span plain_set(const char *dir, int n)
{
	span t0 = span_start();
	fs_project *p;
	fs_files fl;
	fs_err e = { 0 };
	if (fs_project_open_with(&p, NULL, plain_read, (void *)dir, &e))
		die("plain load", &e);
	edit(p, n);
	if (fs_project_render(p, &fl, &e))
		die("render", &e);
	for (size_t i = 0; i < fl.n; i++) {
		if (!fl.v[i].changed)
			continue;
		char *path = fs_path_join(dir, fl.v[i].relpath);
		if (fs_write_file_atomic(path, fl.v[i].data, fl.v[i].len, 0644, &e))
			die("plain write", &e);
		free(path);
	}
	fs_files_free(&fl);
	fs_project_free(p);
	return span_end(t0);
}

static span safe_set(const char *dir, int n)
{
	span t0 = span_start();
	fs_project *p;
	fs_err e = { 0 };
	if (fs_project_open(&p, dir, &e))
		die("load", &e);
	edit(p, n);
	if (fs_project_save(p, &e))
		die("save", &e);
	fs_project_free(p);
	return span_end(t0);
}

static void keep_best(span *best, span s)
{
	best->wall = s.wall < best->wall ? s.wall : best->wall;
	best->cpu = s.cpu < best->cpu ? s.cpu : best->cpu;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_safety DIR [ROUNDS]\n");
		return 2;
	}
	int rounds = argc > 2 ? atoi(argv[2]) : 7;
	span plain = { 1e18, 1e18 }, safe = { 1e18, 1e18 };
	/* alternate, so that both see the same machine load; keep the best */
	for (int i = 0; i < rounds; i++) {
		keep_best(&plain, plain_set(argv[1], 2 * i));
		keep_best(&safe, safe_set(argv[1], 2 * i + 1));
	}
	printf("%-44s %8.2f ms wall %8.2f ms cpu\n", "set of one map, plain (no lock, no checks)", plain.wall, plain.cpu);
	printf("%-44s %8.2f ms wall %8.2f ms cpu\n", "set of one map, with the lock and checks", safe.wall, safe.cpu);
	printf("%-44s %8.3f    wall %8.3f    cpu  (goal <= 1.05)\n", "ratio safe / plain", safe.wall / plain.wall,
	       safe.cpu / plain.cpu);
	return 0;
}
