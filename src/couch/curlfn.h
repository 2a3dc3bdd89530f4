/* libcurl, opened at first use instead of linked.
 *
 * libcurl brings about twenty libraries of its own (GnuTLS, Kerberos, LDAP,
 * RTMP, nghttp2, ...): linked, they cost every fsstudio process about 4 MB
 * of memory and a fifth of its start-up, also `tree`, `save` and the
 * studio's first frame, which never talk to a server. git keeps curl out of
 * its main program for the same reason (git-remote-http).
 *
 * Only src/couch/http.c and src/couch/path.c include this header: they call
 * curl_* as usual, and each name below goes through the table, which is
 * filled from libcurl.so.4 on first use. The types come from curl.h itself
 * (__typeof__), so the compiler still checks every call. */
#ifndef FS_CURLFN_H
#define FS_CURLFN_H

#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include "base/err.h"

#define FS_CURL_FNS(_) \
	_(global_init) _(easy_init) _(easy_cleanup) _(easy_reset) _(easy_setopt) \
	_(easy_getinfo) _(easy_strerror) _(easy_escape) _(free) \
	_(slist_append) _(slist_free_all) \
	_(url) _(url_get) _(url_set) _(url_cleanup) \
	_(multi_init) _(multi_cleanup) _(multi_add_handle) _(multi_remove_handle) \
	_(multi_perform) _(multi_poll) _(multi_wakeup) _(multi_info_read)

struct fs_curl_fns {
#define FS_CURL_FIELD(name) __typeof__(curl_##name) *name;
	FS_CURL_FNS(FS_CURL_FIELD)
#undef FS_CURL_FIELD
};

/* Opens libcurl once; FS_E_UNSUPPORTED with a sentence when it cannot. */
enum fs_err_code fs_curl_load(fs_err *e);
/* The table; exits with a message if libcurl cannot be opened (callers
 * that can report an error call fs_curl_load first, see fs_http_new). */
const struct fs_curl_fns *fs_curl(void);

/* curl.h makes these two identity macros, to count their arguments. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init (fs_curl()->global_init)
#define curl_easy_init (fs_curl()->easy_init)
#define curl_easy_cleanup (fs_curl()->easy_cleanup)
#define curl_easy_reset (fs_curl()->easy_reset)
#define curl_easy_setopt (fs_curl()->easy_setopt)
#define curl_easy_getinfo (fs_curl()->easy_getinfo)
#define curl_easy_strerror (fs_curl()->easy_strerror)
#define curl_easy_escape (fs_curl()->easy_escape)
#define curl_free (fs_curl()->free)
#define curl_slist_append (fs_curl()->slist_append)
#define curl_slist_free_all (fs_curl()->slist_free_all)
#define curl_url (fs_curl()->url)
#define curl_url_get (fs_curl()->url_get)
#define curl_url_set (fs_curl()->url_set)
#define curl_url_cleanup (fs_curl()->url_cleanup)
#define curl_multi_init (fs_curl()->multi_init)
#define curl_multi_cleanup (fs_curl()->multi_cleanup)
#define curl_multi_add_handle (fs_curl()->multi_add_handle)
#define curl_multi_remove_handle (fs_curl()->multi_remove_handle)
#define curl_multi_perform (fs_curl()->multi_perform)
#define curl_multi_poll (fs_curl()->multi_poll)
#define curl_multi_wakeup (fs_curl()->multi_wakeup)
#define curl_multi_info_read (fs_curl()->multi_info_read)

#endif
