/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The reg operations of vss-reg: add, query, delete, export, import, run against the store with
 * reg.exe's messages and output layout (docs/VSS-REG.md). */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "reg-cli.h"
#include "reg-data.h"
#include "reg-file.h"
#include "strv.h"

/* The width of reg.exe's query columns. */
#define INDENT "    "

static const char *display_name(const char *name) {
        return name && name[0] ? name : "(Default)";
}

static void cancelled(void) {
        (void) puts("The operation was cancelled.");
}

static int open_registry(bool writable, Registry **ret) {
        char *message = NULL;

        int r = registry_open(
                        NULL, writable ? REGISTRY_OPEN_READ_WRITE : REGISTRY_OPEN_READ_ONLY, ret,
                        &message);
        if (r >= 0)
                return 0;
        if (r == -EACCES && writable) {
                free(message);
                return reg_output_store_error(NULL, r);
        }
        if (message)
                r = reg_output_error(r, "%s", message);
        else
                r = reg_output_error(
                                r, "Failed to open the registry '%s': %s", registry_default_path(),
                                strerror(-r));
        free(message);
        return r;
}

/* Reports a key path the store refused; the store explains why in registry_last_error(). */
static int key_error(Registry *r, const char *key, int error) {
        (void) registry_key_exists(r, key); /* for the explanation */
        const char *m = registry_last_error(r);
        if (error == -EINVAL)
                return reg_output_error(error, "Invalid key name. %s", m ? m : "");
        return reg_output_store_error(r, error);
}

/* Normalizes the key and checks that it exists; reports what is wrong. */
static int require_key(Registry *r, const char *key, char **ret_normalized) {
        int k = registry_key_exists(r, key);
        if (k < 0)
                return key_error(r, key, k);
        if (k == 0)
                return reg_output_store_error(r, -ENOENT);

        k = registry_path_normalize(key, ret_normalized);
        if (k < 0)
                return key_error(r, key, k);
        return 0;
}

/* ---- Windows Server Backup registrations ------------------------------------------------- */

static bool is_app_support_key(const char *normalized) {
        size_t n = strlen(REGISTRY_APP_SUPPORT_KEY);
        return strncasecmp(normalized, REGISTRY_APP_SUPPORT_KEY, n) == 0 &&
               (normalized[n] == '\0' || normalized[n] == '\\');
}

/* The registrations ignored as duplicates now, by key name. */
static int ignored_apps(Registry *r, char ***ret) {
        RegistryApp *apps = NULL;
        size_t n = 0;
        char **l = NULL;

        int k = registry_list_apps(r, &apps, &n);
        if (k < 0)
                return k;
        for (size_t i = 0; i < n && k >= 0; i++)
                if (apps[i].status == REGISTRY_APP_IGNORED_DUPLICATE)
                        k = strv_extend(&l, apps[i].key_name);
        registry_app_array_free(apps, n);
        if (k < 0) {
                strv_free(l);
                return k;
        }
        *ret = l;
        return 0;
}

static bool strv_contains_ascii_case(char *const *l, const char *s) {
        STRV_FOREACH(i, l)
                if (strcasecmp(*i, s) == 0)
                        return true;
        return false;
}

/* Warns about every registration that a write made Windows Server Backup ignore: one that was
 * not ignored before ('before') and is now. */
static void warn_newly_ignored(Registry *r, char *const *before) {
        RegistryApp *apps = NULL;
        size_t n = 0;

        if (registry_list_apps(r, &apps, &n) < 0)
                return;
        for (size_t i = 0; i < n; i++)
                if (apps[i].status == REGISTRY_APP_IGNORED_DUPLICATE &&
                    !strv_contains_ascii_case(before, apps[i].key_name))
                        reg_output_warning(
                                        "The registration %s will be ignored by Windows Server "
                                        "Backup: %s",
                                        apps[i].key_name,
                                        apps[i].reason ? apps[i].reason : "a duplicate identifier");
        registry_app_array_free(apps, n);
}

/* ---- add ---------------------------------------------------------------------------------- */

