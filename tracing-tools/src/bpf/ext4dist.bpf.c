// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* ext4dist: fsdist.h on ext4's file operations (libbpf-tools' fsdist -t ext4). */
#define FS_TOOL "ext4dist"
#define FS_READ ext4_file_read_iter
#define FS_WRITE ext4_file_write_iter
#define FS_OPEN ext4_file_open
#define FS_FSYNC ext4_sync_file
#define FS_GETATTR ext4_file_getattr
#include "fsdist.h"
