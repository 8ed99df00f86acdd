/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* vss-test-writer: a writer whose identity, metadata and behaviour in every event come from the
 * command line, and which logs every event it receives, with what it saw, to a file. Tests start
 * it next to vssd and a requester to check the order of events and that data travels both ways
 * (the requester's backup state, previous stamps, restore options… to the writer; its stamps,
 * metadata, partial and differenced files, restore targets back). It uses only the public API.
 *
 * Log lines: "<UTC time, µs> <kind> <event> … writer=\"<name>\"", kind one of
 *   subscribed   once registered (event -; instance=…)
 *   event        an event arrived: n (its count), instance, session, set, context, backup
 *                state, volumes
 *   component    one per component of the writer's part of the document, with its state
 *   result       what the writer answers: ok | veto code=… | fail code=… | hang | sleep ms=… |
 *                exit status=… | crash
 *   exit         the program stops (event -): signal | stopped | subscribe-failed code=… | an error
 * Strings are written in double quotes with \" \\ \n \t escaped and other control bytes as \xHH;
 * an absent string is written -. Run with --help for the options. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vss/vss-writer.h>
#include <vss/vss.h>

#define DEFAULT_CLASS_ID "{0F1E2D3C-4B5A-4968-8776-A5B4C3D2E1F0}"
#define MAX_ITEMS        64

/* One callback: what to do, and for which occurrence (0: every one). */
typedef enum Action {
        ACTION_OK,
        ACTION_VETO,  /* set the failure, return its code */
        ACTION_FAIL,  /* set the failure, return 0 */
        ACTION_HANG,  /* never return (until SIGTERM) */
        ACTION_SLEEP, /* sleep, then ok */
        ACTION_EXIT,  /* _exit() in the callback */
        ACTION_CRASH, /* SIGKILL itself in the callback */
} Action;

typedef struct Behaviour {
        int event; /* index into event_names */
        unsigned occurrence;
        Action action;
        long value; /* code, milliseconds or exit status */
} Behaviour;

static const char *const event_names[] = {
                "identify", "prepare-backup", "prepare-snapshot", "freeze",       "thaw",
                "post-snapshot", "abort", "backup-complete", "backup-shutdown", "pre-restore",
                "post-restore",
};
#define N_EVENTS (sizeof event_names / sizeof event_names[0])
enum {
        EV_IDENTIFY,
        EV_PREPARE_BACKUP,
        EV_PREPARE_SNAPSHOT,
        EV_FREEZE,
        EV_THAW,
        EV_POST_SNAPSHOT,
        EV_ABORT,
        EV_BACKUP_COMPLETE,
        EV_BACKUP_SHUTDOWN,
        EV_PRE_RESTORE,
        EV_POST_RESTORE,
};

typedef struct ComponentSpec {
        VSS_COMPONENT_TYPE type;
        char *logical_path;
        char *name;
        char *caption;
        bool selectable, selectable_for_restore, notify, restore_metadata;
} ComponentSpec;

typedef enum FileKind { FILES_GROUP, FILES_DATABASE, FILES_LOG } FileKind;

typedef struct FileSpec {
        FileKind kind;
        char *logical_path, *name; /* the component */
        char *path, *filespec, *alternate;
        bool recursive;
        uint32_t mask;
} FileSpec;

typedef struct ExcludeSpec {
        char *path, *filespec;
        bool recursive;
} ExcludeSpec;

typedef struct DifferencedSpec {
        char *path, *filespec;
        bool recursive;
        int64_t time_ns;
} DifferencedSpec;

typedef struct PartialSpec {
        char *path, *file, *ranges;
} PartialSpec;

/* Options. */
static const char *arg_socket;
static vss_guid arg_class_id;
static const char *arg_instance_name;
static const char *arg_writer_name = "vss-test-writer";
static VSS_USAGE_TYPE arg_usage = VSS_UT_USERDATA;
static VSS_SOURCE_TYPE arg_source = VSS_ST_OTHER;
static VSS_APPLICATION_LEVEL arg_level = VSS_APP_FRONT_END;
static uint32_t arg_freeze_timeout = VSS_FREEZE_TIMEOUT_DEFAULT;
static uint32_t arg_version_major, arg_version_minor;
static uint32_t arg_subscribe;
static uint32_t arg_schema;
static VSS_RESTOREMETHOD_ENUM arg_restore_method = VSS_RME_RESTORE_IF_CAN_REPLACE;
static VSS_WRITERRESTORE_ENUM arg_writer_restore = VSS_WRE_NEVER;
static const char *arg_restore_service;
static ComponentSpec arg_components[MAX_ITEMS];
static size_t arg_n_components;
static FileSpec arg_files[MAX_ITEMS];
static size_t arg_n_files;
static ExcludeSpec arg_excludes[MAX_ITEMS];
static size_t arg_n_excludes;
static Behaviour arg_behaviours[MAX_ITEMS];
static size_t arg_n_behaviours;
static const char *arg_message;
static int32_t arg_application_hr;
static const char *arg_stamp;
static const char *arg_backup_metadata;
static const char *arg_restore_metadata;
static PartialSpec arg_partials[MAX_ITEMS];
static size_t arg_n_partials;
static const char *arg_partial_metadata;
static DifferencedSpec arg_differenced[MAX_ITEMS];
static size_t arg_n_differenced;
static VSS_RESTORE_TARGET arg_restore_target;
static const char *arg_log;
static const char *arg_ready_file;
static int arg_exit_after = -1;
static unsigned arg_exit_after_occurrence;

/* State. */
static vss_writer *writer;
static int log_fd = -1;
static unsigned seen[N_EVENTS];
static volatile sig_atomic_t got_signal;

/* ---- Logging ------------------------------------------------------------------------------ */

typedef struct Line {
        char text[16384];
        size_t n;
} Line;

