/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Value types: their names, the data layout each one requires, and the typed accessors. */

#include <stdio.h>
#include <string.h>

#include "registry-internal.h"
#include "strv.h"
#include "utf8.h"

static const struct {
        RegType type;
        const char *name;
} type_table[] = {
                {REG_NONE, "REG_NONE"},           {REG_SZ, "REG_SZ"},
                {REG_EXPAND_SZ, "REG_EXPAND_SZ"}, {REG_BINARY, "REG_BINARY"},
                {REG_DWORD, "REG_DWORD"},         {REG_MULTI_SZ, "REG_MULTI_SZ"},
                {REG_QWORD, "REG_QWORD"},
};

const char *reg_type_to_string(RegType t) {
        for (size_t i = 0; i < ELEMENTSOF(type_table); i++)
                if (type_table[i].type == t)
                        return type_table[i].name;
        return NULL;
}

/* ASCII-only case-insensitive equality: strcasecmp() follows the process locale. */
static bool ascii_case_equal(const char *a, const char *b) {
        for (;; a++, b++) {
                char x = *a, y = *b;
                if (x >= 'a' && x <= 'z')
                        x = (char) (x - 'a' + 'A');
                if (y >= 'a' && y <= 'z')
                        y = (char) (y - 'a' + 'A');
                if (x != y)
                        return false;
                if (x == 0)
                        return true;
        }
}

int reg_type_from_string(const char *s, RegType *ret) {
        vss_assert_return(s, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        for (size_t i = 0; i < ELEMENTSOF(type_table); i++)
                if (ascii_case_equal(type_table[i].name, s)) {
                        *ret = type_table[i].type;
                        return 0;
                }
        return -EINVAL;
}

RegValue *reg_value_free(RegValue *v) {
        if (!v)
                return NULL;
        free(v->name);
        free(v->data);
        free(v);
        return NULL;
}

void reg_value_array_free(RegValue *v, size_t n) {
        if (!v)
                return;
        for (size_t i = 0; i < n; i++) {
                free(v[i].name);
                free(v[i].data);
        }
        free(v);
}

/* A string of 'size' bytes that ends with its only NUL and is valid UTF-8. */
static bool is_string(const uint8_t *data, size_t size) {
        if (!data || size == 0 || data[size - 1] != 0)
                return false;
        if (memchr(data, 0, size - 1))
                return false;
        return utf8_is_valid_n((const char *) data, size - 1);
}

/* "a\0b\0\0" or "\0": non-empty UTF-8 strings, each with its NUL, and one NUL after the last. */
static bool is_multi_string(const uint8_t *data, size_t size) {
        size_t i = 0;

        if (!data || size == 0 || data[size - 1] != 0)
                return false;
        if (size == 1)
                return true;
        while (i < size - 1) {
                const uint8_t *nul = memchr(data + i, 0, size - 1 - i);
                if (!nul)
                        return false; /* the last string lacks its own NUL */
                size_t n = (size_t) (nul - (data + i));
                if (n == 0)
                        return false; /* an empty string inside the list */
                if (!utf8_is_valid_n((const char *) data + i, n))
                        return false;
                i += n + 1;
        }
        return i == size - 1;
}

int reg_value_check_data(RegType type, const void *data, size_t size, char **reterr_message) {
        const char *name = reg_type_to_string(type);
        const char *problem = NULL;
        char *m = NULL;

        if (!name) {
                if (reterr_message && asprintf(&m, "Unknown value type %d.", (int) type) >= 0)
                        *reterr_message = m;
                return -EINVAL;
        }
        if (!data && size > 0) {
                problem = "no data given";
        } else if (size > (size_t) REGISTRY_VALUE_DATA_MAX) {
                if (reterr_message &&
                    asprintf(&m, "The %s data has %zu bytes; at most %d are allowed.", name, size,
                             REGISTRY_VALUE_DATA_MAX) >= 0)
                        *reterr_message = m;
                return -E2BIG;
        } else {
                switch (type) {
                case REG_SZ:
                case REG_EXPAND_SZ:
                        if (!is_string(data, size))
                                problem = "it must be one UTF-8 string and its terminating NUL";
                        break;
                case REG_MULTI_SZ:
                        if (!is_multi_string(data, size))
                                problem = "it must be non-empty UTF-8 strings, each with its NUL, "
                                          "followed by one more NUL (\"\\0\" for no strings)";
                        break;
                case REG_DWORD:
                        if (size != 4)
                                problem = "it must be 4 bytes";
                        break;
                case REG_QWORD:
                        if (size != 8)
                                problem = "it must be 8 bytes";
                        break;
                case REG_NONE:
                case REG_BINARY:
                        break;
                }
        }
        if (problem) {
                if (reterr_message &&
                    asprintf(&m, "Malformed %s data (%zu bytes): %s.", name, size, problem) >= 0)
                        *reterr_message = m;
                return -EINVAL;
        }
        return 0;
}

int reg_value_get_string(const RegValue *v, const char **ret) {
        vss_assert_return(v, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        if ((v->type != REG_SZ && v->type != REG_EXPAND_SZ) || !is_string(v->data, v->size))
                return -EINVAL;
        *ret = (const char *) v->data;
        return 0;
}

static uint64_t read_le(const uint8_t *p, size_t n) {
        uint64_t x = 0;

        for (size_t i = n; i > 0; i--)
                x = (x << 8) | p[i - 1];
        return x;
}

int reg_value_get_dword(const RegValue *v, uint32_t *ret) {
        vss_assert_return(v, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        if (v->type != REG_DWORD || v->size != 4 || !v->data)
                return -EINVAL;
        *ret = (uint32_t) read_le(v->data, 4);
        return 0;
}

int reg_value_get_qword(const RegValue *v, uint64_t *ret) {
        vss_assert_return(v, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        if (v->type != REG_QWORD || v->size != 8 || !v->data)
                return -EINVAL;
        *ret = read_le(v->data, 8);
        return 0;
}

int reg_value_get_multi_string(const RegValue *v, char ***ret) {
        vss_autostrv char **l = NULL;

        vss_assert_return(v, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        if (v->type != REG_MULTI_SZ || !is_multi_string(v->data, v->size))
                return -EINVAL;

        l = calloc(1, sizeof(char *)); /* the empty list is an empty strv, not NULL */
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i + 1 < v->size;) {
                const char *s = (const char *) v->data + i;
                if (strv_extend(&l, s) < 0)
                        return -ENOMEM;
                i += strlen(s) + 1;
        }
        *ret = TAKE_PTR(l);
        return 0;
}
