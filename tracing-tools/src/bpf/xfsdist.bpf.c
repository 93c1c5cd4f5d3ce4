// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xfsdist: fsdist.h on XFS's file operations (libbpf-tools' fsdist -t xfs). */
#define FS_TOOL "xfsdist"
#define FS_READ xfs_file_read_iter
#define FS_WRITE xfs_file_write_iter
#define FS_OPEN xfs_file_open
#define FS_FSYNC xfs_file_fsync
#include "fsdist.h"