static void line_add(Line *l, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void line_add(Line *l, const char *format, ...) {
        va_list ap;
        if (l->n >= sizeof l->text - 1)
                return;
        va_start(ap, format);
        int k = vsnprintf(l->text + l->n, sizeof l->text - l->n, format, ap);
        va_end(ap);
        if (k > 0)
                l->n = l->n + (size_t) k < sizeof l->text ? l->n + (size_t) k : sizeof l->text - 1;
}

/* key="escaped value", or key=- for NULL. */
static void line_str(Line *l, const char *key, const char *value) {
        if (!value) {
                line_add(l, " %s=-", key);
                return;
        }
        line_add(l, " %s=\"", key);
        for (const unsigned char *p = (const unsigned char *) value; *p; p++) {
                if (*p == '"' || *p == '\\')
                        line_add(l, "\\%c", *p);
                else if (*p == '\n')
                        line_add(l, "\\n");
                else if (*p == '\t')
                        line_add(l, "\\t");
                else if (*p < 0x20 || *p == 0x7F)
                        line_add(l, "\\x%02X", *p);
                else
                        line_add(l, "%c", *p);
        }
        line_add(l, "\"");
}

static void line_guid(Line *l, const char *key, const vss_guid *g) {
        char buf[VSS_GUID_STRING_MAX];
        line_add(l, " %s=%s", key, g ? vss_guid_to_string(g, buf) : "-");
}

static void line_start(Line *l, const char *kind, const char *event) {
        struct timespec ts;
        struct tm tm;
        char when[32];

        (void) clock_gettime(CLOCK_REALTIME, &ts);
        (void) gmtime_r(&ts.tv_sec, &tm);
        (void) strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
        l->n = 0;
        line_add(l, "%s.%06ldZ %s %s", when, ts.tv_nsec / 1000, kind, event ? event : "-");
}

/* One write() per line on an O_APPEND file: lines of several writers do not mix. */
static void line_end(Line *l) {
        line_str(l, "writer", arg_writer_name);
        line_add(l, "\n");
        if (l->text[l->n - 1] != '\n')
                l->text[l->n - 1] = '\n';
        if (log_fd >= 0) {
                ssize_t k = write(log_fd, l->text, l->n);
                (void) k;
        }
}

static void log_simple(const char *kind, const char *event, const char *format, ...)
                __attribute__((format(printf, 3, 4)));
static void log_simple(const char *kind, const char *event, const char *format, ...) {
        Line l;
        va_list ap;
        char text[1024];

        line_start(&l, kind, event);
        if (format) {
                va_start(ap, format);
                (void) vsnprintf(text, sizeof text, format, ap);
                va_end(ap);
                line_add(&l, " %s", text);
        }
        line_end(&l);
}

static void log_event(int event, const vss_guid *snapshot_set_id) {
        Line l;
        vss_guid g;

        line_start(&l, "event", event_names[event]);
        line_add(&l, " n=%u", seen[event]);
        line_guid(&l, "instance", vss_writer_get_instance_id(writer));
        line_guid(&l, "session", vss_writer_get_session_id(writer, &g) >= 0 ? &g : NULL);
        if (snapshot_set_id)
                line_guid(&l, "set", snapshot_set_id);
        else
                line_guid(&l, "set",
                          vss_writer_get_current_snapshot_set_id(writer, &g) >= 0 ? &g : NULL);
        line_add(&l, " context=0x%" PRIx32, (uint32_t) vss_writer_get_context(writer));
        line_add(&l, " backup_type=%s", vss_backup_type_to_string(vss_writer_get_backup_type(writer)));
        line_add(&l, " components_selected=%s",
                 vss_writer_are_components_selected(writer) ? "yes" : "no");
        line_add(&l, " bootable=%s",
                 vss_writer_is_bootable_system_state_backed_up(writer) ? "yes" : "no");
        line_add(&l, " partial_files=%s",
                 vss_writer_is_partial_file_support_enabled(writer) ? "yes" : "no");
        line_add(&l, " restore_type=%s",
                 vss_restore_type_to_string(vss_writer_get_restore_type(writer)));
        size_t n = vss_writer_get_current_volume_count(writer);
        line_add(&l, " volumes=%zu", n);
        for (size_t i = 0; i < n; i++) {
                const char *v = vss_writer_get_current_volume(writer, i);
                char key[32];
                (void) snprintf(key, sizeof key, "volume[%zu]", i);
                line_str(&l, key, v);
                (void) snprintf(key, sizeof key, "snapshot[%zu]", i);
                line_str(&l, key, vss_writer_get_snapshot_device_name(writer, v));
        }
        line_end(&l);
}

static void log_component(int event, const vss_bcd_component *c) {
        Line l;
        char key[64];

        line_start(&l, "component", event_names[event]);
        line_str(&l, "logical_path", vss_bcd_component_get_logical_path(c));
        line_str(&l, "name", vss_bcd_component_get_name(c));
        line_add(&l, " type=%s", vss_component_type_to_string(vss_bcd_component_get_type(c)));
        line_add(&l, " backup_succeeded=%s", vss_bcd_component_get_backup_succeeded(c) ? "yes" : "no");
        line_str(&l, "backup_options", vss_bcd_component_get_backup_options(c));
        line_str(&l, "previous_stamp", vss_bcd_component_get_previous_backup_stamp(c));
        line_str(&l, "backup_stamp", vss_bcd_component_get_backup_stamp(c));
        line_str(&l, "backup_metadata", vss_bcd_component_get_backup_metadata(c));
        line_str(&l, "restore_metadata", vss_bcd_component_get_restore_metadata(c));
        line_add(&l, " selected_for_restore=%s",
                 vss_bcd_component_get_selected_for_restore(c) ? "yes" : "no");
        line_guid(&l, "restore_instance", vss_bcd_component_get_restore_instance_id(c));
        line_str(&l, "restore_options", vss_bcd_component_get_restore_options(c));
        line_add(&l, " additional_restores=%s",
                 vss_bcd_component_get_additional_restores(c) ? "yes" : "no");
        line_add(&l, " restore_target=%s",
                 vss_restore_target_to_string(vss_bcd_component_get_restore_target(c)));
        line_add(&l, " file_restore_status=%s",
                 vss_file_restore_status_to_string(vss_bcd_component_get_file_restore_status(c)));
        line_add(&l, " roll_forward=%s",
                 vss_rollforward_type_to_string(vss_bcd_component_get_roll_forward_type(c)));
        line_str(&l, "roll_forward_point", vss_bcd_component_get_roll_forward_point(c));
        line_str(&l, "restore_name", vss_bcd_component_get_restore_name(c));
        line_add(&l, " authoritative=%s",
                 vss_bcd_component_get_authoritative_restore(c) ? "yes" : "no");

        size_t n = vss_bcd_component_get_restore_subcomponent_count(c);
        line_add(&l, " restore_subcomponents=%zu", n);
        for (size_t i = 0; i < n; i++) {
                const char *lp = NULL, *name = NULL;
                bool repair = false;
                (void) vss_bcd_component_get_restore_subcomponent(c, i, &lp, &name, &repair);
                (void) snprintf(key, sizeof key, "restore_subcomponent[%zu]", i);
                char value[8300];
                (void) snprintf(value, sizeof value, "%s\\%s", lp ? lp : "", name ? name : "");
                line_str(&l, key, value);
        }
        n = vss_bcd_component_get_new_target_count(c);
        line_add(&l, " new_targets=%zu", n);
        for (size_t i = 0; i < n; i++) {
                const vss_wm_filedesc *f = vss_bcd_component_get_new_target(c, i);
                char value[12400];
                (void) snprintf(value, sizeof value, "%s|%s|%s|%s", vss_wm_filedesc_get_path(f),
                                vss_wm_filedesc_get_filespec(f),
                                vss_wm_filedesc_get_recursive(f) ? "recursive" : "flat",
                                vss_wm_filedesc_get_alternate_location(f));
                (void) snprintf(key, sizeof key, "new_target[%zu]", i);
                line_str(&l, key, value);
        }
        n = vss_bcd_component_get_alternate_location_mapping_count(c);
        line_add(&l, " alternate_mappings=%zu", n);
        line_add(&l, " partial_files=%zu", vss_bcd_component_get_partial_file_count(c));
        line_add(&l, " differenced_files=%zu", vss_bcd_component_get_differenced_files_count(c));
        line_add(&l, " directed_targets=%zu", vss_bcd_component_get_directed_target_count(c));
        line_end(&l);
}

static void log_components(int event, const vss_bcd_writer *part) {
        for (size_t i = 0; i < vss_bcd_writer_get_component_count(part); i++)
                log_component(event, vss_bcd_writer_get_component(part, i));
}

/* ---- Behaviour ------------------------------------------------------------------------------ */

static void sleep_ms(long ms) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !got_signal)
                ;
}

