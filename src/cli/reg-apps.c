/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* vss-reg apps: every Windows Server Backup registration, checked as Windows Server Backup
 * would (registry_list_apps()), as a table or as JSON. */

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vss/vss.h>

#include "buffer.h"
#include "log.h"
#include "reg-cli.h"
#include "utf8.h"

enum {
        COLUMN_WRITER,
        COLUMN_IDENTIFIER,
        COLUMN_ADDIN,
        COLUMN_STATUS,
        COLUMN_MAX,
};

static const char *const column_titles[COLUMN_MAX] = {
                "WRITER CLASS ID",
                "APPLICATION IDENTIFIER",
                "ADD-IN (CLSID)",
                "STATUS",
};

/* The cells of one registration; you now own them. */
static int app_cells(const RegistryApp *a, char *cells[COLUMN_MAX]) {
        char g[VSS_GUID_STRING_MAX];
        int k = 0;

        cells[COLUMN_WRITER] = strdup(a->key_name ? a->key_name : "-");
        cells[COLUMN_IDENTIFIER] = strdup(a->identifier ? a->identifier : "-");
        if (!a->has_clsid)
                cells[COLUMN_ADDIN] = strdup("-");
        else if (a->addin_path)
                k = asprintf(&cells[COLUMN_ADDIN], "%s %s", vss_guid_to_string(&a->clsid, g),
                             a->addin_path);
        else
                k = asprintf(&cells[COLUMN_ADDIN], "%s (no LocalServer32)",
                             vss_guid_to_string(&a->clsid, g));
        if (k < 0)
                cells[COLUMN_ADDIN] = NULL;
        if (a->reason)
                k = asprintf(&cells[COLUMN_STATUS], "%s: %s",
                             registry_app_status_to_string(a->status), a->reason);
        else
                cells[COLUMN_STATUS] = strdup(registry_app_status_to_string(a->status));
        if (k < 0)
                cells[COLUMN_STATUS] = NULL;

        for (size_t i = 0; i < COLUMN_MAX; i++)
                if (!cells[i])
                        return -ENOMEM;
        return 0;
}

/* Characters, for lining up columns. */
static size_t width(const char *s) {
        long n = utf8_n_codepoints(s);
        return n < 0 ? strlen(s) : (size_t) n;
}

static int print_table(const RegistryApp *apps, size_t n) {
        size_t widths[COLUMN_MAX];
        char **cells;
        int k = 0;

        if (n == 0) {
                (void) puts("No applications are registered with Windows Server Backup.");
                return 0;
        }

        cells = calloc(n * COLUMN_MAX, sizeof(char *));
        if (!cells)
                return log_oom();

        for (size_t c = 0; c < COLUMN_MAX; c++)
                widths[c] = width(column_titles[c]);
        for (size_t i = 0; i < n && k >= 0; i++) {
                k = app_cells(apps + i, cells + i * COLUMN_MAX);
                for (size_t c = 0; c < COLUMN_MAX && k >= 0; c++)
                        widths[c] = MAX(widths[c], width(cells[i * COLUMN_MAX + c]));
        }

        if (k >= 0) {
                for (size_t row = 0; row <= n; row++)
                        for (size_t c = 0; c < COLUMN_MAX; c++) {
                                const char *s = row == 0 ? column_titles[c]
                                                         : cells[(row - 1) * COLUMN_MAX + c];
                                if (c + 1 == COLUMN_MAX)
                                        (void) printf("%s\n", s);
                                else
                                        (void) printf("%s%*s  ", s, (int) (widths[c] - width(s)),
                                                      "");
                        }
        } else
                k = log_oom();

        for (size_t i = 0; i < n * COLUMN_MAX; i++)
                free(cells[i]);
        free(cells);
        return k;
}

static json_t *string_or_null(const char *s) {
        return s ? json_string(s) : json_null();
}

static int print_json(const RegistryApp *apps, size_t n) {
        json_t *array = json_array();
        char g[VSS_GUID_STRING_MAX];
        int k = 0;

        if (!array)
                return log_oom();

        for (size_t i = 0; i < n && k >= 0; i++) {
                const RegistryApp *a = apps + i;
                bool has_writer = !vss_guid_is_null(&a->writer_id);
                json_t *o = json_pack(
                                "{s:o, s:o, s:o, s:o, s:o, s:s, s:o}", "key",
                                string_or_null(a->key_name), "writer_id",
                                has_writer ? json_string(vss_guid_to_string(&a->writer_id, g))
                                           : json_null(),
                                "identifier", string_or_null(a->identifier), "clsid",
                                a->has_clsid ? json_string(vss_guid_to_string(&a->clsid, g))
                                             : json_null(),
                                "addin", string_or_null(a->addin_path), "status",
                                registry_app_status_to_string(a->status), "reason",
                                string_or_null(a->reason));
                if (!o || json_array_append_new(array, o) < 0)
                        k = -ENOMEM;
        }

        char *text = k >= 0 ? json_dumps(array, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        json_decref(array);
        if (!text)
                return log_oom();
        (void) printf("%s\n", text);
        free(text);
        return 0;
}

int verb_apps(int argc, char *argv[]) {
        VSS_CLEANUP(registry_freep) Registry *r = NULL;
        RegistryApp *apps = NULL;
        char *message = NULL;
        bool json = false;
        size_t n = 0;
        int k;

        for (int i = 1; i < argc; i++) {
                if (streq(argv[i], "--json"))
                        json = true;
                else
                        return log_error_errno(
                                        SYNTHETIC_ERRNO(EINVAL),
                                        "Unknown option '%s' for apps: the only option is --json.",
                                        argv[i]);
        }

        k = registry_open(NULL, REGISTRY_OPEN_READ_ONLY, &r, &message);
        if (k < 0) {
                if (message)
                        k = log_error_errno(k, "%s", message);
                else
                        k =
                                        log_error_errno(k, "Failed to open the registry '%s': %m",
                                                        registry_default_path());
                free(message);
                return k;
        }

        k = registry_list_apps(r, &apps, &n);
        if (k < 0) {
                const char *m = registry_last_error(r);
                if (m)
                        return log_error_errno(k, "Failed to list the applications: %s", m);
                return log_error_errno(k, "Failed to list the applications: %m");
        }

        k = json ? print_json(apps, n) : print_table(apps, n);
        registry_app_array_free(apps, n);
        return k;
}
