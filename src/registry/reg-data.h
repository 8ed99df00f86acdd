/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Value data as the reg command writes and shows it: the /d text of "reg add" for each type,
 * the data column of "reg query", the type names, and the UTF-16LE form that .reg files use for
 * strings. Works on the store's data layout (registry.h, RegValue) but needs no store. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "registry.h"

/* REGISTRY_VALUE_DATA_MAX as a size_t. */
#define REG_DATA_SIZE_MAX ((size_t) REGISTRY_VALUE_DATA_MAX)

/* "REG_SZ", ... for the seven types the store keeps; NULL for any other number. */
const char *reg_data_type_to_string(RegType t);

/* Parses a type name in any case. REG_DWORD_LITTLE_ENDIAN is REG_DWORD. Returns 0; -EOPNOTSUPP
 * for a Windows type the store does not keep (REG_DWORD_BIG_ENDIAN, REG_LINK, the resource
 * lists); -EINVAL for anything else. */
int reg_data_type_from_string(const char *s, RegType *ret);

/* Converts the /d text of "reg add" into data in the store's layout:
 *   REG_SZ, REG_EXPAND_SZ: the text (no /d: empty);
 *   REG_NONE: the text with its NUL (no /d: a single NUL), as Windows stores it;
 *   REG_DWORD, REG_QWORD: decimal, or hexadecimal after 0x; no sign; range-checked (REG_DWORD
 *     needs /d, REG_QWORD without /d is 0);
 *   REG_BINARY: hex digits, two per byte; an odd count makes the first digit a byte of its own
 *     (as reg.exe does); no /d: no bytes;
 *   REG_MULTI_SZ: the strings separated by 'separator' (one character; NULL means the
 *     two-character sequence \0); one trailing separator is ignored; empty strings are refused;
 *     no /d or "": the empty list.
 * 'data' NULL means /d was not given. You now own *ret (never NULL on success, even when
 * *ret_size is 0). Errors: -EINVAL (with a message in *reterr_message, which you now own),
 * -EILSEQ (not UTF-8), -E2BIG (over REGISTRY_VALUE_DATA_MAX), -ENOMEM. */
int reg_data_from_string(
                RegType type,
                const char *data,
                const char *separator,
                uint8_t **ret,
                size_t *ret_size,
                char **reterr_message);

/* Formats data as "reg query" shows it: strings as they are, REG_DWORD and REG_QWORD as 0x...
 * in lower case, REG_BINARY and REG_NONE as upper-case hex digits, REG_MULTI_SZ joined with
 * 'separator' (NULL: \0). Data that does not fit its type's layout is shown as hex. You now own
 * *ret. -ENOMEM. */
int reg_data_to_display(
                RegType type, const void *data, size_t size, const char *separator, char **ret);

/* Checks that data has its type's layout (registry.h, RegValue): strings valid UTF-8 with
 * exactly one NUL at the end; REG_MULTI_SZ non-empty strings and the final NUL; REG_DWORD 4 and
 * REG_QWORD 8 bytes; at most REGISTRY_VALUE_DATA_MAX bytes. Returns 0 or -EINVAL. */
int reg_data_check(RegType type, const void *data, size_t size);

/* Converts 'n' bytes of valid UTF-8 (NULs allowed) to UTF-16LE. You now own *ret. -EILSEQ,
 * -ENOMEM. */
int reg_data_utf8_to_utf16le(const char *s, size_t n, uint8_t **ret, size_t *ret_size);

/* Converts 'n' bytes of UTF-16LE to UTF-8 (NULs kept); *ret is NUL-terminated beyond
 * *ret_size. You now own *ret. -EINVAL for an odd byte count, -EILSEQ for an unpaired
 * surrogate, -ENOMEM. */
int reg_data_utf16le_to_utf8(const uint8_t *p, size_t n, char **ret, size_t *ret_size);

/* Turns the raw string bytes of a .reg hex(1)/hex(2)/hex(7) value ('p', 'n': UTF-8 with NULs
 * as separators and terminators, already decoded from UTF-16LE when needed) into the store's
 * layout for 'type' (REG_SZ, REG_EXPAND_SZ or REG_MULTI_SZ). A missing final NUL is added;
 * NULs after the end are dropped. -EINVAL (a NUL inside a string, an empty string inside a
 * REG_MULTI_SZ; message in *reterr_message), -EILSEQ, -ENOMEM. */
int reg_data_from_string_bytes(
                RegType type,
                const char *p,
                size_t n,
                uint8_t **ret,
                size_t *ret_size,
                char **reterr_message);
