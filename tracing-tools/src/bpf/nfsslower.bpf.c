// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* nfsslower: fsslower.h on NFS's file operations (libbpf-tools' fsslower -t nfs). */
#define FS_TOOL "nfsslower"
#define FS_READ nfs_file_read
#define FS_WRITE nfs_file_write
#define FS_OPEN nfs_file_open
#define FS_FSYNC nfs_file_fsync
#include "fsslower.h"
