/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Windows Server Backup application registrations: the subkeys of "Application Support", each
 * named after a VSS writer class id, with an "Application Identifier" and optionally the CLSID
 * of an add-in (seed 000, docs/REGISTRY.md). Listing checks each one; writes are checked
 * before the store makes them. */

#include <stdio.h>
#include <string.h>

#include "buffer.h"
#include "registry-internal.h"
#include "strv.h"
#include "utf8.h"

#define ADDIN_KEY_FORMAT "HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes\\CLSID\\%s\\LocalServer32"

static const char *const status_names[] = {
                [REGISTRY_APP_OK] = "ok",
                [REGISTRY_APP_IGNORED_DUPLICATE] = "ignored",
                [REGISTRY_APP_INVALID] = "invalid",
};

const char *registry_app_status_to_string(RegistryAppStatus s) {
        if ((unsigned) s >= ELEMENTSOF(status_names))
                return NULL;
        return status_names[s];
}

static void app_done(RegistryApp *a) {
        free(a->key_name);
        free(a->identifier);
        free(a->addin_path);
        free(a->reason);
        memset(a, 0, sizeof *a);
}

static const char *type_name(RegType type) {
        const char *s = reg_type_to_string(type);
        return s ? s : "of an unknown type";
}

void registry_app_array_free(RegistryApp *apps, size_t n) {
        if (!apps)
                return;
        for (size_t i = 0; i < n; i++)
                app_done(&apps[i]);
        free(apps);
}

/* A writer class id as a key name: "{GUID}", braces required, hex digits in any case. */
static bool key_name_to_guid(const char *s, vss_guid *ret) {
        return strlen(s) == VSS_GUID_STRING_MAX - 1 && s[0] == '{' &&
               vss_guid_from_string(s, ret) >= 0;
}

/* The string in REG_SZ data, or NULL if the data is not one valid string. */
static const char *sz_string(const void *data, size_t size) {
        const char *s = data;

        if (!s || size == 0 || s[size - 1] != 0 || strlen(s) != size - 1 ||
            !utf8_is_valid_n(s, size - 1))
                return NULL;
        return s;
}

/* Why an "Application Identifier" value is unusable, or NULL when it is fine. You now own the
 * text; -ENOMEM. */
