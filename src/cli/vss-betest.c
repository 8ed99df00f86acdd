/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* vss-betest: drives a whole backup or restore through libvss's requester, like Windows' betest
 * and vshadow, and prints every writer's state after each step, for people and for scripts
 * (--json). The options map one to one onto the requester calls (docs/REQUESTER.md). */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vss/vss-metadata.h>
#include <vss/vss-requester.h>
#include <vss/vss.h>

#include "config.h"
#include "log.h"
#include "macro.h"
#include "strv.h"

#define DOCUMENT_MAX ((size_t) 16 * 1024 * 1024)

DEFINE_CLEANUP_FUNC(vss_bcd, vss_bcd_free)

/* A component named on the command line: WRITER[@INSTANCE][:LOGICAL\PATH\NAME], and what an
 * option gives it after '='. */
typedef struct Spec {
        char *text; /* as given, for messages */
        char *writer;
        char *instance; /* NULL: any */
        char *logical_path;
        char *name; /* NULL: the writer itself */
        char *value;
} Spec;

typedef struct SpecList {
        Spec *items;
        size_t n;
} SpecList;

typedef enum Verb {
        VERB_BACKUP,
        VERB_RESTORE,
        VERB_LIST,
} Verb;

static const char *arg_socket = NULL;
static bool arg_json = false;
static VSS_BACKUP_TYPE arg_type = VSS_BT_FULL;
static bool arg_components = true;
static bool arg_bootable = false;
static bool arg_partial = false;
static bool arg_have_context = false;
static int32_t arg_context = VSS_CTX_BACKUP;
static bool arg_backup_failed = false;
static const char *arg_abort_after = NULL;
static const char *arg_save = NULL;
static const char *arg_load = NULL;
static const char *arg_previous = NULL;
static bool arg_have_restore_type = false;
static VSS_RESTORE_TYPE arg_restore_type = VSS_RTYPE_UNDEFINED;
static VSS_FILE_RESTORE_STATUS arg_file_status = VSS_RS_ALL;
static char **arg_volumes = NULL;
static SpecList arg_select, arg_backup_options, arg_move, arg_subcomponents, arg_restore_options,
                arg_additional, arg_new_targets, arg_roll_forward, arg_restore_names,
                arg_authoritative;

static size_t writer_errors_shown = 0;

/* ---- Command line ---------------------------------------------------------------------------- */

static void help(void) {
        printf("Usage: vss-betest [OPTIONS] backup|restore|list\n"
               "\n"
               "Drives a backup or a restore through vssd as a requester and prints each writer's\n"
               "state after every step.\n"
               "\n"
               "Commands:\n"
               "  backup        gather, select, snapshot, complete (and save the documents)\n"
               "  restore       load saved documents, select, pre-restore, post-restore\n"
               "  list          the writers and their components\n"
               "\n"
               "Components are named WRITER[@INSTANCE]:PATH: the writer's name or class id, its\n"
               "instance name, and the component's logical path and name joined by '\\'\n"
               "(\"PostgreSQL@main:Db\\Data\").\n"
               "\n"
               "Backup:\n"
               "  -c, --component SPEC        include a component (repeatable; default: every\n"
               "                              selectable component without a selectable ancestor)\n"
               "  -t, --type TYPE             full, incremental, differential, log, copy, other\n"
               "      --no-components         no component mode: every writer takes part whole\n"
               "      --bootable              back up bootable system state\n"
               "      --partial               partial file support\n"
               "      --context CONTEXT       a VSS_CTX_* name or number\n"
               "      --volume PATH           add a volume to the snapshot set (repeatable)\n"
               "      --backup-options SPEC=TEXT\n"
               "      --previous-stamps FILE  previous backup stamps from a saved document\n"
               "      --backup-failed         mark the components as not backed up\n"
               "      --abort-after STEP      gather-writer-metadata, start-snapshot-set,\n"
               "                              prepare-for-backup or do-snapshot-set\n"
               "  -s, --save DIR              save bcd.json and the writers' wmd-N.json there\n"
               "\n"
               "Restore:\n"
               "  -l, --load DIR              the saved documents (required)\n"
               "  -c, --component SPEC        select a component (default: every one backed up)\n"
               "      --restore-type TYPE     by-copy, import, other\n"
               "      --move WRITER[@INSTANCE]=TARGET\n"
               "                              restore that writer's components to the live\n"
               "                              instance named TARGET (restore with move)\n"
               "      --subcomponent SPEC=PATH\n"
               "      --restore-options SPEC=TEXT\n"
               "      --additional-restores SPEC\n"
               "      --new-target SPEC=PATH,FILESPEC,recursive|flat,NEWPATH\n"
               "      --roll-forward SPEC=none|all|partial:POINT\n"
               "      --restore-name SPEC=NAME\n"
               "      --authoritative SPEC\n"
               "      --file-restore-status all|none|failed   (default all)\n"
               "\n"
               "Options:\n"
               "      --json                  one JSON object per step\n"
               "      --socket PATH           vssd's socket (default: $VSS_SOCKET or "
               "/run/linvss/vssd.sock)\n"
               "  -h, --help                  show this help\n"
               "      --version               show the version\n");
}

static void spec_done(Spec *s) {
        free(s->text);
        free(s->writer);
        free(s->instance);
        free(s->logical_path);
        free(s->name);
        free(s->value);
}

static void spec_list_done(SpecList *l) {
        for (size_t i = 0; i < l->n; i++)
                spec_done(&l->items[i]);
        free(l->items);
        *l = (SpecList){};
}

/* Parses WRITER[@INSTANCE][:PATH][=VALUE]; 'need_path' and 'need_value' say what must be
 * there. */
static int
spec_parse(const char *option, const char *s, bool need_path, bool need_value, SpecList *list) {
        Spec spec = {};

        const char *eq = need_value ? strchr(s, '=') : NULL;
        if (need_value && !eq)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL), "--%s '%s': expected ...=VALUE.", option,
                                s);
        size_t head = eq ? (size_t) (eq - s) : strlen(s);
        const char *colon = memchr(s, ':', head);
        size_t writer_len = colon ? (size_t) (colon - s) : head;
        const char *at = memchr(s, '@', writer_len);
        size_t name_len = at ? (size_t) (at - s) : writer_len;
        size_t path_len = colon ? head - writer_len - 1 : 0;

        if (need_path && path_len == 0)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL),
                                "--%s '%s': expected WRITER[@INSTANCE]:PATH.", option, s);
        if (name_len == 0)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL), "--%s '%s': no writer named.", option, s);
        if (path_len > 0 && s[head - 1] == '\\')
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL), "--%s '%s': the component name is empty.",
                                option, s);

        spec.text = strdup(s);
        spec.writer = strndup(s, name_len);
        spec.instance = at ? strndup(at + 1, writer_len - name_len - 1) : NULL;
        spec.value = eq ? strdup(eq + 1) : NULL;
        if (path_len > 0) {
                /* The logical path and the name: split at the last '\'. */
                const char *path = colon + 1, *slash = NULL;
                for (const char *p = path; p < path + path_len; p++)
                        if (*p == '\\')
                                slash = p;
                spec.logical_path = slash ? strndup(path, (size_t) (slash - path)) : strdup("");
                spec.name = slash ? strndup(slash + 1, path_len - (size_t) (slash + 1 - path))
                                  : strndup(path, path_len);
        }
        if (!spec.text || !spec.writer || (at && !spec.instance) || (eq && !spec.value) ||
            (path_len > 0 && (!spec.logical_path || !spec.name))) {
                spec_done(&spec);
                return log_oom();
        }
        Spec *a = reallocarray(list->items, list->n + 1, sizeof(Spec));
        if (!a) {
                spec_done(&spec);
                return log_oom();
        }
        list->items = a;
        list->items[list->n++] = spec;
        return 0;
}

