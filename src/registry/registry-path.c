/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Key paths and names: splitting and checking paths, root key aliases, value name rules, and the
 * case folding that makes names case-insensitive. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "buffer.h"
#include "registry-internal.h"
#include "strv.h"
#include "utf8.h"

/* Roots that exist on Windows but not in linvss: there are no users' hives and no hardware
 * profiles here, so these are refused as unsupported rather than as malformed. */
static const char *const unsupported_roots[] = {
                "HKCU",          "HKEY_CURRENT_USER",   "HKU",  "HKEY_USERS",
                "HKCC",          "HKEY_CURRENT_CONFIG", "HKPD", "HKEY_PERFORMANCE_DATA",
                "HKEY_DYN_DATA",
};

/* Compares 'n' bytes of 's' with the ASCII string 'ascii', ignoring ASCII case only: root names
 * are ASCII, and strncasecmp() would depend on the process locale. */
static bool ascii_case_equal_n(const char *s, size_t n, const char *ascii) {
        if (strlen(ascii) != n)
                return false;
        for (size_t i = 0; i < n; i++) {
                char a = s[i], b = ascii[i];
                if (a >= 'a' && a <= 'z')
                        a = (char) (a - 'a' + 'A');
                if (b >= 'a' && b <= 'z')
                        b = (char) (b - 'a' + 'A');
                if (a != b)
                        return false;
        }
        return true;
}

static int message(char **reterr_message, int error, const char *format, ...) VSS_PRINTF(3, 4);
static int message(char **reterr_message, int error, const char *format, ...) {
        va_list ap;

        if (reterr_message) {
                char *m = NULL;
                va_start(ap, format);
                if (vasprintf(&m, format, ap) < 0)
                        m = NULL;
                va_end(ap);
                *reterr_message = m;
        }
        return error;
}

/* Counts the code points of 'n' bytes of valid UTF-8 and tells whether any is a control
 * character (C0, DEL or C1). Returns -EILSEQ if the bytes are not valid UTF-8. */
static long count_code_points(const char *s, size_t n, bool *ret_has_control) {
        long count = 0;
        bool control = false;

        for (size_t i = 0; i < n;) {
                uint32_t cp;
                int k = utf8_decode(s + i, n - i, &cp);
                if (k < 0)
                        return -EILSEQ;
                if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
                        control = true;
                i += (size_t) k;
                count++;
        }
        if (ret_has_control)
                *ret_has_control = control;
        return count;
}

static int key_name_check(const char *path, const char *name, size_t n, char **reterr_message) {
        bool control = false;
        long count = count_code_points(name, n, &control);

        if (count < 0)
                return message(reterr_message, -EINVAL, "Key path '%s' is not valid UTF-8.", path);
        if (count > REGISTRY_KEY_NAME_MAX)
                return message(reterr_message, -E2BIG,
                               "A key name in '%s' has %ld characters; at most %d are allowed.",
                               path, count, REGISTRY_KEY_NAME_MAX);
        if (control)
                return message(reterr_message, -EINVAL,
                               "Key name '%.*s' contains a control character.", (int) n, name);
        return 0;
}