static int identifier_problem(RegType type, const void *data, size_t size, char **ret) {
        const char *s = sz_string(data, size);
        int k = 0;

        *ret = NULL;
        if (type != REG_SZ)
                k = asprintf(ret, "'%s' is %s, not REG_SZ", REGISTRY_APP_IDENTIFIER,
                             type_name(type));
        else if (!s)
                k = asprintf(ret, "'%s' is not a valid string", REGISTRY_APP_IDENTIFIER);
        else if (!*s)
                k = asprintf(ret, "'%s' is empty", REGISTRY_APP_IDENTIFIER);
        else {
                long n = utf8_n_codepoints(s);
                if (n > REGISTRY_APP_IDENTIFIER_MAX)
                        k = asprintf(ret, "'%s' has %ld characters; at most %d are allowed",
                                     REGISTRY_APP_IDENTIFIER, n, REGISTRY_APP_IDENTIFIER_MAX);
        }
        if (k < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

/* Why a "CLSID" value is unusable, or NULL when it is fine (then *ret_clsid is set). */
static int
clsid_problem(RegType type, const void *data, size_t size, vss_guid *ret_clsid, char **ret) {
        const char *s = sz_string(data, size);
        int k = 0;

        *ret = NULL;
        if (type != REG_SZ)
                k = asprintf(ret, "'%s' is %s, not REG_SZ", REGISTRY_APP_CLSID, type_name(type));
        else if (!s || vss_guid_from_string(s, ret_clsid) < 0)
                k = asprintf(ret,
                             "'%s' is '%s', which is not a GUID "
                             "({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX})",
                             REGISTRY_APP_CLSID, s ? s : "?");
        if (k < 0) {
                *ret = NULL;
                return -ENOMEM;
        }
        return 0;
}

static int add_reason(Buffer *b, const char *problem) {
        if (b->size > 0 && buffer_append_str(b, "; ") < 0)
                return -ENOMEM;
        return buffer_append_str(b, problem);
}

/* Reads "LocalServer32" of the add-in's class: the program that implements it. NULL (and 0)
 * when it is not registered or not a string. */
static int read_addin_path(Registry *r, const vss_guid *clsid, char **ret) {
        VSS_CLEANUP(reg_value_freep) RegValue *v = NULL;
        vss_autofree char *key = NULL;
        char g[VSS_GUID_STRING_MAX];
        const char *s;
        int k;

        *ret = NULL;
        if (asprintf(&key, ADDIN_KEY_FORMAT, vss_guid_to_string(clsid, g)) < 0)
                return -ENOMEM;
        k = registry_get_value(r, key, "", &v);
        if (k == -ENOENT)
                return 0;
        if (k < 0)
                return k;
        if (reg_value_get_string(v, &s) < 0 || !*s)
                return 0;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

/* Builds one registration from its key. 'raw' receives the identifier string even when it is
 * unusable (too long), so that registry_find_app() can say why it is not selectable. */
static int app_load(Registry *r, const char *key_name, RegistryApp *a, char **raw) {
        VSS_CLEANUP(reg_value_freep) RegValue *id = NULL;
        VSS_CLEANUP(reg_value_freep) RegValue *clsid = NULL;
        vss_autofree char *path = NULL;
        Buffer reason = BUFFER_INIT;
        int k;

        memset(a, 0, sizeof *a);
        a->status = REGISTRY_APP_OK;
        a->key_name = strdup(key_name);
        if (!a->key_name || asprintf(&path, "%s\\%s", REGISTRY_APP_SUPPORT_KEY, key_name) < 0)
                return -ENOMEM;

        bool guid = key_name_to_guid(key_name, &a->writer_id);
        if (!guid) {
                memset(&a->writer_id, 0, sizeof a->writer_id);
                if (buffer_printf(&reason,
                                  "the key name '%s' is not a writer class id "
                                  "({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX})",
                                  key_name) < 0)
                        goto oom;
        }

        /* A name that is no GUID may even be unusable in a path (written by another program,
         * with a control character or a '\'): then its values cannot be looked up. */
        k = registry_get_value(r, path, REGISTRY_APP_IDENTIFIER, &id);
        if (!guid && (k == -EINVAL || k == -E2BIG))
                k = -ENOENT;
        if (k == -ENOENT) {
                if (add_reason(&reason, "'" REGISTRY_APP_IDENTIFIER "' is missing") < 0)
                        goto oom;
        } else if (k < 0) {
                buffer_done(&reason);
                return k;
        } else {
                vss_autofree char *problem = NULL;
                const char *s = sz_string(id->data, id->size);
                if (s) {
                        *raw = strdup(s);
                        if (!*raw)
                                goto oom;
                }
                if (identifier_problem(id->type, id->data, id->size, &problem) < 0)
                        goto oom;
                if (problem) {
                        if (add_reason(&reason, problem) < 0)
                                goto oom;
                } else {
                        a->identifier = strdup(s);
                        if (!a->identifier)
                                goto oom;
                }
        }

        k = registry_get_value(r, path, REGISTRY_APP_CLSID, &clsid);
        if (!guid && (k == -EINVAL || k == -E2BIG))
                k = -ENOENT;
        if (k >= 0) {
                vss_autofree char *problem = NULL;
                if (clsid_problem(clsid->type, clsid->data, clsid->size, &a->clsid, &problem) < 0)
                        goto oom;
                if (problem) {
                        memset(&a->clsid, 0, sizeof a->clsid);
                        if (add_reason(&reason, problem) < 0)
                                goto oom;
                } else
                        a->has_clsid = true;
        } else if (k != -ENOENT) {
                buffer_done(&reason);
                return k;
        }

        if (a->has_clsid) {
                k = read_addin_path(r, &a->clsid, &a->addin_path);
                if (k < 0) {
                        buffer_done(&reason);
                        return k;
                }
        }

        if (reason.size > 0) {
                a->status = REGISTRY_APP_INVALID;
                a->reason = buffer_steal(&reason);
                if (!a->reason)
                        return -ENOMEM;
        }
        return 0;

oom:
        buffer_done(&reason);
        return -ENOMEM;
}

/* Marks the later of two valid registrations with the same identifier as ignored. */
static int mark_duplicates(Registry *r, RegistryApp *apps, size_t n) {
        for (size_t i = 0; i < n; i++) {
                if (apps[i].status != REGISTRY_APP_OK)
                        continue;
                for (size_t j = 0; j < i; j++) {
                        if (apps[j].status != REGISTRY_APP_OK ||
                            !registry_name_equal(r, apps[i].identifier, apps[j].identifier))
                                continue;
                        apps[i].status = REGISTRY_APP_IGNORED_DUPLICATE;
                        if (asprintf(&apps[i].reason,
                                     "the earlier registration %s already has the identifier "
                                     "'%s'",
                                     apps[j].key_name, apps[j].identifier) < 0) {
                                apps[i].reason = NULL;
                                return -ENOMEM;
                        }
                        break;
                }
        }
        return 0;
}

static void raw_free(char **raw, size_t n) {
        if (!raw)
                return;
        for (size_t i = 0; i < n; i++)
                free(raw[i]);
        free(raw);
}

/* registry_list_apps(), also returning each registration's identifier string as written (NULL
 * when missing or not a string), if 'ret_raw' is not NULL. */
static int list_apps(Registry *r, RegistryApp **ret, char ***ret_raw, size_t *ret_n) {
        vss_autostrv char **names = NULL;
        RegistryApp *apps = NULL;
        char **raw = NULL;
        size_t n;
        int k;

        k = registry_list_subkeys(r, REGISTRY_APP_SUPPORT_KEY, &names);
        if (k == -ENOENT) {
                registry_error_clear(r);
                *ret = NULL;
                if (ret_raw)
                        *ret_raw = NULL;
                *ret_n = 0;
                return 0;
        }
        if (k < 0)
                return k;

        n = strv_length(names);
        apps = calloc(n ? n : 1, sizeof *apps);
        raw = calloc(n + 1, sizeof *raw);
        if (!apps || !raw) {
                free(apps);
                free(raw);
                return registry_error(r, -ENOMEM, "Out of memory.");
        }
        for (size_t i = 0; i < n && k >= 0; i++)
                k = app_load(r, names[i], &apps[i], &raw[i]);
        if (k >= 0)
                k = mark_duplicates(r, apps, n);
        if (k < 0) {
                registry_app_array_free(apps, n);
                raw_free(raw, n);
                return k == -ENOMEM ? registry_error(r, k, "Out of memory.") : k;
        }

        registry_error_clear(r); /* the lookups of missing values left their messages */
        *ret = apps;
        *ret_n = n;
        if (ret_raw) /* an array of n with holes (NULL) where there was no string */
                *ret_raw = raw;
        else
                raw_free(raw, n);
        return 0;
}

int registry_list_apps(Registry *r, RegistryApp **ret, size_t *ret_n) {
        RegistryApp *apps = NULL;
        size_t n = 0;
        int k;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_n, -EINVAL);
        registry_error_clear(r);

        k = registry_read_begin(r, "list the applications");
        if (k < 0)
                return k;
        k = list_apps(r, &apps, NULL, &n);
        k = registry_read_end(r, k);
        if (k < 0) {
                registry_app_array_free(apps, n);
                return k;
        }
        *ret = apps;
        *ret_n = n;
        return 0;
}

static int set_message(char **reterr_message, const char *format, ...) VSS_PRINTF(2, 3);
static int set_message(char **reterr_message, const char *format, ...) {
        va_list ap;
        char *m = NULL;

        if (!reterr_message)
                return 0;
        va_start(ap, format);
        if (vasprintf(&m, format, ap) < 0)
                m = NULL;
        va_end(ap);
        *reterr_message = m;
        return m ? 0 : -ENOMEM;
}

int registry_find_app(
                Registry *r, const char *identifier, RegistryApp **ret, char **reterr_message) {
        RegistryApp *apps = NULL;
        char **raw = NULL;
        size_t n = 0;
        int k;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(identifier, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        registry_error_clear(r);

        k = registry_read_begin(r, "look up an application");
        if (k < 0)
                goto fail;
        k = list_apps(r, &apps, &raw, &n);
        k = registry_read_end(r, k);
        if (k < 0)
                goto fail;

        for (size_t i = 0; i < n; i++) {
                if (apps[i].status != REGISTRY_APP_OK ||
                    !registry_name_equal(r, identifier, apps[i].identifier))
                        continue;
                RegistryApp *one = calloc(1, sizeof *one);
                if (!one) {
                        k = registry_error(r, -ENOMEM, "Out of memory.");
                        goto fail;
                }
                *one = apps[i];
                memset(&apps[i], 0, sizeof apps[i]);
                registry_app_array_free(apps, n);
                raw_free(raw, n);
                *ret = one;
                return 0;
        }

        k = -ENOENT;
        for (size_t i = 0; i < n; i++)
                if (raw[i] && registry_name_equal(r, identifier, raw[i])) {
                        (void) registry_error(
                                        r, k,
                                        "The application '%s' is registered by %s but is not "
                                        "selectable: %s.",
                                        identifier, apps[i].key_name,
                                        apps[i].reason ? apps[i].reason : "unknown reason");
                        break;
                }
        if (!r->error)
                (void) registry_error(
                                r, k, "No application is registered with the identifier '%s'.",
                                identifier);

fail:
        if (reterr_message && r->error)
                *reterr_message = strdup(r->error);
        registry_app_array_free(apps, n);
        raw_free(raw, n);
        return k;
}

/* Whether 'components' (a split key path) lie under "Application Support"; then stores the
 * index of the component just below it (the registration's key name). */
static int under_app_support(Registry *r, char *const *components, size_t *ret_index) {
        vss_autostrv char **base = NULL;
        size_t n_base;
        int k;

        k = registry_path_split(REGISTRY_APP_SUPPORT_KEY, &base, NULL);
        if (k < 0)
                return k;
        n_base = strv_length(base);
        if (strv_length(components) <= n_base)
                return 0;
        for (size_t i = 0; i < n_base; i++)
                if (!registry_name_equal(r, components[i], base[i]))
                        return 0;
        *ret_index = n_base;
        return 1;
}

/* Whether another valid registration (not the key 'key_name') has this identifier; then puts
 * a warning that names it in *reterr_message. Returns 1 if so, 0 if not. */
static int
find_duplicate(Registry *r, const char *key_name, const char *identifier, char **reterr_message) {
        RegistryApp *apps = NULL;
        size_t n = 0;
        int k;

        k = list_apps(r, &apps, NULL, &n);
        if (k < 0) {
                if (reterr_message && r->error)
                        *reterr_message = strdup(r->error);
                return k;
        }
        k = 0;
        for (size_t i = 0; i < n; i++) {
                if (apps[i].status == REGISTRY_APP_INVALID ||
                    registry_name_equal(r, apps[i].key_name, key_name) ||
                    !registry_name_equal(r, apps[i].identifier, identifier))
                        continue;
                k = set_message(reterr_message,
                                "The application identifier '%s' is already used by the "
                                "registration %s; of two registrations with the same "
                                "identifier, Windows Server Backup ignores the later one.",
                                apps[i].identifier, apps[i].key_name);
                k = k < 0 ? k : 1;
                break;
        }
        registry_app_array_free(apps, n);
        return k;
}

int registry_apps_check_write(
                Registry *r,
                const char *key,
                const char *name,
                RegType type,
                const void *data,
                size_t size,
                char **reterr_message) {
        vss_autostrv char **components = NULL;
        vss_autofree char *problem = NULL;
        size_t i = 0;
        vss_guid g;
        int k;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(key, -EINVAL);
        vss_assert_return(data || size == 0, -EINVAL);

        k = registry_path_split(key, &components, reterr_message);
        if (k < 0)
                return k;
        k = under_app_support(r, components, &i);
        if (k <= 0)
                return k < 0 ? k : 0;

        const char *sub = components[i];
        if (!key_name_to_guid(sub, &g)) {
                (void) set_message(
                                reterr_message,
                                "Refusing '%s': the keys under 'Application Support' are named "
                                "after the writer class id, as "
                                "'{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}'.",
                                sub);
                return -EINVAL;
        }
        if (!name || components[i + 1])
                return 0; /* only the registration key's own values have rules */

        if (registry_name_equal(r, name, REGISTRY_APP_IDENTIFIER)) {
                if (identifier_problem(type, data, size, &problem) < 0)
                        return -ENOMEM;
                if (problem) {
                        (void) set_message(
                                        reterr_message,
                                        "Refusing the registration %s: %s. The application "
                                        "identifier must be a REG_SZ of 1 to %d characters.",
                                        sub, problem, REGISTRY_APP_IDENTIFIER_MAX);
                        return -EINVAL;
                }
                return find_duplicate(r, sub, data, reterr_message);
        }

        if (registry_name_equal(r, name, REGISTRY_APP_CLSID)) {
                vss_guid clsid;
                if (clsid_problem(type, data, size, &clsid, &problem) < 0)
                        return -ENOMEM;
                if (problem) {
                        (void) set_message(
                                        reterr_message,
                                        "Refusing the registration %s: %s. The CLSID must be "
                                        "a REG_SZ holding the GUID of the add-in's class.",
                                        sub, problem);
                        return -EINVAL;
                }
        }
        return 0;
}
