/* libcurl opened at first use (see curlfn.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "couch/curlfn.h"

static struct fs_curl_fns fns;
static char why[512];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Debian's libcurl4 (OpenSSL) first, then libcurl3-gnutls: the same API. */
static const char *const sonames[] = { "libcurl.so.4", "libcurl-gnutls.so.4" };

static int fill(void *h)
{
#define FS_CURL_SYM(name) \
	if (!(*(void **)&fns.name = dlsym(h, "curl_" #name))) { \
		snprintf(why, sizeof why, "libcurl has no curl_%s", #name); \
		return -1; \
	}
	FS_CURL_FNS(FS_CURL_SYM)
#undef FS_CURL_SYM
	return 0;
}

static void load(void)
{
	void *h = NULL;
	/* lazy: of the thirty libraries libcurl brings (LDAP, RTMP, GnuTLS...)
	 * most functions are never called here; binding them all at once
	 * was 8 ms of every first request */
	for (size_t i = 0; i < sizeof sonames / sizeof *sonames && !h; i++)
		h = dlopen(sonames[i], RTLD_LAZY | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof why, "%s", dlerror());
		return;
	}
	if (fill(h))
		memset(&fns, 0, sizeof fns);
	else
		fns.global_init(CURL_GLOBAL_DEFAULT);
}

enum fs_err_code fs_curl_load(fs_err *e)
{
	pthread_once(&once, load);
	if (fns.easy_init)
		return 0;
	return fs_err_set(e, FS_E_UNSUPPORTED, "cannot open libcurl (%s): install the libcurl4 package", why);
}

const struct fs_curl_fns *fs_curl(void)
{
	if (fs_curl_load(NULL)) {
		fprintf(stderr, "fsstudio: cannot open libcurl (%s): install the libcurl4 package\n", why);
		exit(127);
	}
	return &fns;
}