enum {
        ARG_NO_COMPONENTS = 0x100,
        ARG_BOOTABLE,
        ARG_PARTIAL,
        ARG_CONTEXT,
        ARG_VOLUME,
        ARG_BACKUP_OPTIONS,
        ARG_PREVIOUS,
        ARG_BACKUP_FAILED,
        ARG_ABORT_AFTER,
        ARG_RESTORE_TYPE,
        ARG_MOVE,
        ARG_SUBCOMPONENT,
        ARG_RESTORE_OPTIONS,
        ARG_ADDITIONAL,
        ARG_NEW_TARGET,
        ARG_ROLL_FORWARD,
        ARG_RESTORE_NAME,
        ARG_AUTHORITATIVE,
        ARG_FILE_STATUS,
        ARG_JSON,
        ARG_SOCKET,
        ARG_VERSION,
};

static int parse_argv(int argc, char *argv[], Verb *ret_verb) {
        static const struct option options[] = {
                        {"component", required_argument, NULL, 'c'},
                        {"type", required_argument, NULL, 't'},
                        {"no-components", no_argument, NULL, ARG_NO_COMPONENTS},
                        {"bootable", no_argument, NULL, ARG_BOOTABLE},
                        {"partial", no_argument, NULL, ARG_PARTIAL},
                        {"context", required_argument, NULL, ARG_CONTEXT},
                        {"volume", required_argument, NULL, ARG_VOLUME},
                        {"backup-options", required_argument, NULL, ARG_BACKUP_OPTIONS},
                        {"previous-stamps", required_argument, NULL, ARG_PREVIOUS},
                        {"backup-failed", no_argument, NULL, ARG_BACKUP_FAILED},
                        {"abort-after", required_argument, NULL, ARG_ABORT_AFTER},
                        {"save", required_argument, NULL, 's'},
                        {"load", required_argument, NULL, 'l'},
                        {"restore-type", required_argument, NULL, ARG_RESTORE_TYPE},
                        {"move", required_argument, NULL, ARG_MOVE},
                        {"subcomponent", required_argument, NULL, ARG_SUBCOMPONENT},
                        {"restore-options", required_argument, NULL, ARG_RESTORE_OPTIONS},
                        {"additional-restores", required_argument, NULL, ARG_ADDITIONAL},
                        {"new-target", required_argument, NULL, ARG_NEW_TARGET},
                        {"roll-forward", required_argument, NULL, ARG_ROLL_FORWARD},
                        {"restore-name", required_argument, NULL, ARG_RESTORE_NAME},
                        {"authoritative", required_argument, NULL, ARG_AUTHORITATIVE},
                        {"file-restore-status", required_argument, NULL, ARG_FILE_STATUS},
                        {"json", no_argument, NULL, ARG_JSON},
                        {"socket", required_argument, NULL, ARG_SOCKET},
                        {"help", no_argument, NULL, 'h'},
                        {"version", no_argument, NULL, ARG_VERSION},
                        {},
        };
        static const char *const abort_steps[] = {
                        "gather-writer-metadata",
                        "start-snapshot-set",
                        "prepare-for-backup",
                        "do-snapshot-set",
        };
        int c, r;

        while ((c = getopt_long(argc, argv, "c:t:s:l:h", options, NULL)) >= 0) {
                r = 0;
                switch (c) {
                case 'c':
                        r = spec_parse("component", optarg, true, false, &arg_select);
                        break;
                case 't':
                        if (vss_backup_type_from_string(optarg, &arg_type) < 0 ||
                            arg_type == VSS_BT_UNDEFINED)
                                return log_error_errno(
                                                SYNTHETIC_ERRNO(EINVAL),
                                                "Unknown backup type '%s'.", optarg);
                        break;
                case ARG_NO_COMPONENTS:
                        arg_components = false;
                        break;
                case ARG_BOOTABLE:
                        arg_bootable = true;
                        break;
                case ARG_PARTIAL:
                        arg_partial = true;
                        break;
                case ARG_CONTEXT: {
                        VSS_SNAPSHOT_CONTEXT ctx;
                        if (vss_snapshot_context_from_string(optarg, &ctx) < 0)
                                return log_error_errno(
                                                SYNTHETIC_ERRNO(EINVAL),
                                                "Unknown snapshot context '%s'.", optarg);
                        arg_context = (int32_t) ctx;
                        arg_have_context = true;
                        break;
                }
                case ARG_VOLUME:
                        if (strv_extend(&arg_volumes, optarg) < 0)
                                return log_oom();
                        break;
                case ARG_BACKUP_OPTIONS:
                        r = spec_parse("backup-options", optarg, true, true, &arg_backup_options);
                        break;
                case ARG_PREVIOUS:
                        arg_previous = optarg;
                        break;
                case ARG_BACKUP_FAILED:
                        arg_backup_failed = true;
                        break;
                case ARG_ABORT_AFTER: {
                        bool known = false;
                        for (size_t i = 0; i < ELEMENTSOF(abort_steps); i++)
                                known = known || streq(optarg, abort_steps[i]);
                        if (!known)
                                return log_error_errno(
                                                SYNTHETIC_ERRNO(EINVAL),
                                                "--abort-after '%s': expected "
                                                "gather-writer-metadata, start-snapshot-set, "
                                                "prepare-for-backup or do-snapshot-set.",
                                                optarg);
                        arg_abort_after = optarg;
                        break;
                }
                case 's':
                        arg_save = optarg;
                        break;
                case 'l':
                        arg_load = optarg;
                        break;
                case ARG_RESTORE_TYPE:
                        if (vss_restore_type_from_string(optarg, &arg_restore_type) < 0) {
                                /* Also accept the spelling of the help text. */
                                if (streq(optarg, "by-copy"))
                                        arg_restore_type = VSS_RTYPE_BY_COPY;
                                else
                                        return log_error_errno(
                                                        SYNTHETIC_ERRNO(EINVAL),
                                                        "Unknown restore type '%s'.", optarg);
                        }
                        arg_have_restore_type = true;
                        break;
                case ARG_MOVE:
                        r = spec_parse("move", optarg, false, true, &arg_move);
                        break;
                case ARG_SUBCOMPONENT:
                        r = spec_parse("subcomponent", optarg, true, true, &arg_subcomponents);
                        break;
                case ARG_RESTORE_OPTIONS:
                        r = spec_parse("restore-options", optarg, true, true, &arg_restore_options);
                        break;
                case ARG_ADDITIONAL:
                        r = spec_parse("additional-restores", optarg, true, false, &arg_additional);
                        break;
                case ARG_NEW_TARGET:
                        r = spec_parse("new-target", optarg, true, true, &arg_new_targets);
                        break;
                case ARG_ROLL_FORWARD:
                        r = spec_parse("roll-forward", optarg, true, true, &arg_roll_forward);
                        break;
                case ARG_RESTORE_NAME:
                        r = spec_parse("restore-name", optarg, true, true, &arg_restore_names);
                        break;
                case ARG_AUTHORITATIVE:
                        r = spec_parse("authoritative", optarg, true, false, &arg_authoritative);
                        break;
                case ARG_FILE_STATUS:
                        if (vss_file_restore_status_from_string(optarg, &arg_file_status) < 0 ||
                            arg_file_status == VSS_RS_UNDEFINED)
                                return log_error_errno(
                                                SYNTHETIC_ERRNO(EINVAL),
                                                "--file-restore-status '%s': expected "
                                                "all, none or failed.",
                                                optarg);
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case ARG_SOCKET:
                        arg_socket = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("vss-betest %s\n", PACKAGE_VERSION);
                        return 0;
                default:
                        return -EINVAL; /* getopt has named the problem */
                }
                if (r < 0)
                        return r;
        }

        if (optind + 1 != argc)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL),
                                optind == argc ? "Missing command: backup, restore or list."
                                               : "Too many arguments.");
        const char *verb = argv[optind];
        if (streq(verb, "backup"))
                *ret_verb = VERB_BACKUP;
        else if (streq(verb, "restore"))
                *ret_verb = VERB_RESTORE;
        else if (streq(verb, "list"))
                *ret_verb = VERB_LIST;
        else
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL),
                                "Unknown command '%s': expected backup, restore or list.", verb);

        bool restore_options = arg_move.n || arg_subcomponents.n || arg_restore_options.n ||
                               arg_additional.n || arg_new_targets.n || arg_roll_forward.n ||
                               arg_restore_names.n || arg_authoritative.n || arg_load ||
                               arg_have_restore_type;
        bool backup_options = arg_backup_options.n || arg_previous || arg_abort_after || arg_save ||
                              arg_volumes || !arg_components || arg_have_context;
        if (*ret_verb == VERB_RESTORE && !arg_load)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL),
                                "restore needs the saved documents: --load DIR.");
        if (*ret_verb == VERB_RESTORE && backup_options)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL), "A backup option was given to restore.");
        if (*ret_verb == VERB_BACKUP && restore_options)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL), "A restore option was given to backup.");
        if (!arg_components && arg_select.n)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL),
                                "--component and --no-components exclude each other.");
        return 1;
}

