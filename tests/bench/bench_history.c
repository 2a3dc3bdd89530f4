/* History benchmark: a generated project (gen_project.sh, 20 connectors x 5
 * design documents x 4 views) in a repository of 2,000 commits, each editing
 * one view somewhere (the followed view every 100th commit, another view of
 * its connector every 10th); then the history of that view through
 * fs_git_log, next to `git log --format=%H -- FILE` on its connector file;
 * and how far behind each of the 100 design documents is for a server that
 * runs the commit halfway down (what `fsstudio deployed` computes).
 *
 * usage: bench_history [COMMITS] (FS_SRCDIR locates gen_project.sh;
 * FS_BENCH_KEEP=1 keeps the repository for profiling; FS_BENCH_REPO=DIR
 * runs on a kept one instead of generating it, to compare two builds). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <git2.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "git/gitstore.h"
#include "deploy/deployed.h"

#define NCONN 20
#define NDDOC 5
#define NVIEW 4

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	const git_error *g = git_error_last();
	fprintf(stderr, "bench_history: %s: %s\n", what, g ? g->message : "failed");
	exit(1);
}

/* Rewrites the comment line of one map function ("// view V of ddoc D...")
 * so that the edit stays inside the JavaScript string. */
static void edit_view(char **text, int d, int v, int rev)
{
	char mark[64];
	snprintf(mark, sizeof mark, "\\/\\/ view %d of ddoc %d", v, d);
	char *at = strstr(*text, mark);
	if (!at) {
		fprintf(stderr, "bench_history: marker %s not found\n", mark);
		exit(1);
	}
	char *start = at + strlen(mark), *end = strstr(start, "\\n");
	fs_buf b = FS_BUF_INIT;
	fs_buf_add(&b, *text, start - *text);
	fs_buf_printf(&b, " edit %d", rev);
	fs_buf_adds(&b, end);
	free(*text);
	*text = fs_buf_steal(&b);
}

static char *conn_rel(int c)
{
	return fs_xasprintf("proj/_c8oProject/connectors/db_%d.yaml", c);
}

static void add_file(git_repository *repo, git_index *idx, const char *rel, const char *data)
{
	git_index_entry ent;
	memset(&ent, 0, sizeof ent);
	ent.mode = GIT_FILEMODE_BLOB;
	ent.path = rel;
	if (git_blob_create_from_buffer(&ent.id, repo, data, strlen(data)) < 0 || git_index_add(idx, &ent) < 0)
		die(rel);
}

static void commit_tree(git_repository *repo, git_index *idx, const char *msg, int n)
{
	git_oid tid, cid, parent;
	git_tree *tree = NULL;
	git_commit *pc = NULL;
	git_signature *sig = NULL;
	if (git_index_write_tree_to(&tid, idx, repo) < 0 || git_tree_lookup(&tree, repo, &tid) < 0)
		die("tree");
	git_signature_new(&sig, "Bench", "bench@example.com", 1700000000 + n * 60, 0);
	if (git_reference_name_to_id(&parent, repo, "HEAD") == 0)
		git_commit_lookup(&pc, repo, &parent);
	const git_commit *ps[1] = { pc };
	if (git_commit_create(&cid, repo, "HEAD", sig, sig, NULL, msg, tree, pc ? 1 : 0, ps) < 0)
		die("commit");
	git_commit_free(pc);
	git_tree_free(tree);
	git_signature_free(sig);
}

/* Every file of the generated project, added to the index. */
static void add_project(git_repository *repo, git_index *idx, const char *root, char **conns)
{
	static const char *const fixed[] = { "c8oProject.yaml", "_c8oProject/sequences/OnChange.yaml" };
	for (size_t i = 0; i < 2; i++) {
		char *full = fs_xasprintf("%s/proj/%s", root, fixed[i]), *rel = fs_xasprintf("proj/%s", fixed[i]);
		char *data = NULL;
		if (fs_read_file(full, &data, NULL, NULL))
			die(full);
		add_file(repo, idx, rel, data);
		free(data);
		free(full);
		free(rel);
	}
	for (int c = 0; c < NCONN; c++) {
		char *rel = conn_rel(c), *full = fs_xasprintf("%s/%s", root, rel);
		if (fs_read_file(full, &conns[c], NULL, NULL))
			die(full);
		add_file(repo, idx, rel, conns[c]);
		free(rel);
		free(full);
	}
}

