#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/buf.h"
#include "base/fsutil.h"

enum fs_err_code fs_read_file(const char *path, char **out, size_t *len, fs_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fs_err_set(e, errno == ENOENT ? FS_E_NOTFOUND : FS_E_IO,
				  "%s: %s", path, strerror(errno));
	fs_buf b = FS_BUF_INIT;
	fs_buf_grow(&b, 4096);
	for (;;) {
		fs_buf_grow(&b, 65536);
		ssize_t n = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			close(fd);
			fs_buf_free(&b);
			return fs_err_set(e, FS_E_IO, "%s: %s", path, strerror(err));
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	close(fd);
	b.data[b.len] = '\0';
	if (len)
		*len = b.len;
	*out = b.data;
	return FS_E_OK;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void fs_fsync_dir_of(const char *path)
{
	char *copy = fs_xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int fs_is_temp_name(const char *path)
{
	const char *s = strrchr(path, '/');
	s = s ? s + 1 : path;
	size_t n = strlen(s), k = strlen(FS_TEMP_MARK);
	if (n < k + 6 + 1 || strncmp(s + n - 6 - k, FS_TEMP_MARK, k))
		return 0;
	for (size_t i = n - 6; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

enum fs_err_code fs_write_temp(const char *path, const void *data, size_t len, int mode, char **tmpout, fs_err *e)
{
	char *tmp = fs_xasprintf("%s" FS_TEMP_MARK "XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int err = errno;
		free(tmp);
		return fs_err_set(e, FS_E_IO, "%s: cannot create a temporary file: %s", path, strerror(err));
	}
	struct stat st;
	/* Keep the mode of the file we replace; new files get `mode` (umask applies). */
	if (stat(path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	else {
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, (mode_t)mode & ~um);
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		int err = errno;
		close(fd);
		unlink(tmp);
		free(tmp);
		return fs_err_set(e, FS_E_IO, "%s: write failed: %s", path, strerror(err));
	}
	close(fd);
	*tmpout = tmp;
	return FS_E_OK;
}

enum fs_err_code fs_write_file_atomic(const char *path, const void *data, size_t len, int mode, fs_err *e)
{
	char *tmp;
	int rc = fs_write_temp(path, data, len, mode, &tmp, e);
	if (rc)
		return rc;
	if (rename(tmp, path) < 0) {
		int err = errno;
		unlink(tmp);
		free(tmp);
		return fs_err_set(e, FS_E_IO, "%s: rename failed: %s", path, strerror(err));
	}
	free(tmp);
	fs_fsync_dir_of(path);
	return FS_E_OK;
}

enum fs_err_code fs_mkdir_p(const char *path, int mode, fs_err *e)
{
	char *p = fs_xstrdup(path);
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
				int err = errno;
				fs_err_set(e, FS_E_IO, "%s: %s", p, strerror(err));
				free(p);
				return FS_E_IO;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return FS_E_OK;
}

int fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int fs_is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *fs_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);
	while (la > 1 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (!la)
		return fs_xstrdup(b);
	return fs_xasprintf("%.*s/%s", (int)la, a, b);
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

int fs_rm_rf(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
