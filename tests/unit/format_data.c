/* Test projects of the format area (see format_data.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "base/buf.h"
#include "base/fsutil.h"
#include "testlib.h"
#include "format_data.h"

char *fmt_layout(const char *name, int crlf)
{
	char *src = fs_xasprintf("%s/tests/data/format/%s", fs_test_srcdir(), name);
	char *dst = fs_xasprintf("%s/%s", fs_test_tmpdir(), name);
	assert_true(fs_is_dir(src));
	assert_int_equal(fs_test_copy_tree(src, dst), 0);
	assert_int_equal(fs_test_sh(NULL, 0, "cd '%s' && if [ -d c8oProject_ ]; then mv c8oProject_ _c8oProject; fi", dst), 0);
	if (crlf)
		assert_int_equal(fs_test_sh(NULL, 0, "find '%s' -type f -exec perl -pi -e 's/\\n/\\r\\n/' {} +", dst), 0);
	free(src);
	return dst;
}

char *fmt_read(const char *dir, const char *relpath)
{
	char *path = fs_path_join(dir, relpath), *data = NULL;
	fs_err e;
	if (fs_read_file(path, &data, NULL, &e))
		fail_msg("%s", e.msg);
	free(path);
	return data;
}

static size_t count_lines(const char *s, const char ***out)
{
	size_t n = 0, cap = 16;
	const char **v = fs_xmalloc(cap * sizeof *v);
	for (const char *p = s;;) {
		if (n == cap)
			v = fs_xrealloc(v, (cap *= 2) * sizeof *v);
		v[n++] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	*out = v;
	return n;
}

static int line_eq(const char *a, const char *b)
{
	size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
	return na == nb && !memcmp(a, b, na);
}

/* Lines of a and b outside their common head and tail. */
int fmt_changed_lines(const char *a, const char *b)
{
	const char **la, **lb;
	size_t na = count_lines(a, &la), nb = count_lines(b, &lb);
	size_t head = 0, tail = 0;
	while (head < na && head < nb && line_eq(la[head], lb[head]))
		head++;
	while (tail < na - head && tail < nb - head && line_eq(la[na - 1 - tail], lb[nb - 1 - tail]))
		tail++;
	int n = (int)((na - head - tail) > (nb - head - tail) ? (na - head - tail) : (nb - head - tail));
	free(la);
	free(lb);
	return n;
}