static int verb_add(const RegCommand *c) {
        VSS_CLEANUP(registry_freep) Registry *r = NULL;
        vss_autofree char *key = NULL;
        vss_autostrv char **ignored = NULL;
        bool watch_apps = false;
        int k;

        k = open_registry(true, &r);
        if (k < 0)
                return k;

        k = registry_path_normalize(c->key, &key);
        if (k < 0)
                return key_error(r, c->key, k);

        /* Writes under "Application Support" may make a registration a duplicate: note which are
         * ignored now, to warn about what the write changes. */
        if (is_app_support_key(key))
                watch_apps = ignored_apps(r, &ignored) >= 0;

        if (!c->set_value) {
                k = registry_create_key(r, c->key);
                if (k < 0)
                        return reg_output_store_error(r, k);
        } else {
                const char *name = c->value && c->value_name ? c->value_name : "";

                if (!c->force) {
                        VSS_CLEANUP(reg_value_freep) RegValue *v = NULL;

                        k = registry_get_value(r, c->key, name, &v);
                        if (k >= 0) {
                                if (!reg_output_confirm(
                                                    "Value %s exists, overwrite(Yes/No)?",
                                                    display_name(name))) {
                                        cancelled();
                                        return 0;
                                }
                        } else if (k != -ENOENT)
                                return reg_output_store_error(r, k);
                }

                k = registry_set_value(
                                r, c->key, name, c->type, c->value_data, c->value_size, false);
                if (k < 0)
                        return reg_output_store_error(r, k);
        }

        if (watch_apps)
                warn_newly_ignored(r, ignored);
        reg_output_success();
        return 0;
}

/* ---- query -------------------------------------------------------------------------------- */

typedef struct Query {
        const RegCommand *command;
        Registry *registry;
        const char *value_name; /* /v, /ve */
        unsigned matches;
        /* /f: where to look */
        bool keys, names, data;
} Query;

static bool type_selected(const Query *q, RegType t) {
        return !q->command->has_type || q->command->type == t;
}

static int print_value(const Query *q, const RegValue *v) {
        vss_autofree char *data = NULL;
        const char *type = reg_data_type_to_string(v->type);

        int k = reg_data_to_display(v->type, v->data, v->size, q->command->separator, &data);
        if (k < 0)
                return reg_output_error(k, "Out of memory");

        if (q->command->verbose)
                (void) printf(INDENT "%s" INDENT "%s (%d)" INDENT "%s\n", display_name(v->name),
                              type ? type : "REG_UNKNOWN", (int) v->type, data);
        else
                (void) printf(INDENT "%s" INDENT "%s" INDENT "%s\n", display_name(v->name),
                              type ? type : "REG_UNKNOWN", data);
        return 0;
}

static char *subkey_path(const char *path, const char *name) {
        char *s = NULL;
        if (asprintf(&s, "%s\\%s", path, name) < 0)
                return NULL;
        return s;
}

/* Called for each key of a walk: 'name' is the key's own name, NULL for the key the walk
 * started at. */
typedef int (*KeyVisitor)(Registry *r, const char *path, const char *name, void *userdata);

/* Visits 'top' and every key below it, depth first, each key before its subkeys and subkeys in
 * creation order, as reg.exe and regedit list them. Iterative, with its own stack. */
static int walk_keys(Registry *r, const char *top, KeyVisitor visit, void *userdata) {
        char **stack = NULL; /* the keys still to visit, the next one last */
        size_t n = 0;
        bool first = true;
        int k;

        k = strv_extend(&stack, top);
        if (k < 0)
                return reg_output_error(k, "Out of memory");
        n = 1;

        while (n > 0 && k >= 0) {
                char *path = stack[--n];
                stack[n] = NULL;

                const char *name = first ? NULL : strrchr(path, '\\') + 1;
                first = false;
                k = visit(r, path, name, userdata);

                char **subkeys = NULL;
                if (k >= 0) {
                        k = registry_list_subkeys(r, path, &subkeys);
                        if (k < 0)
                                k = reg_output_store_error(r, k);
                }
                for (size_t i = strv_length(subkeys); k >= 0 && i > 0; i--) {
                        k = strv_consume(&stack, subkey_path(path, subkeys[i - 1]));
                        if (k < 0)
                                k = reg_output_error(k, "Out of memory");
                        else
                                n++;
                }
                strv_free(subkeys);
                free(path);
        }

        strv_free(stack);
        return k < 0 ? k : 0;
}