/* ---- Output ---------------------------------------------------------------------------------- */

/* "VSS_E_BAD_STATE (0x80042301)", or the errno text. */
static const char *describe(int code, char *buf, size_t size) {
        const char *name = vss_status_to_string(code);
        if (name)
                (void) snprintf(buf, size, "%s (0x%08X)", name,
                                (unsigned) vss_error_to_hresult(code));
        else
                (void) snprintf(buf, size, "%s", vss_strerror(code));
        return buf;
}

static json_t *json_str_or_null(const char *s) {
        return s ? json_string(s) : json_null();
}

static int emit_json(json_t *o) {
        if (!o)
                return log_oom();
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(o);
        if (!s)
                return log_oom();
        printf("%s\n", s);
        free(s);
        return 0;
}

/* Prints the result of a step, then each writer's state and the writer errors found since the
 * last step. Returns 'result'. */
static int print_step(vss_requester *r, const char *step, int result) {
        char buf[128], g[VSS_GUID_STRING_MAX];
        vss_autofree char *error = NULL;

        if (result < 0 && vss_requester_get_error(r) &&
            !(error = strdup(vss_requester_get_error(r))))
                return log_oom();
        bool have_status = vss_requester_gather_writer_status(r) >= 0;

        json_t *o = NULL, *writers = NULL, *errors = NULL;
        if (arg_json) {
                o = json_pack("{s:s, s:i, s:o}", "step", step, "result", result, "error",
                              json_str_or_null(error));
                writers = json_array();
                errors = json_array();
                if (!o || !writers || !errors || json_object_set_new(o, "writers", writers) < 0 ||
                    json_object_set_new(o, "writer_errors", errors) < 0) {
                        json_decref(o);
                        return log_oom();
                }
        } else if (result >= 0)
                printf("* %s: ok\n", step);
        else
                printf("* %s: failed: %s: %s\n", step, describe(result, buf, sizeof buf),
                       error ? error : "");

        for (size_t i = 0; have_status && i < vss_requester_get_writer_status_count(r); i++) {
                vss_guid instance, class;
                const char *name = NULL, *message = NULL;
                VSS_WRITER_STATE state = VSS_WS_UNKNOWN;
                int failure = 0;
                int32_t app = 0;
                char st[VSS_WRITER_STATE_DISPLAY_MAX], g2[VSS_GUID_STRING_MAX];

                if (vss_requester_get_writer_status(
                                    r, i, &instance, &class, &name, &state, &failure, &app,
                                    &message) < 0)
                        continue;
                if (arg_json) {
                        json_t *w = json_pack(
                                        "{s:s, s:s, s:s, s:s, s:i, s:o, s:i, s:o}", "instance_id",
                                        vss_guid_to_string(&instance, g), "class_id",
                                        vss_guid_to_string(&class, g2), "writer_name", name,
                                        "state", vss_writer_state_to_string(state) ?: "?",
                                        "state_code", (int) state, "failure",
                                        json_str_or_null(
                                                        failure < 0 ? vss_status_to_string(failure)
                                                                    : NULL),
                                        "application_failure", (int) app, "message",
                                        json_str_or_null(message));
                        if (!w || json_array_append_new(writers, w) < 0) {
                                json_decref(o);
                                return log_oom();
                        }
                        continue;
                }
                printf("  writer '%s' %s: %s", name, vss_guid_to_string(&instance, g),
                       vss_writer_state_to_display(state, st));
                if (failure < 0)
                        printf(", %s", describe(failure, buf, sizeof buf));
                if (message)
                        printf(": %s", message);
                printf("\n");
        }

        for (; writer_errors_shown < vss_requester_get_writer_error_count(r);
             writer_errors_shown++) {
                vss_guid instance;
                const char *name = NULL, *message = NULL;
                int code = 0;
                if (vss_requester_get_writer_error(
                                    r, writer_errors_shown, &instance, &name, &code, &message) < 0)
                        continue;
                if (arg_json) {
                        json_t *e = json_pack(
                                        "{s:s, s:o, s:i, s:s}", "instance_id",
                                        vss_guid_to_string(&instance, g), "writer_name",
                                        json_str_or_null(name), "code", code, "message", message);
                        if (!e || json_array_append_new(errors, e) < 0) {
                                json_decref(o);
                                return log_oom();
                        }
                        continue;
                }
                printf("  writer error '%s' %s: %s\n", name ? name : "?",
                       vss_guid_to_string(&instance, g), message);
        }
        if (arg_json && emit_json(o) < 0)
                return -ENOMEM;
        (void) fflush(stdout);
        if (result < 0) /* the step's line has it too; stderr is for people */
                (void) log_error_errno(
                                result, "Failed at %s: %s", step,
                                error ? error : vss_strerror(result));
        return result;
}

