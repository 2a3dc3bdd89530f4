/* Projects for the model's cmocka tests: a copy of the sample, opened,
 * searched; each fails the test when it cannot do its job. */
#ifndef FS_TESTPROJ_H
#define FS_TESTPROJ_H

#include "model/project.h"

/* A copy of projects/sample in a fresh temp folder. Caller frees. */
char *fs_test_sample(void);
/* The text of the file rel below dir. Caller frees. */
char *fs_test_read(const char *dir, const char *rel);
/* The project of dir. Caller frees (fs_project_free). */
fs_project *fs_test_open(const char *dir);
/* The object at path in p. */
fs_obj *fs_test_find(fs_project *p, const char *path);

#endif