/* Prints a key and its values as reg query does; a key without values only if 'always'. */
static int print_key_values(Query *q, const char *path, bool always) {
        RegValue *values = NULL;
        size_t n = 0, shown = 0;
        int k;

        k = registry_list_values(q->registry, path, &values, &n);
        if (k < 0)
                return reg_output_store_error(q->registry, k);

        for (size_t i = 0; i < n; i++)
                if (type_selected(q, values[i].type))
                        shown++;
        if (shown > 0 || always)
                (void) printf("%s\n", path);
        for (size_t i = 0; i < n && k >= 0; i++)
                if (type_selected(q, values[i].type))
                        k = print_value(q, values + i);
        reg_value_array_free(values, n);
        if (k < 0)
                return k;
        if (shown > 0 || always)
                (void) putchar('\n');
        return 0;
}

static int query_all_visit(Registry *r, const char *path, const char *name, void *userdata) {
        (void) r;
        return print_key_values(userdata, path, name != NULL);
}

/* reg query KEY [/s]: the values, then the subkeys (or, with /s, everything below). */
static int query_all(Query *q, const char *path) {
        vss_autostrv char **subkeys = NULL;
        int k;

        (void) putchar('\n');
        if (q->command->recursive)
                return walk_keys(q->registry, path, query_all_visit, q);

        k = print_key_values(q, path, false);
        if (k < 0)
                return k;
        k = registry_list_subkeys(q->registry, path, &subkeys);
        if (k < 0)
                return reg_output_store_error(q->registry, k);
        STRV_FOREACH(s, subkeys)
                (void) printf("%s\\%s\n", path, *s);
        return 0;
}

/* reg query KEY /v NAME /s: the value wherever it is below the key. */
static int query_value_visit(Registry *r, const char *path, const char *name, void *userdata) {
        Query *q = userdata;
        VSS_CLEANUP(reg_value_freep) RegValue *v = NULL;

        (void) name;
        int k = registry_get_value(r, path, q->value_name, &v);
        if (k == -ENOENT)
                return 0;
        if (k < 0)
                return reg_output_store_error(r, k);
        if (!type_selected(q, v->type))
                return 0;

        (void) printf("%s\n", path);
        k = print_value(q, v);
        if (k < 0)
                return k;
        (void) putchar('\n');
        q->matches++;
        return 0;
}

static int query_value(Query *q, const char *path) {
        const RegCommand *c = q->command;
        VSS_CLEANUP(reg_value_freep) RegValue *v = NULL;
        int k;

        q->value_name = c->value_empty ? "" : c->value_name;
        (void) putchar('\n');
        if (c->recursive) {
                k = walk_keys(q->registry, path, query_value_visit, q);
                if (k < 0)
                        return k;
                (void) printf("End of search: %u match(es) found.\n", q->matches);
                return 0;
        }

        k = registry_get_value(q->registry, path, q->value_name, &v);
        if (k == -ENOENT && c->value_empty) {
                /* reg.exe shows a default value that is not set like this. */
                (void) printf("%s\n" INDENT "(Default)" INDENT "REG_SZ" INDENT
                              "(value not set)\n\n",
                              path);
                return 0;
        }
        if (k < 0)
                return reg_output_store_error(q->registry, k);
        if (!type_selected(q, v->type))
                return reg_output_store_error(q->registry, -ENOENT);
        (void) printf("%s\n", path);
        k = print_value(q, v);
        if (k < 0)
                return k;
        (void) putchar('\n');
        return 0;
}

