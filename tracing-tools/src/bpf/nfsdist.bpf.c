// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* nfsdist: fsdist.h on NFS's file operations (libbpf-tools' fsdist -t nfs). */
#define FS_TOOL "nfsdist"
#define FS_READ nfs_file_read
#define FS_WRITE nfs_file_write
#define FS_OPEN nfs_file_open
#define FS_FSYNC nfs_file_fsync
#define FS_GETATTR nfs_getattr
#include "fsdist.h"