/* A line that is not a step: selections and saved files. */
static void print_note(const char *step, const char *format, ...) VSS_PRINTF(2, 3);
static void print_note(const char *step, const char *format, ...) {
        char text[2048];
        va_list ap;

        va_start(ap, format);
        (void) vsnprintf(text, sizeof text, format, ap);
        va_end(ap);
        if (arg_json)
                (void) emit_json(json_pack(
                                "{s:s, s:i, s:s}", "step", step, "result", 0, "note", text));
        else
                printf("* %s: %s\n", step, text);
}

/* ---- Finding writers and components ------------------------------------------------------- */

static bool writer_matches(const vss_wmd *wmd, const Spec *s) {
        vss_guid g;
        bool by_class = vss_guid_from_string(s->writer, &g) >= 0 &&
                        vss_guid_equal(&g, vss_wmd_get_writer_class_id(wmd));
        if (!by_class && !streq_ptr(vss_wmd_get_writer_name(wmd), s->writer))
                return false;
        return !s->instance || streq(s->instance, vss_wmd_get_instance_name(wmd) ?: "");
}

/* Finds the one writer metadata document among 'n' that the spec names. */
static int find_wmd(const vss_wmd *const *wmds, size_t n, const Spec *s, const vss_wmd **ret) {
        const vss_wmd *found = NULL;

        for (size_t i = 0; i < n; i++) {
                if (!writer_matches(wmds[i], s))
                        continue;
                if (found)
                        return log_error_errno(
                                        SYNTHETIC_ERRNO(EINVAL),
                                        "'%s': writer '%s' has several instances; name one "
                                        "with %s@INSTANCE.",
                                        s->text, s->writer, s->writer);
                found = wmds[i];
        }
        if (!found)
                return log_error_errno(
                                SYNTHETIC_ERRNO(ENOENT), "'%s': no writer '%s'%s%s%s.", s->text,
                                s->writer, s->instance ? " with instance '" : "", s->instance ?: "",
                                s->instance ? "'" : "");
        *ret = found;
        return 0;
}

static int find_component(const vss_wmd *wmd, const Spec *s, const vss_wm_component **ret) {
        const vss_wm_component *c = vss_wmd_find_component(wmd, s->logical_path, s->name);
        if (!c)
                return log_error_errno(
                                SYNTHETIC_ERRNO(ENOENT),
                                "'%s': writer '%s' has no component '%s%s%s'.", s->text,
                                vss_wmd_get_writer_name(wmd), s->logical_path,
                                *s->logical_path ? "\\" : "", s->name);
        *ret = c;
        return 0;
}

/* The live writers' metadata, as an array for find_wmd(). */
static const vss_wmd **live_wmds(const vss_requester *r, size_t *ret_n) {
        size_t n = vss_requester_get_writer_metadata_count(r);
        const vss_wmd **a = calloc(n + 1, sizeof(const vss_wmd *));
        if (!a)
                return NULL;
        for (size_t i = 0; i < n; i++)
                a[i] = vss_requester_get_writer_metadata(r, i, NULL);
        *ret_n = n;
        return a;
}

/* ---- Files ----------------------------------------------------------------------------------- */

/* Reads a whole document into *ret (you now own it). Failures are logged. */
static int read_file(const char *path, char **ret) {
        *ret = NULL;
        FILE *f = fopen(path, "re");
        if (!f)
                return log_error_errno(errno, "Failed to open '%s': %m", path);
        char *buf = malloc(DOCUMENT_MAX + 1);
        if (!buf) {
                (void) fclose(f);
                return log_oom();
        }
        size_t n = fread(buf, 1, DOCUMENT_MAX + 1, f);
        bool failed = ferror(f);
        (void) fclose(f);
        if (failed || n > DOCUMENT_MAX) {
                free(buf);
                return failed ? log_error_errno(SYNTHETIC_ERRNO(EIO), "Failed to read '%s'.", path)
                              : log_error_errno(SYNTHETIC_ERRNO(E2BIG),
                                                "'%s' is larger than 16 MiB.", path);
        }
        buf[n] = 0;
        *ret = buf;
        return 0;
}

static int write_file(const char *dir, const char *name, const char *text) {
        char path[4096];

        (void) snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "we");
        if (!f)
                return log_error_errno(errno, "Failed to create '%s': %m", path);
        bool ok = fputs(text, f) >= 0;
        ok = fclose(f) == 0 && ok;
        if (!ok)
                return log_error_errno(SYNTHETIC_ERRNO(EIO), "Failed to write '%s'.", path);
        return 0;
}

/* ---- Backup ---------------------------------------------------------------------------------- */

static int select_for_backup(vss_requester *r) {
        size_t n = 0;
        vss_autofree const vss_wmd **wmds = live_wmds(r, &n);
        if (!wmds)
                return log_oom();

        if (arg_select.n == 0) {
                /* Every selectable component that is not a member of another's set. */
                for (size_t i = 0; i < n; i++) {
                        vss_guid instance;
                        (void) vss_requester_get_writer_metadata(r, i, &instance);
                        for (size_t j = 0; j < vss_wmd_get_component_count(wmds[i]); j++) {
                                const vss_wm_component *c = vss_wmd_get_component(wmds[i], j);
                                if (!vss_wm_component_get_selectable(c) ||
                                    vss_wmd_get_selectable_ancestor(wmds[i], c))
                                        continue;
                                int k = vss_requester_add_component(
                                                r, &instance, vss_wmd_get_writer_class_id(wmds[i]),
                                                vss_wm_component_get_type(c),
                                                vss_wm_component_get_logical_path(c),
                                                vss_wm_component_get_name(c));
                                if (k < 0)
                                        return log_error_errno(k, "%s", vss_requester_get_error(r));
                        }
                }
                return 0;
        }

        for (size_t i = 0; i < arg_select.n; i++) {
                const Spec *s = &arg_select.items[i];
                const vss_wmd *wmd = NULL;
                const vss_wm_component *c = NULL;
                int k = find_wmd(wmds, n, s, &wmd);
                if (k < 0)
                        return k;
                k = find_component(wmd, s, &c);
                if (k < 0)
                        return k;
                k = vss_requester_add_component(
                                r, vss_wmd_get_writer_instance_id(wmd),
                                vss_wmd_get_writer_class_id(wmd), vss_wm_component_get_type(c),
                                s->logical_path, s->name);
                if (k < 0)
                        return log_error_errno(k, "'%s': %s", s->text, vss_requester_get_error(r));
        }
        return 0;
}

