/* SHA-256 of bytes, as lowercase hex (src/base/sha256.c). */
#ifndef FS_SHA256_H
#define FS_SHA256_H

#include <stddef.h>

/* out gets 64 lowercase hex digits and a NUL. */
void fs_sha256_hex(const void *data, size_t len, char out[65]);

#endif