static void generate(const char *root, int ncommits)
{
	const char *src = getenv("FS_SRCDIR");
	char *cmd = fs_xasprintf("sh '%s/tests/bench/gen_project.sh' '%s/proj' %d %d %d",
				 src ? src : ".", root, NCONN, NDDOC, NVIEW);
	if (system(cmd) != 0)
		die("gen_project.sh");
	free(cmd);
	git_repository *repo = NULL;
	git_index *idx = NULL;
	char *conns[NCONN];
	if (git_repository_init(&repo, root, 0) < 0 || git_index_new(&idx) < 0)
		die("init");
	add_project(repo, idx, root, conns);
	commit_tree(repo, idx, "import", 0);
	unsigned seed = 42;
	for (int i = 1; i < ncommits; i++) {
		int c, d, v;
		if (i % 100 == 0)
			c = 0, d = 0, v = 0;              /* the followed view */
		else if (i % 10 == 0)
			c = 0, d = 1 + rand_r(&seed) % (NDDOC - 1), v = rand_r(&seed) % NVIEW;
		else
			c = 1 + rand_r(&seed) % (NCONN - 1), d = rand_r(&seed) % NDDOC, v = rand_r(&seed) % NVIEW;
		edit_view(&conns[c], d, v, i);
		char *rel = conn_rel(c), *msg = fs_xasprintf("edit db_%d/ddoc_%d/view_%d", c, d, v);
		add_file(repo, idx, rel, conns[c]);
		commit_tree(repo, idx, msg, i);
		free(rel);
		free(msg);
	}
	for (int c = 0; c < NCONN; c++)
		free(conns[c]);
	/* A work tree to match HEAD, as a user would have. */
	git_checkout_options co;
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_checkout_head(repo, &co) < 0)
		die("checkout");
	git_index_free(idx);
	git_repository_free(repo);
	/* Packed, as a real repository is: both tools then read the same packs. */
	char *pack = fs_xasprintf("git -C '%s' repack -adq", root);
	if (system(pack) != 0)
		die("git repack");
	free(pack);
}

/* A run's cost: wall time and the CPU time (user + system) it used, in ms.
 * The machine may be shared: CPU time is the steadier figure; each is the
 * best of RUNS runs. */
#define RUNS 5

typedef struct cost {
	double wall, cpu;
} cost;