static bool find_matches(const Query *q, const char *text) {
        const RegCommand *c = q->command;
        const char *pattern = c->pattern ? c->pattern : "*";

        if (streq(pattern, "*"))
                return true;
        if (c->find_exact)
                return c->find_case ? streq(text, pattern) : strcasecmp(text, pattern) == 0;
        return c->find_case ? strstr(text, pattern) != NULL : strcasestr(text, pattern) != NULL;
}

static int find_value_matches(const Query *q, const RegValue *v, bool *ret) {
        *ret = false;
        if (!type_selected(q, v->type))
                return 0;
        if (q->names && find_matches(q, v->name)) {
                *ret = true;
                return 0;
        }
        if (q->data) {
                vss_autofree char *data = NULL;
                int k = reg_data_to_display(
                                v->type, v->data, v->size, q->command->separator, &data);
                if (k < 0)
                        return reg_output_error(k, "Out of memory");
                *ret = find_matches(q, data);
        }
        return 0;
}

/* reg query KEY /f PATTERN, for one key: its matching values, and its name if that matches
 * ('name' NULL for the key queried, whose own name is not searched). */
static int find_visit(Registry *r, const char *path, const char *name, void *userdata) {
        Query *q = userdata;
        RegValue *values = NULL;
        size_t n = 0, n_matched = 0;
        bool *matched, key_matches;
        int k;

        k = registry_list_values(r, path, &values, &n);
        if (k < 0)
                return reg_output_store_error(r, k);
        matched = calloc(n > 0 ? n : 1, sizeof(bool));
        if (!matched) {
                reg_value_array_free(values, n);
                return reg_output_error(-ENOMEM, "Out of memory");
        }
        for (size_t i = 0; i < n && k >= 0; i++) {
                k = find_value_matches(q, values + i, matched + i);
                if (k >= 0 && matched[i])
                        n_matched++;
        }

        key_matches = name && q->keys && find_matches(q, name);
        if (k >= 0 && (key_matches || n_matched > 0)) {
                (void) printf("%s\n", path);
                for (size_t i = 0; i < n && k >= 0; i++)
                        if (matched[i])
                                k = print_value(q, values + i);
                if (n_matched > 0)
                        (void) putchar('\n');
                q->matches += (key_matches ? 1 : 0) + (unsigned) n_matched;
        }
        free(matched);
        reg_value_array_free(values, n);
        return k < 0 ? k : 0;
}

/* reg query KEY /f PATTERN: the key's values and the names of its subkeys or, with /s,
 * everything below it. */
static int find(Query *q, const char *path) {
        vss_autostrv char **subkeys = NULL;
        const RegCommand *c = q->command;
        bool any = c->find_keys || c->find_data || c->value;
        int k;

        q->keys = !any || c->find_keys;
        q->names = !any || c->value;
        q->data = !any || c->find_data;

        (void) putchar('\n');
        if (c->recursive)
                k = walk_keys(q->registry, path, find_visit, q);
        else {
                k = find_visit(q->registry, path, NULL, q);
                if (k >= 0) {
                        k = registry_list_subkeys(q->registry, path, &subkeys);
                        if (k < 0)
                                k = reg_output_store_error(q->registry, k);
                }
                STRV_FOREACH(s, subkeys)
                        if (k >= 0 && q->keys && find_matches(q, *s)) {
                                (void) printf("%s\\%s\n", path, *s);
                                q->matches++;
                        }
        }
        if (k < 0)
                return k;
        (void) printf("End of search: %u match(es) found.\n", q->matches);
        return 0;
}

static int verb_query(const RegCommand *c) {
        VSS_CLEANUP(registry_freep) Registry *r = NULL;
        vss_autofree char *key = NULL;
        int k;

        k = open_registry(false, &r);
        if (k < 0)
                return k;
        k = require_key(r, c->key, &key);
        if (k < 0)
                return k;

        Query q = {.command = c, .registry = r};
        if (c->find)
                return find(&q, key);
        if (c->value || c->value_empty)
                return query_value(&q, key);
        return query_all(&q, key);
}

/* ---- delete ------------------------------------------------------------------------------- */

