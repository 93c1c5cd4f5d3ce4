// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* zfsslower: fsslower.h on ZFS's file operations (libbpf-tools' fsslower -t zfs). */
#define FS_TOOL "zfsslower"
#define FS_READ zpl_iter_read
#define FS_WRITE zpl_iter_write
#define FS_OPEN zpl_open
#define FS_FSYNC zpl_fsync
#include "fsslower.h"
