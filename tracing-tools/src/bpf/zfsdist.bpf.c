// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* zfsdist: fsdist.h on ZFS's file operations (libbpf-tools' fsdist -t zfs). */
#define FS_TOOL "zfsdist"
#define FS_READ zpl_iter_read
#define FS_WRITE zpl_iter_write
#define FS_OPEN zpl_open
#define FS_FSYNC zpl_fsync
#include "fsdist.h"