static int verb_delete(const RegCommand *c) {
        VSS_CLEANUP(registry_freep) Registry *r = NULL;
        vss_autofree char *key = NULL;
        int k;

        k = open_registry(true, &r);
        if (k < 0)
                return k;
        k = require_key(r, c->key, &key);
        if (k < 0)
                return k;

        if (c->value || c->value_empty) {
                const char *name = c->value_empty ? "" : c->value_name;
                VSS_CLEANUP(reg_value_freep) RegValue *v = NULL;

                k = registry_get_value(r, c->key, name, &v);
                if (k < 0)
                        return reg_output_store_error(r, k);
                if (!c->force &&
                    !reg_output_confirm(
                                    "Delete the registry value %s (Yes/No)?", display_name(name))) {
                        cancelled();
                        return 0;
                }
                k = registry_delete_value(r, c->key, name);
        } else if (c->value_all) {
                if (!c->force && !reg_output_confirm(
                                                 "Delete all values under the registry key %s "
                                                 "(Yes/No)?",
                                                 key)) {
                        cancelled();
                        return 0;
                }
                k = registry_delete_all_values(r, c->key);
        } else {
                if (!c->force &&
                    !reg_output_confirm("Permanently delete the registry key %s (Yes/No)?", key)) {
                        cancelled();
                        return 0;
                }
                k = registry_delete_key(r, c->key);
        }
        if (k < 0)
                return reg_output_store_error(r, k);

        reg_output_success();
        return 0;
}

/* ---- export and import -------------------------------------------------------------------- */

/* Adds one key and its values to the file. */
static int collect_visit(Registry *r, const char *path, const char *name, void *userdata) {
        RegFile *f = userdata;
        RegValue *values = NULL;
        size_t n = 0;
        int k;

        (void) name;
        k = reg_file_add_key(f, path);
        if (k == -EINVAL)
                return reg_output_error(
                                k,
                                "The key '%s' cannot be written to a .reg file: its name has a "
                                "control character",
                                path);
        if (k < 0)
                return reg_output_error(k, "%s", strerror(-k));

        k = registry_list_values(r, path, &values, &n);
        if (k < 0)
                return reg_output_store_error(r, k);
        for (size_t i = 0; i < n && k >= 0; i++) {
                k = reg_file_add_value(
                                f, values[i].name, values[i].type, values[i].data, values[i].size);
                if (k < 0)
                        k = reg_output_error(
                                        k, "The value '%s' of '%s' cannot be exported: %s",
                                        display_name(values[i].name), path,
                                        k == -EINVAL ? "its data does not fit its type"
                                                     : strerror(-k));
        }
        reg_value_array_free(values, n);
        return k < 0 ? k : 0;
}

static int verb_export(const RegCommand *c) {
        VSS_CLEANUP(registry_freep) Registry *r = NULL;
        VSS_CLEANUP(reg_file_freep) RegFile *f = NULL;
        vss_autofree char *key = NULL, *text = NULL;
        size_t size = 0;
        int k;

        k = open_registry(false, &r);
        if (k < 0)
                return k;
        k = require_key(r, c->key, &key);
        if (k < 0)
                return k;

        f = reg_file_new();
        if (!f)
                return reg_output_error(-ENOMEM, "Out of memory");
        k = walk_keys(r, key, collect_visit, f);
        if (k < 0)
                return k;
        k = reg_file_format(f, &text, &size);
        if (k < 0)
                return reg_output_error(k, "Failed to format the .reg file: %s", strerror(-k));

        /* "-": the file on standard output, and nothing else there. */
        if (streq(c->file, "-")) {
                if (fwrite(text, 1, size, stdout) != size || fflush(stdout) != 0)
                        return reg_output_error(
                                        -EIO, "Failed to write to standard output: %s",
                                        strerror(errno));
                return 0;
        }

        if (!c->overwrite && access(c->file, F_OK) >= 0 &&
            !reg_output_confirm("File %s already exists. Overwrite (Yes/No)?", c->file)) {
                cancelled();
                return 0;
        }

        k = reg_file_write_atomic(c->file, text, size);
        if (k < 0)
                return reg_output_error(k, "Failed to write '%s': %s", c->file, strerror(-k));

        reg_output_success();
        return 0;
}

