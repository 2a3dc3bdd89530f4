/* See gitlib.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <git2.h>
#include "base/gitlib.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* fsstudio never talks to a git remote, yet libgit2's start parses every
 * certificate of the system's CA bundle for its HTTPS transport (3 MB, kept
 * for the life of the process). An empty set replaces them at once, their
 * memory going back to the allocator for the project models. Were a remote
 * ever reached, its certificate would fail to verify: never a silent pass. */
static void drop_ca_bundle(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/fsstudio-ca.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return;   /* kept: only memory */
	git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, NULL, dir);
	rmdir(dir);
}

static void start(void)
{
	git_libgit2_init();
	/* libgit2 hashes every object it reads again to check it (git itself
	 * does not: corruption shows in zlib's checksum or in git fsck). That
	 * is a third of the time of a history walk, which reads thousands of
	 * commits and trees. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	drop_ca_bundle();
}

void fs_gitlib_init(void)
{
	pthread_once(&once, start);
}