static double cpu_ms(int who)
{
	struct rusage u;
	getrusage(who, &u);
	return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
	       (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

static void keep_best(cost *best, int run, double wall, double cpu)
{
	if (!run || wall < best->wall)
		best->wall = wall;
	if (!run || cpu < best->cpu)
		best->cpu = cpu;
}

/* fs_git_log in this process, from opening the repository to the entries. */
static cost time_fsstudio(const char *proj, const char *obj, size_t max, size_t *n)
{
	cost best = { 0, 0 };
	for (int run = 0; run < RUNS; run++) {
		fs_repo *r = NULL;
		fs_history h;
		fs_err e = { 0 };
		double t0 = now_ms(), c0 = cpu_ms(RUSAGE_SELF);
		if (fs_repo_open(&r, proj, &e) || fs_git_log(r, NULL, obj, max, &h, &e)) {
			fprintf(stderr, "bench_history: %s\n", e.msg);
			exit(1);
		}
		*n = h.n;
		fs_history_free(&h);
		fs_repo_free(r);
		keep_best(&best, run, now_ms() - t0, cpu_ms(RUSAGE_SELF) - c0);
	}
	return best;
}

/* Lines git writes on a pipe, read here: no shell, no wc in the figure. */
static size_t git_lines(char *const argv[])
{
	int fd[2];
	if (pipe(fd) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp("git", argv);
		_exit(127);
	}
	close(fd[1]);
	char buf[65536];
	size_t n = 0;
	ssize_t got;
	while ((got = read(fd[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < got; i++)
			n += buf[i] == '\n';
	close(fd[0]);
	int st = 0;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		die("git log");
	return n;
}

/* `git log --format=%H -- FILE`: the commits that changed the file, which
 * fs_git_log has to find too before it looks inside the file. */
static cost time_git(const char *root, const char *file, size_t *n)
{
	cost best = { 0, 0 };
	char *const argv[] = { "git", "-C", (char *)root, "log", "--format=%H", "--", (char *)file, NULL };
	for (int run = 0; run < RUNS; run++) {
		double t0 = now_ms(), c0 = cpu_ms(RUSAGE_CHILDREN);
		*n = git_lines(argv);
		keep_best(&best, run, now_ms() - t0, cpu_ms(RUSAGE_CHILDREN) - c0);
	}
	return best;
}

/* One server column, every design document deployed at commit `at`;
 * *n: the commits behind, summed over the documents. */
static double time_behind(const char *proj, const char *at, size_t *ndocs, long *n)
{
	fs_repo *r = NULL;
	fs_project *p = NULL;
	fs_err e = { 0 };
	if (fs_repo_open(&r, proj, &e) || fs_git_open_rev(r, NULL, &p, &e)) {
		fprintf(stderr, "bench_history: %s\n", e.msg);
		exit(1);
	}
	fs_deployed *d = fs_deployed_new(p);
	fs_deployed_add(d, "bench", "http://bench");
	for (size_t i = 0; i < d->nrows; i++) {
		d->cells[0][i].state = FS_DS_DEPLOYED;
		d->cells[0][i].commit = fs_xstrdup(at);
	}
	double t0 = now_ms();
	fs_deployed_behind(d, r, NULL);
	double t = now_ms() - t0;
	*ndocs = d->nrows;
	*n = 0;
	for (size_t i = 0; i < d->nrows; i++)
		*n += d->cells[0][i].behind > 0 ? d->cells[0][i].behind : 0;
	fs_deployed_free(d);
	fs_project_free(p);
	fs_repo_free(r);
	return t;
}

static void row(const char *what, size_t n, cost c, cost git)
{
	printf("%-44s %7zu %9.1f %6.2f %9.1f %6.2f\n", what, n, c.wall, git.wall > 0 ? c.wall / git.wall : 0,
	       c.cpu, git.cpu > 0 ? c.cpu / git.cpu : 0);
}

int main(int argc, char **argv)
{
	int ncommits = argc > 1 ? atoi(argv[1]) : 2000;
	char tmp[] = "/tmp/fsbench-history-XXXXXX";
	const char *reuse = getenv("FS_BENCH_REPO"), *root = reuse ? reuse : tmp;
	git_libgit2_init();
	double t0 = now_ms();
	if (!reuse && !mkdtemp(tmp))
		die("mkdtemp");
	if (!reuse)
		generate(root, ncommits);
	double gen = now_ms() - t0;
	char *proj = fs_xasprintf("%s/proj", root);
	size_t nfs = 0, nfs_fn = 0, ngit = 0;
	size_t nproj = 0;
	const char *file = "proj/_c8oProject/connectors/db_0.yaml";
	cost g = time_git(root, file, &ngit);
	cost fs = time_fsstudio(proj, "db_0/ddoc_0/view_0", 0, &nfs);
	cost fs_fn = time_fsstudio(proj, "db_0/ddoc_0/view_0/map", 0, &nfs_fn);
	cost fs_proj = time_fsstudio(proj, NULL, 100, &nproj);
	char *half = fs_xasprintf("HEAD~%d", ncommits / 2);
	size_t ndocs = 0;
	long nbehind = 0;
	double behind = time_behind(proj, half, &ndocs, &nbehind);
	free(half);

	printf("repository: %d commits over %d connectors x %d design documents x %d views "
	       "(generated and packed in %.0f ms)\n", ncommits, NCONN, NDDOC, NVIEW, gen);
	printf("best of %d runs; ratios to git log (goal for the view and the function: at most 1.5)\n", RUNS);
	printf("%-44s %7s %9s %6s %9s %6s\n", "", "entries", "wall ms", "ratio", "cpu ms", "ratio");
	row("git log --format=%H -- db_0.yaml", ngit, g, g);
	row("fsstudio log view db_0/ddoc_0/view_0", nfs, fs, g);
	row("fsstudio log function .../view_0/map", nfs_fn, fs_fn, g);
	row("fsstudio log project -n 100 (all objects)", nproj, fs_proj, g);
	printf("%-44s %7ld %9.1f %6.1f\n", "deployed: behind of every design document", nbehind, behind,
	       g.wall > 0 ? behind / g.wall : 0);
	printf("  (%zu design documents deployed at HEAD~%d: %.1f ms each)\n", ndocs, ncommits / 2,
	       ndocs ? behind / ndocs : 0);
	if (getenv("FS_BENCH_KEEP") && !reuse)
		printf("repository kept in %s (FS_BENCH_REPO=%s runs on it again)\n", root, root);
	else if (!reuse)
		fs_rm_rf(root);
	free(proj);
	git_libgit2_shutdown();
	return 0;
}