/* Applies --backup-options and --previous-stamps to the selection. */
static int backup_settings(vss_requester *r) {
        size_t n = 0;
        vss_autofree const vss_wmd **wmds = live_wmds(r, &n);
        if (!wmds)
                return log_oom();

        for (size_t i = 0; i < arg_backup_options.n; i++) {
                const Spec *s = &arg_backup_options.items[i];
                const vss_wmd *wmd = NULL;
                const vss_wm_component *c = NULL;
                int k = find_wmd(wmds, n, s, &wmd);
                if (k >= 0)
                        k = find_component(wmd, s, &c);
                if (k < 0)
                        return k;
                k = vss_requester_set_backup_options(
                                r, vss_wmd_get_writer_class_id(wmd), vss_wm_component_get_type(c),
                                s->logical_path, s->name, s->value);
                if (k < 0)
                        return log_error_errno(k, "%s", vss_requester_get_error(r));
        }

        if (!arg_previous)
                return 0;
        vss_autofree char *text = NULL;
        VSS_CLEANUP(vss_bcd_freep) vss_bcd *old = NULL;
        vss_autofree char *err = NULL;
        int k = read_file(arg_previous, &text);
        if (k < 0)
                return k;
        assert(text);
        k = vss_bcd_from_json(text, strlen(text), &old, &err);
        if (k < 0)
                return log_error_errno(k, "'%s': %s", arg_previous, err ? err : vss_strerror(k));

        /* For every component of this backup, the stamp the same component got last time. */
        const vss_bcd *bcd = vss_requester_get_backup_components(r);
        size_t stamps = 0;
        for (size_t i = 0; i < vss_bcd_get_writer_count(bcd); i++) {
                const vss_bcd_writer *w = vss_bcd_get_writer(bcd, i);
                for (size_t j = 0; j < vss_bcd_get_writer_count(old); j++) {
                        const vss_bcd_writer *o = vss_bcd_get_writer(old, j);
                        if (!vss_guid_equal(vss_bcd_writer_get_class_id(o),
                                            vss_bcd_writer_get_class_id(w)) ||
                            !streq_ptr(vss_bcd_writer_get_instance_name(o),
                                       vss_bcd_writer_get_instance_name(w)))
                                continue;
                        for (size_t m = 0; m < vss_bcd_writer_get_component_count(w); m++) {
                                const vss_bcd_component *c = vss_bcd_writer_get_component(w, m);
                                const vss_bcd_component *oc = vss_bcd_writer_find_component(
                                                o, vss_bcd_component_get_logical_path(c),
                                                vss_bcd_component_get_name(c));
                                const char *stamp = vss_bcd_component_get_backup_stamp(oc);
                                if (!stamp)
                                        continue;
                                k = vss_requester_set_previous_backup_stamp(
                                                r, vss_bcd_writer_get_class_id(w),
                                                vss_bcd_component_get_type(c),
                                                vss_bcd_component_get_logical_path(c),
                                                vss_bcd_component_get_name(c), stamp);
                                if (k < 0)
                                        return log_error_errno(k, "%s", vss_requester_get_error(r));
                                stamps++;
                        }
                }
        }
        print_note("previous-stamps", "%zu stamp(s) from '%s'", stamps, arg_previous);
        return 0;
}

/* The name of the writer of a document entry: the live writer's, or the one of its class. */
static const char *entry_writer_name(const vss_requester *r, const vss_bcd_writer *w) {
        const char *by_class = NULL;

        for (size_t i = 0; i < vss_requester_get_writer_metadata_count(r); i++) {
                vss_guid instance;
                const vss_wmd *wmd = vss_requester_get_writer_metadata(r, i, &instance);
                if (vss_guid_equal(&instance, vss_bcd_writer_get_instance_id(w)))
                        return vss_wmd_get_writer_name(wmd);
                if (!by_class && vss_guid_equal(vss_wmd_get_writer_class_id(wmd),
                                                vss_bcd_writer_get_class_id(w)))
                        by_class = vss_wmd_get_writer_name(wmd);
        }
        return by_class ?: "?";
}

static void print_selection(const vss_requester *r) {
        const vss_bcd *bcd = vss_requester_get_backup_components(r);
        char g[VSS_GUID_STRING_MAX];

        for (size_t i = 0; i < vss_bcd_get_writer_count(bcd); i++) {
                const vss_bcd_writer *w = vss_bcd_get_writer(bcd, i);
                for (size_t j = 0; j < vss_bcd_writer_get_component_count(w); j++) {
                        const vss_bcd_component *c = vss_bcd_writer_get_component(w, j);
                        const char *lp = vss_bcd_component_get_logical_path(c);
                        const vss_guid *moved = vss_bcd_component_get_restore_instance_id(c);
                        bool selected = vss_bcd_component_get_selected_for_restore(c);
                        print_note("component", "'%s' %s: %s%s%s%s%s", entry_writer_name(r, w),
                                   vss_guid_to_string(vss_bcd_writer_get_instance_id(w), g), lp,
                                   *lp ? "\\" : "", vss_bcd_component_get_name(c),
                                   selected ? ", selected for restore" : "",
                                   selected && !vss_guid_is_null(moved) ? " to another instance"
                                                                        : "");
                }
        }
}

