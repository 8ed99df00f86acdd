/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* .reg files, as regedit and "reg export" write them: parsed into a list of operations (create
 * a key, delete a key, set a value, delete a value) and formatted back, without a store, so both
 * directions are fuzzed against each other. Reading accepts "Windows Registry Editor Version
 * 5.00" and "REGEDIT4" files in UTF-16LE (with BOM) or UTF-8 (BOM optional), CRLF or LF;
 * writing produces version 5.00 in UTF-8 without BOM, CRLF. docs/VSS-REG.md, ".reg files", has
 * the details. Also the bounded file reading and atomic file writing the callers need. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "registry.h"

#define REG_FILE_SIZE_MAX ((size_t) 64 << 20) /* bytes of a .reg file */
#define REG_FILE_OPS_MAX  (1U << 20)          /* keys and values in one file */

typedef enum RegFileOpType {
        REG_FILE_OP_KEY,          /* [KEY]: create the key; the values that follow are its */
        REG_FILE_OP_DELETE_KEY,   /* [-KEY]: delete the key and everything below it */
        REG_FILE_OP_SET_VALUE,    /* "name"=data or @=data */
        REG_FILE_OP_DELETE_VALUE, /* "name"=- or @=- */
        REG_FILE_OP_TYPE_MAX,
        REG_FILE_OP_TYPE_INVALID = -EINVAL,
} RegFileOpType;

typedef struct RegFileOp {
        RegFileOpType type;
        unsigned line; /* where it starts in the parsed file; 0 when built */
        char *key;     /* the key path as written; for values, the key of their section */
        char *name;    /* values: the value name, "" for the default value */
        RegType value_type;
        uint8_t *data; /* REG_FILE_OP_SET_VALUE: in the store's layout (registry.h, RegValue) */
        size_t size;
} RegFileOp;

typedef struct RegFile {
        RegFileOp *ops;
        size_t n_ops;
        size_t n_allocated;
} RegFile;

/* NULL only when out of memory. */
RegFile *reg_file_new(void);
RegFile *reg_file_free(RegFile *f);
DEFINE_CLEANUP_FUNC(RegFile, reg_file_free)

/* Builds a file: a key section, then values of the last key added. -EINVAL for a value without
 * a key or data that does not fit its type's layout, -E2BIG past REG_FILE_OPS_MAX, -ENOMEM. */
int reg_file_add_key(RegFile *f, const char *key);
int reg_file_add_value(RegFile *f, const char *name, RegType type, const void *data, size_t size);

/* Parses 'size' bytes of a .reg file. On success you now own *ret. Errors: -EINVAL for anything
 * malformed, -EOPNOTSUPP for a value type the store does not keep, -EILSEQ for bad text
 * encoding, -E2BIG over the limits, -ENOMEM. On failure *reterr_line (if not NULL) is the line
 * (1-based; 0 for the file as a whole) and *reterr_message (if not NULL) says what is wrong; you
 * now own it. */
int reg_file_parse(
                const void *data,
                size_t size,
                RegFile **ret,
                unsigned *reterr_line,
                char **reterr_message);

/* Formats the operations as a version 5.00 .reg file (UTF-8, CRLF). The operations must be as
 * reg_file_parse() makes them: every value after the key section it belongs to. You now own
 * *ret (NUL-terminated). -EINVAL for operations that cannot be written (a key name with a control
 * character or starting with '-', data that does not fit its type), -ENOMEM. */
int reg_file_format(const RegFile *f, char **ret, size_t *ret_size);

/* Whether both files hold the same operations (line numbers aside). */
bool reg_file_equal(const RegFile *a, const RegFile *b);

/* Reads all of 'fd' (at most 'max' bytes: -EFBIG beyond) into a NUL-terminated buffer you now
 * own. */
int reg_file_read_fd(int fd, size_t max, char **ret, size_t *ret_size);
/* The same for a file name. -ENOENT, -EACCES, -EISDIR, -EFBIG, ... */
int reg_file_read(const char *path, size_t max, char **ret, size_t *ret_size);

/* Replaces 'path' atomically with 'data' (mode 0644): a temporary file in the same directory,
 * written and fsync'ed, renamed over 'path', and the directory fsync'ed. On failure 'path' is
 * unchanged and no temporary file is left. Negative errno on failure. */
int reg_file_write_atomic(const char *path, const void *data, size_t size);