int registry_path_split(const char *path, char ***ret, char **reterr_message) {
        vss_autostrv char **l = NULL;
        size_t n_components = 0, len;
        int r;

        assert(ret);

        if (!path || !*path)
                return message(reterr_message, -EINVAL, "The key path is empty.");
        if (!utf8_is_valid(path))
                return message(reterr_message, -EINVAL, "The key path is not valid UTF-8.");
        if (path[0] == '\\' && path[1] == '\\')
                return message(reterr_message, -EOPNOTSUPP,
                               "Remote key paths are not supported: '%s'. Only the local "
                               "registry can be used.",
                               path);
        if (path[0] == '\\')
                return message(reterr_message, -EINVAL,
                               "Key path '%s' starts with '\\'; it must start with a root key "
                               "(HKLM or HKCR).",
                               path);

        len = strlen(path);
        if (path[len - 1] == '\\') /* one trailing separator is ignored */
                len--;

        for (size_t start = 0; start <= len;) {
                const char *sep = memchr(path + start, '\\', len - start);
                size_t end = sep ? (size_t) (sep - path) : len;
                const char *c = path + start;
                size_t n = end - start;

                if (n == 0)
                        return message(reterr_message, -EINVAL,
                                       "Key path '%s' contains an empty key name ('\\\\').", path);

                if (n_components == 0) {
                        if (ascii_case_equal_n(c, n, "HKLM") ||
                            ascii_case_equal_n(c, n, REGISTRY_ROOT_NAME))
                                r = strv_extend(&l, REGISTRY_ROOT_NAME);
                        else if (ascii_case_equal_n(c, n, "HKCR") ||
                                 ascii_case_equal_n(c, n, "HKEY_CLASSES_ROOT")) {
                                r = strv_extend(&l, REGISTRY_ROOT_NAME);
                                if (r >= 0)
                                        r = strv_extend(&l, "SOFTWARE");
                                if (r >= 0)
                                        r = strv_extend(&l, "Classes");
                        } else {
                                for (size_t i = 0; i < ELEMENTSOF(unsupported_roots); i++)
                                        if (ascii_case_equal_n(c, n, unsupported_roots[i]))
                                                return message(reterr_message, -EOPNOTSUPP,
                                                               "Root key '%.*s' is not supported; "
                                                               "linvss has only "
                                                               "HKEY_LOCAL_MACHINE (HKLM) and "
                                                               "HKEY_CLASSES_ROOT (HKCR).",
                                                               (int) n, c);
                                return message(reterr_message, -EINVAL,
                                               "Key path '%s' does not start with a root key "
                                               "(HKLM, HKEY_LOCAL_MACHINE, HKCR or "
                                               "HKEY_CLASSES_ROOT).",
                                               path);
                        }
                } else {
                        r = key_name_check(path, c, n, reterr_message);
                        if (r < 0)
                                return r;
                        r = strv_consume(&l, strndup(c, n));
                }
                if (r < 0)
                        return message(reterr_message, r, "Out of memory.");

                n_components = strv_length(l);
                if (n_components > REGISTRY_KEY_DEPTH_MAX)
                        return message(reterr_message, -E2BIG,
                                       "Key path '%.64s...' is more than %d keys deep.", path,
                                       REGISTRY_KEY_DEPTH_MAX);
                start = end + 1;
        }

        *ret = TAKE_PTR(l);
        return 0;
}

char *registry_path_join(char *const *components) {
        Buffer b = BUFFER_INIT;

        STRV_FOREACH(c, components) {
                if ((c != components && buffer_append_char(&b, '\\') < 0) ||
                    buffer_append_str(&b, *c) < 0) {
                        buffer_done(&b);
                        return NULL;
                }
        }
        return buffer_steal(&b);
}

int registry_path_normalize(const char *path, char **ret) {
        vss_autostrv char **l = NULL;
        int r;

        vss_assert_return(path, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        r = registry_path_split(path, &l, NULL);
        if (r < 0)
                return r;

        char *s = registry_path_join(l);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int registry_value_name_check(const char *name, char **reterr_message) {
        bool control = false;
        long count;

        if (!name)
                return message(reterr_message, -EINVAL, "No value name given.");
        count = count_code_points(name, strlen(name), &control);
        if (count < 0)
                return message(reterr_message, -EINVAL, "The value name is not valid UTF-8.");
        if (count > REGISTRY_VALUE_NAME_MAX)
                return message(reterr_message, -E2BIG,
                               "The value name '%.64s...' has %ld characters; at most %d are "
                               "allowed.",
                               name, count, REGISTRY_VALUE_NAME_MAX);
        if (control)
                return message(reterr_message, -EINVAL,
                               "The value name '%s' contains a control character.", name);
        return 0;
}

int registry_fold(Registry *r, const char *s, char **ret) {
        Buffer b = BUFFER_INIT;
        size_t n;

        assert(r);
        assert(s);
        assert(ret);

        n = strlen(s);
        for (size_t i = 0; i < n;) {
                char enc[4];
                uint32_t cp;
                int k = utf8_decode(s + i, n - i, &cp);
                if (k < 0) {
                        buffer_done(&b);
                        return -EILSEQ;
                }
                i += (size_t) k;

                /* Lower case of the upper case: puts 'ς' with 'σ' and 'Σ', 'ſ' with 's', 'µ'
                 * with 'μ', as Unicode's simple case folding does. */
                wint_t f = towlower_l(towupper_l((wint_t) cp, r->locale), r->locale);
                int m = utf8_encode((uint32_t) f, enc);
                if (m < 0) /* cannot happen with glibc's tables; keep the character as it is */
                        m = utf8_encode(cp, enc);
                if (m < 0 || buffer_append(&b, enc, (size_t) m) < 0) {
                        buffer_done(&b);
                        return m < 0 ? -EILSEQ : -ENOMEM;
                }
        }

        char *f = buffer_steal(&b);
        if (!f)
                return -ENOMEM;
        *ret = f;
        return 0;
}

bool registry_name_equal(Registry *r, const char *a, const char *b) {
        vss_autofree char *fa = NULL, *fb = NULL;

        if (!a || !b)
                return false;
        if (registry_fold(r, a, &fa) < 0 || registry_fold(r, b, &fb) < 0)
                return false;
        return streq(fa, fb);
}
