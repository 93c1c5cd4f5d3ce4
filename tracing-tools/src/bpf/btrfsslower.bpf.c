// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* btrfsslower: fsslower.h on btrfs's file operations (libbpf-tools' fsslower -t btrfs). */
#define FS_TOOL "btrfsslower"
#define FS_READ btrfs_file_read_iter
#define FS_WRITE btrfs_file_write_iter
#define FS_OPEN btrfs_file_open
#define FS_FSYNC btrfs_sync_file
#include "fsslower.h"
