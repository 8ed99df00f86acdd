/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Building blocks of the documents: optional strings, the rule checks that setters and
 * validators share (docs/DOCUMENTS.md §5), and error messages. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metadata-internal.h"
#include "utf8.h"

int metadata_strdup_optional(const char *s, char **ret) {
        assert(ret);

        if (!s || !*s) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int metadata_replace_optional(char **dst, const char *s) {
        char *copy = NULL;
        int r;

        assert(dst);

        r = metadata_strdup_optional(s, &copy);
        if (r < 0)
                return r;
        free(*dst);
        *dst = copy;
        return 0;
}

const char *metadata_check_string(const char *s, size_t max) {
        if (!s)
                return NULL;
        size_t n = strnlen(s, max + 1);
        if (n > max)
                return max >= VSS_METADATA_TEXT_MAX ? "must not be longer than 65536 bytes"
                                                    : "must not be longer than 4096 bytes";
        if (!utf8_is_valid_n(s, n))
                return "must be valid UTF-8";
        return NULL;
}

const char *metadata_check_name(const char *s) {
        if (!s || !*s)
                return "must not be empty";
        if (strchr(s, '\\'))
                return "must not contain '\\'";
        return metadata_check_string(s, VSS_METADATA_STRING_MAX);
}

const char *metadata_check_logical_path(const char *s) {
        if (!s)
                return "must not be null";
        if (*s == '\\')
                return "must not start with '\\'";
        size_t n = strlen(s);
        if (n > 0 && s[n - 1] == '\\')
                return "must not end with '\\'";
        if (strstr(s, "\\\\"))
                return "must not contain an empty segment";
        return metadata_check_string(s, VSS_METADATA_STRING_MAX);
}

/* Length of the machine name in "\\machine\..." or "\\machine"; 0 if 's' has no such prefix or
 * the name is empty. */
static size_t remote_machine_length(const char *s) {
        if (s[0] != '\\' || s[1] != '\\')
                return 0;
        return strcspn(s + 2, "\\");
}

const char *metadata_check_dependency_logical_path(const char *s) {
        if (!s)
                return "must not be null";
        if (s[0] != '\\' || s[1] != '\\')
                return metadata_check_logical_path(s);

        /* "\\machine", or "\\machine\" followed by a logical path on that machine. */
        size_t m = remote_machine_length(s);
        if (m == 0)
                return "must name a machine after '\\\\'";
        const char *rest = s + 2 + m;
        if (*rest == '\\') {
                const char *e = metadata_check_logical_path(rest + 1);
                if (e)
                        return e;
        }
        return metadata_check_string(s, VSS_METADATA_STRING_MAX);
}

const char *metadata_check_dependency_name(const char *s) {
        if (!s || !*s)
                return "must not be empty";
        if (s[0] == '\\' && s[1] == '\\') {
                size_t m = remote_machine_length(s);
                if (m == 0)
                        return "must name a machine after '\\\\'";
                const char *rest = s + 2 + m;
                if (*rest != '\\' || !rest[1])
                        return "must name a component after the machine";
                const char *e = metadata_check_logical_path(rest + 1);
                if (e)
                        return e;
                return metadata_check_string(s, VSS_METADATA_STRING_MAX);
        }
        return metadata_check_name(s);
}

const char *metadata_check_dependency_target(const char *logical_path, const char *name) {
        if (name && name[0] == '\\' && name[1] == '\\' && logical_path && *logical_path)
                return "a remote name (starting with '\\\\') needs an empty logical path";
        return NULL;
}

const char *metadata_check_path(const char *s) {
        if (!s || !*s)
                return "must not be empty";
        if (strpbrk(s, "*?"))
                return "must not contain a wildcard";
        return metadata_check_string(s, VSS_METADATA_STRING_MAX);
}

const char *metadata_check_filespec(const char *s) {
        if (!s || !*s)
                return "must not be empty";
        if (strpbrk(s, "/\\"))
                return "must not contain a directory separator";
        return metadata_check_string(s, VSS_METADATA_STRING_MAX);
}

const char *metadata_check_filename(const char *s) {
        const char *e = metadata_check_filespec(s);
        if (e)
                return e;
        if (strpbrk(s, "*?"))
                return "must not contain a wildcard";
        return NULL;
}

const char *metadata_check_text(const char *s) {
        return metadata_check_string(s, VSS_METADATA_TEXT_MAX);
}

const char *metadata_check_partial_ranges(const char *s) {
        if (!s || !*s)
                return "must not be empty";
        const char *e = metadata_check_text(s);
        if (e)
                return e;
        if (vss_ranges_is_file_reference(s))
                return metadata_check_path(s);
        return metadata_check_inline_ranges(s, NULL);
}

const char *metadata_check_backup_schema(uint32_t schema) {
        uint32_t defined = 0;
        const uint32_t levels = VSS_BS_INCREMENTAL | VSS_BS_DIFFERENTIAL;

        for (uint32_t bit = 1; bit != 0; bit <<= 1U)
                if (vss_backup_schema_to_string((VSS_BACKUP_SCHEMA) bit))
                        defined |= bit;
        if ((schema & ~defined) != 0)
                return "must not contain undefined bits";
        if ((schema & levels) == 0) {
                if (schema & VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL)
                        return "VSS_BS_EXCLUSIVE_INCREMENTAL_DIFFERENTIAL needs VSS_BS_INCREMENTAL "
                               "or VSS_BS_DIFFERENTIAL";
                if (schema & VSS_BS_TIMESTAMPED)
                        return "VSS_BS_TIMESTAMPED needs VSS_BS_INCREMENTAL or VSS_BS_DIFFERENTIAL";
                if (schema & VSS_BS_LAST_MODIFY)
                        return "VSS_BS_LAST_MODIFY needs VSS_BS_INCREMENTAL or VSS_BS_DIFFERENTIAL";
        }
        return NULL;
}

uint32_t metadata_snapshot_attributes_defined(void) {
        uint32_t defined = 0;

        for (uint32_t bit = 1; bit != 0; bit <<= 1U)
                if (vss_snapshot_attributes_to_string((VSS_VOLUME_SNAPSHOT_ATTRIBUTES) bit))
                        defined |= bit;
        return defined;
}

const char *metadata_check_snapshot_context(uint32_t context) {
        if (context == UINT32_MAX)
                return "VSS_CTX_ALL is only for queries, not a document's context";
        if (!vss_snapshot_context_to_string(
                            (VSS_SNAPSHOT_CONTEXT) (context & SNAPSHOT_CONTEXT_BITS)))
                return "must be a VSS_SNAPSHOT_CONTEXT";
        if ((context & ~SNAPSHOT_CONTEXT_BITS & ~metadata_snapshot_attributes_defined()) != 0)
                return "must not contain undefined attribute bits";
        return NULL;
}

static uint32_t mask_defined(const char *(*to_string)(uint32_t)) {
        uint32_t defined = 0;

        for (uint32_t bit = 1; bit != 0; bit <<= 1U)
                if (to_string(bit))
                        defined |= bit;
        return defined;
}

static const char *component_flag_name(uint32_t bit) {
        return vss_component_flags_to_string((VSS_COMPONENT_FLAGS) bit);
}

static const char *backup_type_mask_name(uint32_t bit) {
        return vss_file_spec_backup_type_to_string((VSS_FILE_SPEC_BACKUP_TYPE) bit);
}

const char *metadata_check_component_flags(uint32_t flags) {
        if ((flags & ~mask_defined(component_flag_name)) != 0)
                return "must not contain undefined bits";
        return NULL;
}

const char *metadata_check_backup_type_mask(uint32_t mask) {
        if ((mask & ~mask_defined(backup_type_mask_name)) != 0)
                return "must not contain undefined bits";
        return NULL;
}

bool metadata_logical_path_is_within(
                const char *lp, const char *set_logical_path, const char *set_name) {
        size_t n = strlen(set_logical_path), m = strlen(set_name);

        /* Compares against set_logical_path + "\\" + set_name without building it. */
        if (n > 0) {
                if (strncmp(lp, set_logical_path, n) != 0 || lp[n] != '\\')
                        return false;
                lp += n + 1;
        }
        if (strncmp(lp, set_name, m) != 0)
                return false;
        return lp[m] == 0 || lp[m] == '\\';
}

bool metadata_key_equal(const char *lp1, const char *name1, const char *lp2, const char *name2) {
        return streq(lp1, lp2) && streq(name1, name2);
}

int metadata_errorv(char **reterr, int code, const char *format, va_list ap) {
        if (!reterr)
                return code;
        char *m = NULL;
        if (vasprintf(&m, format, ap) < 0)
                return -ENOMEM;
        free(*reterr);
        *reterr = m;
        return code;
}

int metadata_error(char **reterr, int code, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        int r = metadata_errorv(reterr, code, format, ap);
        va_end(ap);
        return r;
}

const char *metadata_quote(const char *s, char *buf, size_t buf_size) {
        assert(buf);
        assert(buf_size >= 4);

        if (!s) {
                (void) snprintf(buf, buf_size, "(null)");
                return buf;
        }
        size_t max = buf_size - 4, n = strlen(s);
        if (n <= max) {
                memcpy(buf, s, n + 1);
                return buf;
        }
        /* Cut before a UTF-8 continuation byte never splits a character. */
        size_t k = max;
        while (k > 0 && ((unsigned char) s[k] & 0xC0U) == 0x80U)
                k--;
        memcpy(buf, s, k);
        memcpy(buf + k, "...", 4);
        return buf;
}