static int save_documents(vss_requester *r) {
        vss_autofree char *bcd_json = NULL;
        const vss_bcd *bcd = vss_requester_get_backup_components(r);
        size_t saved = 0;

        if (mkdir(arg_save, 0755) < 0 && errno != EEXIST)
                return log_error_errno(errno, "Failed to create '%s': %m", arg_save);
        int k = vss_requester_save_as_json(r, &bcd_json);
        if (k < 0)
                return log_error_errno(k, "%s", vss_requester_get_error(r));
        k = write_file(arg_save, "bcd.json", bcd_json);
        if (k < 0)
                return k;
        /* The metadata of every writer of the backup: a restore needs it. */
        for (size_t i = 0; i < vss_requester_get_writer_metadata_count(r); i++) {
                vss_guid instance;
                const vss_wmd *wmd = vss_requester_get_writer_metadata(r, i, &instance);
                if (!vss_bcd_find_writer(bcd, &instance, vss_wmd_get_writer_class_id(wmd)))
                        continue;
                vss_autofree char *text = NULL, *err = NULL;
                char name[64];
                k = vss_wmd_to_json(wmd, &text, NULL, &err);
                if (k < 0)
                        return log_error_errno(
                                        k, "Failed to save the metadata of '%s': %s",
                                        vss_wmd_get_writer_name(wmd), err ? err : vss_strerror(k));
                (void) snprintf(name, sizeof name, "wmd-%zu.json", saved);
                k = write_file(arg_save, name, text);
                if (k < 0)
                        return k;
                saved++;
        }
        print_note("saved", "%s/bcd.json and %zu writer metadata document(s)", arg_save, saved);
        return 0;
}

static bool abort_after(const char *step) {
        return arg_abort_after && streq(arg_abort_after, step);
}

static int do_abort(vss_requester *r) {
        int k = print_step(r, "abort-backup", vss_requester_abort_backup(r));
        return k < 0 ? k : 0;
}

static int verb_backup(vss_requester *r) {
        int k = vss_requester_initialize_for_backup(r, NULL);
        if (k >= 0 && arg_have_context)
                k = vss_requester_set_context(r, arg_context);
        if (k >= 0)
                k = vss_requester_set_backup_state(
                                r, arg_components, arg_bootable, arg_type, arg_partial);
        if (k < 0)
                return log_error_errno(k, "%s", vss_requester_get_error(r));

        bool writers = !(arg_context & VSS_VOLSNAP_ATTR_NO_WRITERS);
        if (writers) {
                k = print_step(r, "gather-writer-metadata",
                               vss_requester_gather_writer_metadata(r));
                if (k < 0 || abort_after("gather-writer-metadata"))
                        return k;
                if (arg_components) {
                        k = select_for_backup(r);
                        if (k < 0)
                                return k;
                }
                k = backup_settings(r);
                if (k < 0)
                        return k;
                print_selection(r);
        }

        k = print_step(r, "start-snapshot-set", vss_requester_start_snapshot_set(r, NULL));
        if (k < 0 || abort_after("start-snapshot-set"))
                return k;
        STRV_FOREACH(v, arg_volumes) {
                char step[4200];
                (void) snprintf(step, sizeof step, "add-to-snapshot-set %s", *v);
                k = print_step(r, step, vss_requester_add_to_snapshot_set(r, *v, NULL, NULL));
                if (k < 0)
                        return k;
        }

        if (writers) {
                k = print_step(r, "prepare-for-backup", vss_requester_prepare_for_backup(r));
                if (k < 0)
                        return k; /* freeing the requester aborts the writers */
                if (abort_after("prepare-for-backup"))
                        return do_abort(r);
        }
        k = print_step(r, "do-snapshot-set", vss_requester_do_snapshot_set(r));
        if (k < 0) {
                (void) do_abort(r); /* VSS: after a failed DoSnapshotSet, always abort */
                return k;
        }
        if (abort_after("do-snapshot-set"))
                return do_abort(r);

        if (writers) {
                const vss_bcd *bcd = vss_requester_get_backup_components(r);
                for (size_t i = 0; i < vss_bcd_get_writer_count(bcd); i++) {
                        const vss_bcd_writer *w = vss_bcd_get_writer(bcd, i);
                        for (size_t j = 0; j < vss_bcd_writer_get_component_count(w); j++) {
                                const vss_bcd_component *c = vss_bcd_writer_get_component(w, j);
                                k = vss_requester_set_backup_succeeded(
                                                r, vss_bcd_writer_get_instance_id(w),
                                                vss_bcd_writer_get_class_id(w),
                                                vss_bcd_component_get_type(c),
                                                vss_bcd_component_get_logical_path(c),
                                                vss_bcd_component_get_name(c), !arg_backup_failed);
                                if (k < 0)
                                        return log_error_errno(k, "%s", vss_requester_get_error(r));
                        }
                }
                k = print_step(r, "backup-complete", vss_requester_backup_complete(r));
                if (k < 0)
                        return k;
        }
        if (arg_save)
                return save_documents(r);
        return 0;
}

/* ---- Restore --------------------------------------------------------------------------------- */

typedef struct Loaded {
        vss_wmd **wmds;
        size_t n;
} Loaded;