/* Does what the command line says for this occurrence of the event, logs it and returns the
 * callback's result. */
static int behave(int event) {
        const Behaviour *b = NULL;
        for (size_t i = 0; i < arg_n_behaviours; i++)
                if (arg_behaviours[i].event == event &&
                    (arg_behaviours[i].occurrence == 0 ||
                     arg_behaviours[i].occurrence == seen[event]))
                        b = &arg_behaviours[i]; /* the last match wins */

        int r = 0;
        Action a = b ? b->action : ACTION_OK;
        switch (a) {
        case ACTION_OK:
                log_simple("result", event_names[event], "ok");
                break;
        case ACTION_VETO:
        case ACTION_FAIL:
                if (event != EV_IDENTIFY) {
                        int k = vss_writer_set_failure(writer, (int) b->value, arg_application_hr,
                                                       arg_message);
                        if (k < 0)
                                log_simple("result", event_names[event], "set-failure-refused code=%s",
                                           vss_status_to_string(k) ? vss_status_to_string(k) : strerror(-k));
                }
                log_simple("result", event_names[event], "%s code=%s",
                           a == ACTION_VETO ? "veto" : "fail", vss_status_to_string((int) b->value));
                r = a == ACTION_VETO ? (int) b->value : 0;
                break;
        case ACTION_HANG:
                log_simple("result", event_names[event], "hang");
                while (!got_signal)
                        (void) pause();
                break;
        case ACTION_SLEEP:
                log_simple("result", event_names[event], "sleep ms=%ld", b->value);
                sleep_ms(b->value);
                break;
        case ACTION_EXIT:
                log_simple("result", event_names[event], "exit status=%ld", b->value);
                _exit((int) b->value);
        case ACTION_CRASH:
                log_simple("result", event_names[event], "crash");
                (void) raise(SIGKILL);
                break;
        }

        if (arg_exit_after == event &&
            (arg_exit_after_occurrence == 0 || arg_exit_after_occurrence == seen[event]))
                vss_writer_stop(writer);
        return r;
}

/* ---- Callbacks ------------------------------------------------------------------------------ */

