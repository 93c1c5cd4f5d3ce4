// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* ext4slower: fsslower.h on ext4's file operations (libbpf-tools' fsslower -t ext4). */
#define FS_TOOL "ext4slower"
#define FS_READ ext4_file_read_iter
#define FS_WRITE ext4_file_write_iter
#define FS_OPEN ext4_file_open
#define FS_FSYNC ext4_sync_file
#include "fsslower.h"