static void loaded_done(Loaded *l) {
        for (size_t i = 0; i < l->n; i++)
                vss_wmd_free(l->wmds[i]);
        free(l->wmds);
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int load_documents(vss_requester *r, Loaded *ret) {
        char path[4096];
        vss_autofree char *bcd = NULL;
        vss_autostrv char **names = NULL;

        (void) snprintf(path, sizeof path, "%s/bcd.json", arg_load);
        int k = read_file(path, &bcd);
        if (k < 0)
                return k;
        assert(bcd);
        k = vss_requester_initialize_for_restore(r, bcd);
        if (k < 0)
                return log_error_errno(k, "'%s': %s", path, vss_requester_get_error(r));

        DIR *d = opendir(arg_load);
        if (!d)
                return log_error_errno(errno, "Failed to open '%s': %m", arg_load);
        for (struct dirent *de = readdir(d); de; de = readdir(d)) {
                size_t len = strlen(de->d_name);
                if (strncmp(de->d_name, "wmd-", 4) != 0 || len < 9 ||
                    !streq(de->d_name + len - 5, ".json"))
                        continue;
                if (strv_extend(&names, de->d_name) < 0) {
                        (void) closedir(d);
                        return log_oom();
                }
        }
        (void) closedir(d);
        size_t n = strv_length(names);
        if (names && n > 0)
                qsort(names, n, sizeof(char *), compare_names);

        ret->wmds = calloc(n + 1, sizeof(vss_wmd *));
        if (!ret->wmds)
                return log_oom();
        STRV_FOREACH(name, names) {
                vss_autofree char *text = NULL, *err = NULL;
                (void) snprintf(path, sizeof path, "%s/%s", arg_load, *name);
                k = read_file(path, &text);
                if (k < 0)
                        return k;
                assert(text);
                k = vss_requester_add_saved_writer_metadata(r, text);
                if (k < 0)
                        return log_error_errno(k, "'%s': %s", path, vss_requester_get_error(r));
                k = vss_wmd_from_json(text, strlen(text), &ret->wmds[ret->n], &err);
                if (k < 0)
                        return log_error_errno(k, "'%s': %s", path, err ? err : vss_strerror(k));
                ret->n++;
        }
        print_note("load",
                   "%s: the backup components document and %zu writer metadata "
                   "document(s)",
                   arg_load, ret->n);
        return 0;
}

/* The saved writer and component a restore option names. */
static int
restore_target(const Loaded *l,
               const Spec *s,
               const vss_wmd **ret_wmd,
               const vss_wm_component **ret) {
        int k = find_wmd((const vss_wmd *const *) l->wmds, l->n, s, ret_wmd);
        if (k < 0)
                return k;
        return find_component(*ret_wmd, s, ret);
}

/* The live instance a --move sends a backed-up writer's components to, or NULL. */
static int moved_to(const vss_requester *r, const vss_wmd *saved, const vss_guid **ret) {
        *ret = NULL;
        for (size_t i = 0; i < arg_move.n; i++) {
                const Spec *s = &arg_move.items[i];
                if (!writer_matches(saved, s))
                        continue;
                for (size_t j = 0; j < vss_requester_get_writer_metadata_count(r); j++) {
                        const vss_wmd *live = vss_requester_get_writer_metadata(r, j, NULL);
                        if (vss_guid_equal(vss_wmd_get_writer_class_id(live),
                                           vss_wmd_get_writer_class_id(saved)) &&
                            streq(vss_wmd_get_instance_name(live) ?: "", s->value)) {
                                *ret = vss_wmd_get_writer_instance_id(live);
                                return 0;
                        }
                }
                return log_error_errno(
                                SYNTHETIC_ERRNO(ENOENT),
                                "--move '%s': no running instance '%s' of writer '%s'.", s->text,
                                s->value, vss_wmd_get_writer_name(saved));
        }
        return 0;
}

static int
select_one(vss_requester *r,
           const vss_wmd *saved,
           VSS_COMPONENT_TYPE type,
           const char *lp,
           const char *name) {
        const vss_guid *target = NULL;
        int k = moved_to(r, saved, &target);
        if (k < 0)
                return k;
        k = vss_requester_set_selected_for_restore(
                        r, vss_wmd_get_writer_class_id(saved), type, lp, name, true, target);
        if (k < 0)
                return log_error_errno(k, "%s", vss_requester_get_error(r));
        return 0;
}

static int select_for_restore(vss_requester *r, const Loaded *l) {
        if (arg_select.n == 0) {
                /* Every component the backup included explicitly. */
                const vss_bcd *bcd = vss_requester_get_backup_components(r);
                for (size_t i = 0; i < vss_bcd_get_writer_count(bcd); i++) {
                        const vss_bcd_writer *w = vss_bcd_get_writer(bcd, i);
                        const vss_wmd *saved = NULL;
                        for (size_t j = 0; j < l->n && !saved; j++)
                                if (vss_guid_equal(vss_wmd_get_writer_instance_id(l->wmds[j]),
                                                   vss_bcd_writer_get_instance_id(w)))
                                        saved = l->wmds[j];
                        if (!saved)
                                return log_error_errno(
                                                SYNTHETIC_ERRNO(ENOENT),
                                                "The saved documents lack the metadata of a "
                                                "writer of the backup.");
                        for (size_t j = 0; j < vss_bcd_writer_get_component_count(w); j++) {
                                const vss_bcd_component *c = vss_bcd_writer_get_component(w, j);
                                int k =
                                                select_one(r, saved, vss_bcd_component_get_type(c),
                                                           vss_bcd_component_get_logical_path(c),
                                                           vss_bcd_component_get_name(c));
                                if (k < 0)
                                        return k;
                        }
                }
                return 0;
        }
        for (size_t i = 0; i < arg_select.n; i++) {
                const Spec *s = &arg_select.items[i];
                const vss_wmd *saved = NULL;
                const vss_wm_component *c = NULL;
                int k = restore_target(l, s, &saved, &c);
                if (k < 0)
                        return k;
                k = select_one(r, saved, vss_wm_component_get_type(c), s->logical_path, s->name);
                if (k < 0)
                        return k;
        }
        return 0;
}

typedef enum Setting {
        SET_SUBCOMPONENT,
        SET_RESTORE_OPTIONS,
        SET_ADDITIONAL,
        SET_NEW_TARGET,
        SET_ROLL_FORWARD,
        SET_RESTORE_NAME,
        SET_AUTHORITATIVE,
} Setting;

static int
apply_setting(vss_requester *r,
              Setting what,
              const vss_guid *class,
              VSS_COMPONENT_TYPE type,
              const Spec *s) {
        const char *lp = s->logical_path, *name = s->name;

        switch (what) {
        case SET_SUBCOMPONENT: {
                vss_autofree char *copy = strdup(s->value);
                if (!copy)
                        return log_oom();
                char *slash = strrchr(copy, '\\');
                const char *sub_lp = "", *sub_name = copy;
                if (slash) {
                        *slash = 0;
                        sub_lp = copy;
                        sub_name = slash + 1;
                }
                return vss_requester_add_restore_subcomponent(
                                r, class, type, lp, name, sub_lp, sub_name, false);
        }
        case SET_RESTORE_OPTIONS:
                return vss_requester_set_restore_options(r, class, type, lp, name, s->value);
        case SET_ADDITIONAL:
                return vss_requester_set_additional_restores(r, class, type, lp, name, true);
        case SET_NEW_TARGET: {
                vss_autofree char *copy = strdup(s->value);
                if (!copy)
                        return log_oom();
                char *parts[4] = {};
                char *p = copy;
                size_t n = 0;
                for (; n < 4 && p; n++) {
                        parts[n] = p;
                        p = n < 3 ? strchr(p, ',') : NULL;
                        if (p)
                                *p++ = 0;
                }
                if (n != 4 || !parts[3] ||
                    (!streq(parts[2], "recursive") && !streq(parts[2], "flat")))
                        return log_error_errno(
                                        SYNTHETIC_ERRNO(EINVAL),
                                        "--new-target '%s': expected "
                                        "SPEC=PATH,FILESPEC,recursive|flat,NEWPATH.",
                                        s->text);
                return vss_requester_add_new_target(
                                r, class, type, lp, name, parts[0], parts[1],
                                streq(parts[2], "recursive"), parts[3]);
        }
        case SET_ROLL_FORWARD: {
                VSS_ROLLFORWARD_TYPE rf;
                const char *point = NULL;
                if (streq(s->value, "none"))
                        rf = VSS_RF_NONE;
                else if (streq(s->value, "all"))
                        rf = VSS_RF_ALL;
                else if (strncmp(s->value, "partial:", 8) == 0) {
                        rf = VSS_RF_PARTIAL;
                        point = s->value + 8;
                } else
                        return log_error_errno(
                                        SYNTHETIC_ERRNO(EINVAL),
                                        "--roll-forward '%s': expected none, all or "
                                        "partial:POINT.",
                                        s->text);
                return vss_requester_set_roll_forward(r, class, type, lp, name, rf, point);
        }
        case SET_RESTORE_NAME:
                return vss_requester_set_restore_name(r, class, type, lp, name, s->value);
        case SET_AUTHORITATIVE:
                return vss_requester_set_authoritative_restore(r, class, type, lp, name, true);
        }
        return -EINVAL;
}

static int restore_settings(vss_requester *r, const Loaded *l) {
        const struct {
                const SpecList *list;
                Setting what;
        } table[] = {
                        {&arg_subcomponents, SET_SUBCOMPONENT},
                        {&arg_restore_options, SET_RESTORE_OPTIONS},
                        {&arg_additional, SET_ADDITIONAL},
                        {&arg_new_targets, SET_NEW_TARGET},
                        {&arg_roll_forward, SET_ROLL_FORWARD},
                        {&arg_restore_names, SET_RESTORE_NAME},
                        {&arg_authoritative, SET_AUTHORITATIVE},
        };

        for (size_t t = 0; t < ELEMENTSOF(table); t++)
                for (size_t i = 0; i < table[t].list->n; i++) {
                        const Spec *s = &table[t].list->items[i];
                        const vss_wmd *saved = NULL;
                        const vss_wm_component *c = NULL;
                        int k = restore_target(l, s, &saved, &c);
                        if (k < 0)
                                return k;
                        k = apply_setting(
                                        r, table[t].what, vss_wmd_get_writer_class_id(saved),
                                        vss_wm_component_get_type(c), s);
                        if (k < 0)
                                return vss_requester_get_error(r)
                                                       ? log_error_errno(k, "'%s': %s", s->text,
                                                                         vss_requester_get_error(r))
                                                       : k;
                }
        return 0;
}

static int verb_restore(vss_requester *r) {
        Loaded l = {};

        int k = load_documents(r, &l);
        if (k >= 0 && arg_have_restore_type) {
                k = vss_requester_set_restore_state(r, arg_restore_type);
                if (k < 0)
                        (void) log_error_errno(k, "%s", vss_requester_get_error(r));
        }
        if (k >= 0)
                k = print_step(r, "gather-writer-metadata",
                               vss_requester_gather_writer_metadata(r));
        if (k >= 0)
                k = select_for_restore(r, &l);
        if (k >= 0)
                k = restore_settings(r, &l);
        if (k >= 0) {
                print_selection(r);
                k = print_step(r, "pre-restore", vss_requester_pre_restore(r));
        }
        if (k >= 0) {
                /* This tool copies no files: it reports the status it was told to. */
                const vss_bcd *bcd = vss_requester_get_backup_components(r);
                for (size_t i = 0; k >= 0 && i < vss_bcd_get_writer_count(bcd); i++) {
                        const vss_bcd_writer *w = vss_bcd_get_writer(bcd, i);
                        for (size_t j = 0; k >= 0 && j < vss_bcd_writer_get_component_count(w);
                             j++) {
                                const vss_bcd_component *c = vss_bcd_writer_get_component(w, j);
                                if (!vss_bcd_component_get_selected_for_restore(c))
                                        continue;
                                k = vss_requester_set_file_restore_status(
                                                r, vss_bcd_writer_get_class_id(w),
                                                vss_bcd_component_get_type(c),
                                                vss_bcd_component_get_logical_path(c),
                                                vss_bcd_component_get_name(c), arg_file_status);
                                if (k < 0)
                                        (void) log_error_errno(k, "%s", vss_requester_get_error(r));
                        }
                }
        }
        if (k >= 0)
                k = print_step(r, "post-restore", vss_requester_post_restore(r));
        loaded_done(&l);
        return k;
}

/* ---- List ------------------------------------------------------------------------------------ */

static int verb_list(vss_requester *r) {
        char g[VSS_GUID_STRING_MAX], g2[VSS_GUID_STRING_MAX];

        int k = vss_requester_initialize_for_backup(r, NULL);
        if (k < 0)
                return log_error_errno(k, "%s", vss_requester_get_error(r));
        k = print_step(r, "gather-writer-metadata", vss_requester_gather_writer_metadata(r));
        if (k < 0)
                return k;
        for (size_t i = 0; i < vss_requester_get_writer_metadata_count(r); i++) {
                const vss_wmd *wmd = vss_requester_get_writer_metadata(r, i, NULL);
                vss_autofree char *schema = NULL;
                if (vss_backup_schema_mask_to_string(vss_wmd_get_backup_schema(wmd), &schema) < 0)
                        return log_oom();
                print_note("writer", "'%s' %s, instance '%s', class %s, %s, %s",
                           vss_wmd_get_writer_name(wmd),
                           vss_guid_to_string(vss_wmd_get_writer_instance_id(wmd), g),
                           vss_wmd_get_instance_name(wmd) ?: "",
                           vss_guid_to_string(vss_wmd_get_writer_class_id(wmd), g2),
                           vss_restore_method_to_string(vss_wmd_get_restore_method(wmd)), schema);
                for (size_t j = 0; j < vss_wmd_get_component_count(wmd); j++) {
                        const vss_wm_component *c = vss_wmd_get_component(wmd, j);
                        const char *lp = vss_wm_component_get_logical_path(c);
                        print_note("component", "'%s' %s%s%s (%s%s%s)",
                                   vss_wmd_get_writer_name(wmd), lp, *lp ? "\\" : "",
                                   vss_wm_component_get_name(c),
                                   vss_component_type_to_string(vss_wm_component_get_type(c)),
                                   vss_wm_component_get_selectable(c) ? ", selectable" : "",
                                   vss_wm_component_get_selectable_for_restore(c)
                                                   ? ", selectable for restore"
                                                   : "");
                }
        }
        return 0;
}

int main(int argc, char *argv[]) {
        Verb verb = VERB_BACKUP;
        vss_requester *r = NULL;

        log_open_console("vss-betest", LOG_TARGET_CONSOLE, LOG_INFO);
        int k = parse_argv(argc, argv, &verb);
        if (k <= 0)
                goto finish;

        k = vss_requester_new(arg_socket, &r);
        if (k < 0) {
                (void) log_oom();
                goto finish;
        }
        switch (verb) {
        case VERB_BACKUP:
                k = verb_backup(r);
                break;
        case VERB_RESTORE:
                k = verb_restore(r);
                break;
        case VERB_LIST:
                k = verb_list(r);
                break;
        }
        /* Freeing ends the session: an unfinished backup is aborted, writers get BackupShutdown. */
        r = vss_requester_free(r);

finish:
        strv_free(arg_volumes);
        spec_list_done(&arg_select);
        spec_list_done(&arg_backup_options);
        spec_list_done(&arg_move);
        spec_list_done(&arg_subcomponents);
        spec_list_done(&arg_restore_options);
        spec_list_done(&arg_additional);
        spec_list_done(&arg_new_targets);
        spec_list_done(&arg_roll_forward);
        spec_list_done(&arg_restore_names);
        spec_list_done(&arg_authoritative);
        return k < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