static int apply_components(vss_wmd *wmd) {
        int r;
        for (size_t i = 0; i < arg_n_components; i++) {
                const ComponentSpec *c = &arg_components[i];
                r = vss_wmd_add_component(wmd, c->type, c->logical_path, c->name, c->caption, NULL, 0,
                                          c->restore_metadata, c->notify, c->selectable,
                                          c->selectable_for_restore, 0);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < arg_n_files; i++) {
                const FileSpec *f = &arg_files[i];
                if (f->kind == FILES_GROUP)
                        r = vss_wmd_add_files_to_file_group(wmd, f->logical_path, f->name, f->path,
                                                            f->filespec, f->recursive, f->alternate,
                                                            f->mask);
                else if (f->kind == FILES_DATABASE)
                        r = vss_wmd_add_database_files(wmd, f->logical_path, f->name, f->path,
                                                       f->filespec, f->mask);
                else
                        r = vss_wmd_add_database_log_files(wmd, f->logical_path, f->name, f->path,
                                                           f->filespec, f->mask);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < arg_n_excludes; i++) {
                r = vss_wmd_add_exclude_files(wmd, arg_excludes[i].path, arg_excludes[i].filespec,
                                              arg_excludes[i].recursive);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int on_identify(vss_writer *w, vss_wmd *wmd, void *userdata) {
        (void) w;
        (void) userdata;
        seen[EV_IDENTIFY]++;
        log_event(EV_IDENTIFY, NULL);
        int r = vss_wmd_set_restore_method(wmd, arg_restore_method, arg_restore_service, NULL,
                                           arg_writer_restore, false);
        if (r >= 0)
                r = vss_wmd_set_backup_schema(wmd, arg_schema);
        if (r >= 0)
                r = apply_components(wmd);
        if (r < 0) {
                log_simple("result", "identify", "bad-metadata code=%s", vss_strerror(r));
                return r;
        }
        return behave(EV_IDENTIFY);
}

/* The writer's additions in prepare-backup (and post-snapshot for stamps): the same on every
 * component of its part. */
static int annotate(vss_bcd_writer *part, bool prepare) {
        for (size_t i = 0; i < vss_bcd_writer_get_component_count(part); i++) {
                vss_bcd_component *c = vss_bcd_writer_get_component(part, i);
                int r = 0;
                if (arg_stamp)
                        r = vss_bcd_component_set_backup_stamp(c, arg_stamp);
                if (r >= 0 && prepare && arg_backup_metadata)
                        r = vss_bcd_component_set_backup_metadata(c, arg_backup_metadata);
                for (size_t k = 0; r >= 0 && prepare && k < arg_n_partials; k++)
                        r = vss_bcd_component_add_partial_file(c, arg_partials[k].path,
                                                               arg_partials[k].file,
                                                               arg_partials[k].ranges,
                                                               arg_partial_metadata);
                for (size_t k = 0; r >= 0 && prepare && k < arg_n_differenced; k++)
                        r = vss_bcd_component_add_differenced_files_by_last_modify_time(
                                        c, arg_differenced[k].path, arg_differenced[k].filespec,
                                        arg_differenced[k].recursive, arg_differenced[k].time_ns);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int on_prepare_backup(vss_writer *w, vss_bcd_writer *part, void *userdata) {
        (void) w;
        (void) userdata;
        seen[EV_PREPARE_BACKUP]++;
        log_event(EV_PREPARE_BACKUP, NULL);
        log_components(EV_PREPARE_BACKUP, part);
        int r = annotate(part, true);
        if (r < 0) {
                log_simple("result", "prepare-backup", "annotate-failed code=%s", vss_strerror(r));
                return r;
        }
        return behave(EV_PREPARE_BACKUP);
}

static int on_plain(int event) {
        seen[event]++;
        log_event(event, NULL);
        return behave(event);
}

static int on_prepare_snapshot(vss_writer *w, void *userdata) {
        (void) w;
        (void) userdata;
        return on_plain(EV_PREPARE_SNAPSHOT);
}

static int on_freeze(vss_writer *w, void *userdata) {
        (void) w;
        (void) userdata;
        return on_plain(EV_FREEZE);
}

static int on_thaw(vss_writer *w, void *userdata) {
        (void) w;
        (void) userdata;
        return on_plain(EV_THAW);
}

static int on_abort(vss_writer *w, void *userdata) {
        (void) w;
        (void) userdata;
        return on_plain(EV_ABORT);
}

static int on_post_snapshot(vss_writer *w, vss_bcd_writer *part, void *userdata) {
        (void) w;
        (void) userdata;
        seen[EV_POST_SNAPSHOT]++;
        log_event(EV_POST_SNAPSHOT, NULL);
        log_components(EV_POST_SNAPSHOT, part);
        return behave(EV_POST_SNAPSHOT);
}

static int on_backup_complete(vss_writer *w, const vss_bcd_writer *part, void *userdata) {
        (void) w;
        (void) userdata;
        seen[EV_BACKUP_COMPLETE]++;
        log_event(EV_BACKUP_COMPLETE, NULL);
        log_components(EV_BACKUP_COMPLETE, part);
        return behave(EV_BACKUP_COMPLETE);
}

static int on_backup_shutdown(vss_writer *w, const vss_guid *set, void *userdata) {
        (void) w;
        (void) userdata;
        seen[EV_BACKUP_SHUTDOWN]++;
        log_event(EV_BACKUP_SHUTDOWN, set);
        return behave(EV_BACKUP_SHUTDOWN);
}

static int on_pre_restore(vss_writer *w, vss_bcd_writer *part, void *userdata) {
        (void) w;
        (void) userdata;
        seen[EV_PRE_RESTORE]++;
        log_event(EV_PRE_RESTORE, NULL);
        log_components(EV_PRE_RESTORE, part);
        for (size_t i = 0; i < vss_bcd_writer_get_component_count(part); i++) {
                vss_bcd_component *c = vss_bcd_writer_get_component(part, i);
                int r = 0;
                if (arg_restore_target != VSS_RT_UNDEFINED)
                        r = vss_bcd_component_set_restore_target(c, arg_restore_target);
                /* VSS: SetRestoreMetadata only in OnPreRestore */
                if (r >= 0 && arg_restore_metadata)
                        r = vss_bcd_component_set_restore_metadata(c, arg_restore_metadata);
                if (r < 0) {
                        log_simple("result", "pre-restore", "annotate-failed code=%s",
                                   vss_strerror(r));
                        return r;
                }
        }
        return behave(EV_PRE_RESTORE);
}

static int on_post_restore(vss_writer *w, vss_bcd_writer *part, void *userdata) {
        (void) w;
        (void) userdata;
        seen[EV_POST_RESTORE]++;
        log_event(EV_POST_RESTORE, NULL);
        log_components(EV_POST_RESTORE, part);
        return behave(EV_POST_RESTORE);
}

static const vss_writer_ops ops = {
                .identify = on_identify,
                .prepare_backup = on_prepare_backup,
                .prepare_snapshot = on_prepare_snapshot,
                .freeze = on_freeze,
                .thaw = on_thaw,
                .post_snapshot = on_post_snapshot,
                .abort = on_abort,
                .backup_complete = on_backup_complete,
                .backup_shutdown = on_backup_shutdown,
                .pre_restore = on_pre_restore,
                .post_restore = on_post_restore,
};

/* ---- Command line ------------------------------------------------------------------------- */

static void help(void) {
        printf("Usage: vss-test-writer [OPTIONS]\n"
               "A writer scripted from the command line that logs every event it receives.\n\n"
               "Identity:\n"
               "  --socket PATH             vssd's socket (default: $VSS_SOCKET or the system one)\n"
               "  --class-id GUID           writer class id (default %s)\n"
               "  --instance-name NAME      instance name (default: none)\n"
               "  --writer-name NAME        writer name (default vss-test-writer)\n"
               "  --usage TYPE              VSS_USAGE_TYPE (default VSS_UT_USERDATA)\n"
               "  --source TYPE             VSS_SOURCE_TYPE (default VSS_ST_OTHER)\n"
               "  --level LEVEL             VSS_APPLICATION_LEVEL (default VSS_APP_FRONT_END)\n"
               "  --freeze-timeout MS       freeze window (default 60000)\n"
               "  --version MAJOR.MINOR     writer version\n"
               "  --subscribe MASK          VSS_SUBSCRIBE_MASK names joined by '|'\n"
               "Metadata (identify):\n"
               "  --schema MASK             VSS_BACKUP_SCHEMA names joined by '|'\n"
               "  --restore-method M[:UNIT] VSS_RESTOREMETHOD_ENUM (default RESTORE_IF_CAN_REPLACE)\n"
               "  --writer-restore W       VSS_WRITERRESTORE_ENUM: never (default), if_replace_fails,\n"
               "                           always\n"
               "  --component SPEC          [LOGICAL_PATH\\]NAME[,database][,selectable]\n"
               "                            [,restore-selectable][,notify][,restore-metadata]\n"
               "                            [,caption=TEXT]; default: data,selectable\n"
               "  --files SPEC              COMPONENT=DIR[,filespec=PATTERN][,recursive]\n"
               "                            [,alternate=DIR][,mask=MASK][,kind=group|database|log]\n"
               "  --exclude SPEC            DIR[,filespec=PATTERN][,recursive]\n"
               "Behaviour:\n"
               "  --on EVENT[@N]=ACTION     ok | veto[:CODE] | fail[:CODE] | hang | sleep:MS |\n"
               "                            exit[:STATUS] | crash; N: only the N-th occurrence.\n"
               "                            CODE: a VSS writer failure name or number\n"
               "                            (default VSS_E_WRITERERROR_NONRETRYABLE)\n"
               "  --message TEXT            failure message for veto and fail\n"
               "  --application-hr N        application code for veto and fail\n"
               "  --exit-after EVENT[@N]    stop after serving it\n"
               "Data for the requester (prepare-backup; stamps also in post-snapshot):\n"
               "  --stamp TEXT              backup stamp of every component\n"
               "  --backup-metadata TEXT    backup metadata of every component\n"
               "  --partial-file DIR/FILE=RANGES  a partial file of every component\n"
               "  --partial-metadata TEXT   metadata of those partial files\n"
               "  --differenced SPEC        DIR[,filespec=PATTERN][,recursive][,time=NS]\n"
               "In pre-restore:\n"
               "  --restore-target TARGET   VSS_RESTORE_TARGET of every component\n"
               "  --restore-metadata TEXT   restore metadata of every component\n"
               "Output:\n"
               "  --log FILE                append the event log to FILE\n"
               "  --ready-file FILE         write the instance id to FILE once registered\n",
               DEFAULT_CLASS_ID);
}

static int bad(const char *option, const char *value, const char *why) {
        fprintf(stderr, "vss-test-writer: %s '%s': %s\n", option, value, why);
        return -EINVAL;
}

static int parse_u32(const char *s, uint32_t *ret) {
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 0);
        if (errno || !end || end == s || *end || v > UINT32_MAX || s[0] == '-')
                return -EINVAL;
        *ret = (uint32_t) v;
        return 0;
}

static int parse_event(const char *s, size_t n) {
        for (size_t i = 0; i < N_EVENTS; i++)
                if (strlen(event_names[i]) == n && strncmp(event_names[i], s, n) == 0)
                        return (int) i;
        return -EINVAL;
}

/* EVENT[@N]: the event index, and the occurrence in *ret (0: every). */
static int parse_event_occurrence(const char *s, size_t n, unsigned *ret) {
        const char *at = memchr(s, '@', n);
        uint32_t k = 0;
        if (at) {
                char num[16];
                size_t len = n - (size_t) (at - s) - 1;
                if (len == 0 || len >= sizeof num)
                        return -EINVAL;
                memcpy(num, at + 1, len);
                num[len] = 0;
                if (parse_u32(num, &k) < 0 || k == 0)
                        return -EINVAL;
                n = (size_t) (at - s);
        }
        *ret = k;
        return parse_event(s, n);
}

static int parse_code(const char *s, long *ret) {
        int code;
        if (vss_status_from_string(s, &code) >= 0) {
                *ret = -code;
                return 0;
        }
        char *end = NULL;
        long v = strtol(s, &end, 0);
        if (!end || end == s || *end)
                return -EINVAL;
        *ret = v > 0 ? -v : v;
        return 0;
}

static int parse_on(const char *s) {
        const char *eq = strchr(s, '=');
        if (!eq)
                return bad("--on", s, "expected EVENT[@N]=ACTION");
        if (arg_n_behaviours >= MAX_ITEMS)
                return bad("--on", s, "too many");
        Behaviour *b = &arg_behaviours[arg_n_behaviours];
        b->event = parse_event_occurrence(s, (size_t) (eq - s), &b->occurrence);
        if (b->event < 0)
                return bad("--on", s, "unknown event");

        const char *action = eq + 1, *colon = strchr(action, ':');
        size_t n = colon ? (size_t) (colon - action) : strlen(action);
        const char *value = colon ? colon + 1 : NULL;
        if (n == 2 && strncmp(action, "ok", n) == 0 && !value)
                b->action = ACTION_OK;
        else if ((n == 4 && strncmp(action, "veto", n) == 0) ||
                 (n == 4 && strncmp(action, "fail", n) == 0)) {
                b->action = action[0] == 'v' ? ACTION_VETO : ACTION_FAIL;
                b->value = -VSS_E_WRITERERROR_NONRETRYABLE;
                if (value && parse_code(value, &b->value) < 0)
                        return bad("--on", s, "unknown failure code");
        } else if (n == 4 && strncmp(action, "hang", n) == 0 && !value)
                b->action = ACTION_HANG;
        else if (n == 5 && strncmp(action, "sleep", n) == 0 && value) {
                uint32_t ms;
                if (parse_u32(value, &ms) < 0)
                        return bad("--on", s, "sleep takes milliseconds");
                b->action = ACTION_SLEEP;
                b->value = (long) ms;
        } else if (n == 4 && strncmp(action, "exit", n) == 0) {
                uint32_t status = 0;
                if (value && (parse_u32(value, &status) < 0 || status > 255))
                        return bad("--on", s, "exit takes a status 0 … 255");
                b->action = ACTION_EXIT;
                b->value = (long) status;
        } else if (n == 5 && strncmp(action, "crash", n) == 0 && !value)
                b->action = ACTION_CRASH;
        else
                return bad("--on", s, "unknown action");
        arg_n_behaviours++;
        return 0;
}

/* Splits "HEAD,key=value,flag,…" in place: returns HEAD and calls 'item' for every other part. */
typedef int (*ItemFunc)(void *target, const char *key, const char *value);

static int split_spec(char *spec, void *target, ItemFunc item, char **ret_head) {
        char *save = NULL;
        char *head = strtok_r(spec, ",", &save);
        if (!head)
                return -EINVAL;
        for (char *part = strtok_r(NULL, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(part, '=');
                if (eq)
                        *eq = 0;
                int r = item(target, part, eq ? eq + 1 : NULL);
                if (r < 0)
                        return r;
        }
        *ret_head = head;
        return 0;
}

/* "LP\NAME" → logical path and name (the last segment). */
static void split_full_path(char *s, char **ret_lp, char **ret_name) {
        char *sep = strrchr(s, '\\');
        if (sep) {
                *sep = 0;
                *ret_lp = s;
                *ret_name = sep + 1;
        } else {
                *ret_lp = NULL;
                *ret_name = s;
        }
}

static int component_item(void *target, const char *key, const char *value) {
        ComponentSpec *c = target;
        if (strcmp(key, "database") == 0 && !value)
                c->type = VSS_CT_DATABASE;
        else if (strcmp(key, "selectable") == 0 && !value)
                c->selectable = true;
        else if (strcmp(key, "restore-selectable") == 0 && !value)
                c->selectable_for_restore = true;
        else if (strcmp(key, "notify") == 0 && !value)
                c->notify = true;
        else if (strcmp(key, "restore-metadata") == 0 && !value)
                c->restore_metadata = true;
        else if (strcmp(key, "caption") == 0 && value)
                c->caption = (char *) value;
        else
                return -EINVAL;
        return 0;
}

static int parse_component(char *s) {
        char copy[4096];
        if (arg_n_components >= MAX_ITEMS)
                return bad("--component", s, "too many");
        (void) snprintf(copy, sizeof copy, "%s", s);
        ComponentSpec *c = &arg_components[arg_n_components];
        *c = (ComponentSpec) {.type = VSS_CT_FILEGROUP};
        char *head = NULL;
        if (split_spec(s, c, component_item, &head) < 0)
                return bad("--component", copy, "expected [LP\\]NAME[,database][,selectable]…");
        split_full_path(head, &c->logical_path, &c->name);
        arg_n_components++;
        return 0;
}

static int files_item(void *target, const char *key, const char *value) {
        FileSpec *f = target;
        if (strcmp(key, "filespec") == 0 && value)
                f->filespec = (char *) value;
        else if (strcmp(key, "recursive") == 0 && !value)
                f->recursive = true;
        else if (strcmp(key, "alternate") == 0 && value)
                f->alternate = (char *) value;
        else if (strcmp(key, "mask") == 0 && value)
                return vss_file_spec_backup_type_mask_from_string(value, &f->mask);
        else if (strcmp(key, "kind") == 0 && value) {
                if (strcmp(value, "group") == 0)
                        f->kind = FILES_GROUP;
                else if (strcmp(value, "database") == 0)
                        f->kind = FILES_DATABASE;
                else if (strcmp(value, "log") == 0)
                        f->kind = FILES_LOG;
                else
                        return -EINVAL;
        } else
                return -EINVAL;
        return 0;
}

static int parse_files(char *s) {
        char copy[4096];
        if (arg_n_files >= MAX_ITEMS)
                return bad("--files", s, "too many");
        (void) snprintf(copy, sizeof copy, "%s", s);
        FileSpec *f = &arg_files[arg_n_files];
        *f = (FileSpec) {.kind = FILES_GROUP, .filespec = (char *) "*", .mask = VSS_FSBT_DEFAULT};
        char *head = NULL;
        if (split_spec(s, f, files_item, &head) < 0)
                return bad("--files", copy, "expected COMPONENT=DIR[,filespec=…][,recursive]…");
        char *eq = strchr(head, '=');
        if (!eq)
                return bad("--files", copy, "expected COMPONENT=DIR");
        *eq = 0;
        f->path = eq + 1;
        split_full_path(head, &f->logical_path, &f->name);
        arg_n_files++;
        return 0;
}

static int exclude_item(void *target, const char *key, const char *value) {
        ExcludeSpec *e = target;
        if (strcmp(key, "filespec") == 0 && value)
                e->filespec = (char *) value;
        else if (strcmp(key, "recursive") == 0 && !value)
                e->recursive = true;
        else
                return -EINVAL;
        return 0;
}

static int parse_exclude(char *s) {
        if (arg_n_excludes >= MAX_ITEMS)
                return bad("--exclude", s, "too many");
        ExcludeSpec *e = &arg_excludes[arg_n_excludes];
        *e = (ExcludeSpec) {.filespec = (char *) "*"};
        if (split_spec(s, e, exclude_item, &e->path) < 0)
                return bad("--exclude", s, "expected DIR[,filespec=…][,recursive]");
        arg_n_excludes++;
        return 0;
}

static int differenced_item(void *target, const char *key, const char *value) {
        DifferencedSpec *d = target;
        if (strcmp(key, "filespec") == 0 && value)
                d->filespec = (char *) value;
        else if (strcmp(key, "recursive") == 0 && !value)
                d->recursive = true;
        else if (strcmp(key, "time") == 0 && value) {
                char *end = NULL;
                long long v = strtoll(value, &end, 10);
                if (!end || *end || v < 0)
                        return -EINVAL;
                d->time_ns = v;
        } else
                return -EINVAL;
        return 0;
}

static int parse_differenced(char *s) {
        if (arg_n_differenced >= MAX_ITEMS)
                return bad("--differenced", s, "too many");
        DifferencedSpec *d = &arg_differenced[arg_n_differenced];
        *d = (DifferencedSpec) {.filespec = (char *) "*"};
        if (split_spec(s, d, differenced_item, &d->path) < 0)
                return bad("--differenced", s, "expected DIR[,filespec=…][,recursive][,time=NS]");
        arg_n_differenced++;
        return 0;
}

static int parse_partial(char *s) {
        if (arg_n_partials >= MAX_ITEMS)
                return bad("--partial-file", s, "too many");
        char *eq = strchr(s, '=');
        char *slash = eq ? memrchr(s, '/', (size_t) (eq - s)) : NULL;
        if (!eq || !slash || slash == s)
                return bad("--partial-file", s, "expected DIR/FILE=RANGES");
        *eq = 0;
        *slash = 0;
        arg_partials[arg_n_partials++] = (PartialSpec) {.path = s, .file = slash + 1, .ranges = eq + 1};
        return 0;
}

static int parse_argv(int argc, char **argv) {
        enum {
                ARG_SOCKET = 0x100,
                ARG_CLASS_ID,
                ARG_INSTANCE_NAME,
                ARG_WRITER_NAME,
                ARG_USAGE,
                ARG_SOURCE,
                ARG_LEVEL,
                ARG_FREEZE_TIMEOUT,
                ARG_VERSION,
                ARG_SUBSCRIBE,
                ARG_SCHEMA,
                ARG_RESTORE_METHOD,
                ARG_WRITER_RESTORE,
                ARG_COMPONENT,
                ARG_FILES,
                ARG_EXCLUDE,
                ARG_ON,
                ARG_MESSAGE,
                ARG_APPLICATION_HR,
                ARG_EXIT_AFTER,
                ARG_STAMP,
                ARG_BACKUP_METADATA,
                ARG_RESTORE_METADATA,
                ARG_PARTIAL_FILE,
                ARG_PARTIAL_METADATA,
                ARG_DIFFERENCED,
                ARG_RESTORE_TARGET,
                ARG_LOG,
                ARG_READY_FILE,
        };
        static const struct option options[] = {
                        {"socket", required_argument, NULL, ARG_SOCKET},
                        {"class-id", required_argument, NULL, ARG_CLASS_ID},
                        {"instance-name", required_argument, NULL, ARG_INSTANCE_NAME},
                        {"writer-name", required_argument, NULL, ARG_WRITER_NAME},
                        {"usage", required_argument, NULL, ARG_USAGE},
                        {"source", required_argument, NULL, ARG_SOURCE},
                        {"level", required_argument, NULL, ARG_LEVEL},
                        {"freeze-timeout", required_argument, NULL, ARG_FREEZE_TIMEOUT},
                        {"version", required_argument, NULL, ARG_VERSION},
                        {"subscribe", required_argument, NULL, ARG_SUBSCRIBE},
                        {"schema", required_argument, NULL, ARG_SCHEMA},
                        {"restore-method", required_argument, NULL, ARG_RESTORE_METHOD},
                        {"writer-restore", required_argument, NULL, ARG_WRITER_RESTORE},
                        {"component", required_argument, NULL, ARG_COMPONENT},
                        {"files", required_argument, NULL, ARG_FILES},
                        {"exclude", required_argument, NULL, ARG_EXCLUDE},
                        {"on", required_argument, NULL, ARG_ON},
                        {"message", required_argument, NULL, ARG_MESSAGE},
                        {"application-hr", required_argument, NULL, ARG_APPLICATION_HR},
                        {"exit-after", required_argument, NULL, ARG_EXIT_AFTER},
                        {"stamp", required_argument, NULL, ARG_STAMP},
                        {"backup-metadata", required_argument, NULL, ARG_BACKUP_METADATA},
                        {"restore-metadata", required_argument, NULL, ARG_RESTORE_METADATA},
                        {"partial-file", required_argument, NULL, ARG_PARTIAL_FILE},
                        {"partial-metadata", required_argument, NULL, ARG_PARTIAL_METADATA},
                        {"differenced", required_argument, NULL, ARG_DIFFERENCED},
                        {"restore-target", required_argument, NULL, ARG_RESTORE_TARGET},
                        {"log", required_argument, NULL, ARG_LOG},
                        {"ready-file", required_argument, NULL, ARG_READY_FILE},
                        {"help", no_argument, NULL, 'h'},
                        {},
        };
        int c, r = 0;

        (void) vss_guid_from_string(DEFAULT_CLASS_ID, &arg_class_id);
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case ARG_SOCKET:
                        arg_socket = optarg;
                        break;
                case ARG_CLASS_ID:
                        if (vss_guid_from_string(optarg, &arg_class_id) < 0)
                                r = bad("--class-id", optarg, "not a GUID");
                        break;
                case ARG_INSTANCE_NAME:
                        arg_instance_name = optarg;
                        break;
                case ARG_WRITER_NAME:
                        arg_writer_name = optarg;
                        break;
                case ARG_USAGE:
                        if (vss_usage_type_from_string(optarg, &arg_usage) < 0)
                                r = bad("--usage", optarg, "not a VSS_USAGE_TYPE");
                        break;
                case ARG_SOURCE:
                        if (vss_source_type_from_string(optarg, &arg_source) < 0)
                                r = bad("--source", optarg, "not a VSS_SOURCE_TYPE");
                        break;
                case ARG_LEVEL:
                        if (vss_application_level_from_string(optarg, &arg_level) < 0)
                                r = bad("--level", optarg, "not a VSS_APPLICATION_LEVEL");
                        break;
                case ARG_FREEZE_TIMEOUT:
                        if (parse_u32(optarg, &arg_freeze_timeout) < 0)
                                r = bad("--freeze-timeout", optarg, "not a number of milliseconds");
                        break;
                case ARG_VERSION:
                        if (sscanf(optarg, "%" SCNu32 ".%" SCNu32, &arg_version_major,
                                   &arg_version_minor) != 2)
                                r = bad("--version", optarg, "expected MAJOR.MINOR");
                        break;
                case ARG_SUBSCRIBE:
                        if (vss_subscribe_mask_mask_from_string(optarg, &arg_subscribe) < 0)
                                r = bad("--subscribe", optarg, "not a VSS_SUBSCRIBE_MASK");
                        break;
                case ARG_SCHEMA:
                        if (vss_backup_schema_mask_from_string(optarg, &arg_schema) < 0)
                                r = bad("--schema", optarg, "not a VSS_BACKUP_SCHEMA mask");
                        break;
                case ARG_RESTORE_METHOD: {
                        char *colon = strchr(optarg, ':');
                        if (colon) {
                                *colon = 0;
                                arg_restore_service = colon + 1;
                        }
                        if (vss_restore_method_from_string(optarg, &arg_restore_method) < 0)
                                r = bad("--restore-method", optarg, "not a VSS_RESTOREMETHOD_ENUM");
                        break;
                }
                case ARG_WRITER_RESTORE:
                        if (vss_writer_restore_from_string(optarg, &arg_writer_restore) < 0 ||
                            arg_writer_restore == VSS_WRE_UNDEFINED)
                                r = bad("--writer-restore", optarg,
                                        "not never, if_replace_fails or always");
                        break;
                case ARG_COMPONENT:
                        r = parse_component(optarg);
                        break;
                case ARG_FILES:
                        r = parse_files(optarg);
                        break;
                case ARG_EXCLUDE:
                        r = parse_exclude(optarg);
                        break;
                case ARG_ON:
                        r = parse_on(optarg);
                        break;
                case ARG_MESSAGE:
                        arg_message = optarg;
                        break;
                case ARG_APPLICATION_HR: {
                        char *end = NULL;
                        long long v = strtoll(optarg, &end, 0);
                        if (!end || *end || v < INT32_MIN || v > UINT32_MAX)
                                r = bad("--application-hr", optarg, "not a 32-bit number");
                        arg_application_hr = (int32_t) (uint32_t) v;
                        break;
                }
                case ARG_EXIT_AFTER:
                        arg_exit_after = parse_event_occurrence(optarg, strlen(optarg),
                                                                &arg_exit_after_occurrence);
                        if (arg_exit_after < 0)
                                r = bad("--exit-after", optarg, "expected EVENT[@N]");
                        break;
                case ARG_STAMP:
                        arg_stamp = optarg;
                        break;
                case ARG_BACKUP_METADATA:
                        arg_backup_metadata = optarg;
                        break;
                case ARG_RESTORE_METADATA:
                        arg_restore_metadata = optarg;
                        break;
                case ARG_PARTIAL_FILE:
                        r = parse_partial(optarg);
                        break;
                case ARG_PARTIAL_METADATA:
                        arg_partial_metadata = optarg;
                        break;
                case ARG_DIFFERENCED:
                        r = parse_differenced(optarg);
                        break;
                case ARG_RESTORE_TARGET:
                        if (vss_restore_target_from_string(optarg, &arg_restore_target) < 0)
                                r = bad("--restore-target", optarg, "not a VSS_RESTORE_TARGET");
                        break;
                case ARG_LOG:
                        arg_log = optarg;
                        break;
                case ARG_READY_FILE:
                        arg_ready_file = optarg;
                        break;
                case 'h':
                        help();
                        exit(0);
                default:
                        return -EINVAL;
                }
                if (r < 0)
                        return r;
        }
        if (optind < argc)
                return bad("argument", argv[optind], "unexpected");

        if (arg_n_components == 0) {
                static char def[] = "data,selectable";
                r = parse_component(def);
        }
        return r;
}

/* ---- main --------------------------------------------------------------------------------- */

static void on_signal(int sig) {
        (void) sig;
        got_signal = 1;
        vss_writer_stop(writer); /* async-signal-safe */
}

static int write_ready_file(void) {
        char tmp[4200], id[VSS_GUID_STRING_MAX + 1];
        (void) snprintf(tmp, sizeof tmp, "%s.tmp", arg_ready_file);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        (void) vss_guid_to_string(vss_writer_get_instance_id(writer), id);
        strcat(id, "\n");
        bool ok = write(fd, id, strlen(id)) == (ssize_t) strlen(id);
        ok = close(fd) == 0 && ok;
        if (!ok || rename(tmp, arg_ready_file) < 0)
                return -EIO;
        return 0;
}

int main(int argc, char **argv) {
        int r = parse_argv(argc, argv);
        if (r < 0)
                return 2;

        if (arg_log) {
                log_fd = open(arg_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
                if (log_fd < 0) {
                        fprintf(stderr, "vss-test-writer: cannot open '%s': %s\n", arg_log,
                                strerror(errno));
                        return 1;
                }
        }

        r = vss_writer_new(&arg_class_id, arg_writer_name, arg_usage, arg_source, arg_level,
                           arg_freeze_timeout, VSS_AWS_NO_ALTERNATE_WRITER, false,
                           arg_instance_name, &ops, NULL, &writer);
        if (r >= 0)
                r = vss_writer_set_version(writer, arg_version_major, arg_version_minor);
        if (r < 0) {
                fprintf(stderr, "vss-test-writer: cannot create the writer: %s\n", vss_strerror(r));
                return 1;
        }

        struct sigaction sa = {.sa_handler = on_signal};
        (void) sigemptyset(&sa.sa_mask);
        (void) sigaction(SIGTERM, &sa, NULL);
        (void) sigaction(SIGINT, &sa, NULL);

        r = vss_writer_subscribe(writer, arg_socket, arg_subscribe);
        if (r < 0) {
                const char *why = vss_writer_get_error(writer);
                log_simple("exit", NULL, "subscribe-failed code=%s", vss_status_to_string(r) ?: strerror(-r));
                fprintf(stderr, "vss-test-writer: cannot register with vssd: %s\n",
                        why ? why : vss_strerror(r));
                vss_writer_free(writer);
                return 1;
        }
        char id[VSS_GUID_STRING_MAX];
        log_simple("subscribed", NULL, "instance=%s",
                   vss_guid_to_string(vss_writer_get_instance_id(writer), id));
        if (arg_ready_file && write_ready_file() < 0) {
                fprintf(stderr, "vss-test-writer: cannot write '%s'\n", arg_ready_file);
                vss_writer_free(writer);
                return 1;
        }

        r = vss_writer_run(writer);
        log_simple("exit", NULL, "%s", r < 0 ? vss_strerror(r) : got_signal ? "signal" : "stopped");
        vss_writer_free(writer);
        if (log_fd >= 0)
                (void) close(log_fd);
        return r < 0 ? 1 : 0;
}
