// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xfsslower: fsslower.h on XFS's file operations (libbpf-tools' fsslower -t xfs). */
#define FS_TOOL "xfsslower"
#define FS_READ xfs_file_read_iter
#define FS_WRITE xfs_file_write_iter
#define FS_OPEN xfs_file_open
#define FS_FSYNC xfs_file_fsync
#include "fsslower.h"