static int apply_op(Registry *r, const RegFileOp *op) {
        int k;

        switch (op->type) {
        case REG_FILE_OP_KEY:
                return registry_create_key(r, op->key);
        case REG_FILE_OP_DELETE_KEY:
                k = registry_delete_key(r, op->key);
                return k == -ENOENT ? 0 : k; /* as regedit: deleting what is not there is fine */
        case REG_FILE_OP_SET_VALUE:
                return registry_set_value(
                                r, op->key, op->name, op->value_type, op->data, op->size, false);
        case REG_FILE_OP_DELETE_VALUE:
                k = registry_delete_value(r, op->key, op->name);
                return k == -ENOENT ? 0 : k;
        default:
                return -EINVAL;
        }
}

static int verb_import(const RegCommand *c) {
        VSS_CLEANUP(registry_freep) Registry *r = NULL;
        VSS_CLEANUP(reg_file_freep) RegFile *f = NULL;
        vss_autofree char *data = NULL, *message = NULL;
        vss_autostrv char **ignored = NULL;
        bool stdin_file = streq(c->file, "-");
        const char *name = stdin_file ? "<stdin>" : c->file;
        size_t size = 0;
        unsigned line = 0;
        int k;

        if (stdin_file)
                k = reg_file_read_fd(STDIN_FILENO, REG_FILE_SIZE_MAX, &data, &size);
        else
                k = reg_file_read(c->file, REG_FILE_SIZE_MAX, &data, &size);
        if (k == -EFBIG)
                return reg_output_error(
                                k, "'%s' is larger than the limit of %zu MiB for .reg files", name,
                                REG_FILE_SIZE_MAX / 1024 / 1024);
        if (k < 0)
                return reg_output_error(k, "Failed to read '%s': %s", name, strerror(-k));

        k = reg_file_parse(data, size, &f, &line, &message);
        if (k < 0) {
                if (line > 0)
                        return reg_output_error(
                                        k, "%s:%u: %s. Nothing was imported", name, line,
                                        message ? message : strerror(-k));
                return reg_output_error(
                                k, "%s: %s. Nothing was imported", name,
                                message ? message : strerror(-k));
        }

        k = open_registry(true, &r);
        if (k < 0)
                return k;
        bool watch_apps = ignored_apps(r, &ignored) >= 0;

        /* One transaction: a file that fails anywhere changes nothing. */
        k = registry_begin(r);
        if (k < 0)
                return reg_output_store_error(r, k);
        for (size_t i = 0; i < f->n_ops; i++) {
                const RegFileOp *op = f->ops + i;

                k = apply_op(r, op);
                if (k < 0) {
                        vss_autofree char *why = NULL;
                        const char *m = registry_last_error(r);

                        why = strdup(m ? m : k == -EACCES ? "access is denied" : strerror(-k));
                        (void) registry_rollback(r);
                        return reg_output_error(
                                        k, "%s:%u: Nothing was imported: %s", name, op->line,
                                        why ? why : "out of memory");
                }
        }
        k = registry_commit(r);
        if (k < 0)
                return reg_output_store_error(r, k);

        if (watch_apps)
                warn_newly_ignored(r, ignored);
        reg_output_success();
        return 0;
}

int reg_verbs_run(const RegCommand *c) {
        assert(c);

        if (c->help) {
                (void) printf("%s\n", reg_command_usage(c->verb));
                return 0;
        }

        switch (c->verb) {
        case REG_VERB_ADD:
                return verb_add(c);
        case REG_VERB_QUERY:
                return verb_query(c);
        case REG_VERB_DELETE:
                return verb_delete(c);
        case REG_VERB_EXPORT:
                return verb_export(c);
        case REG_VERB_IMPORT:
                return verb_import(c);
        case REG_VERB_MAX:
        case REG_VERB_INVALID:
                break;
        }
        return -EINVAL;
}
