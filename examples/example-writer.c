/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* example-writer: a toy application that takes part in backups through libvss.
 *
 * The application appends checksummed records to DIR/records.log, one every few milliseconds.
 * As a VSS writer it declares one selectable component, "Records", holding every file of DIR;
 * it stops appending and flushes its file to disk while frozen, so that a snapshot never holds
 * half a record; and it stamps each backup with the number of the last record it contains, so
 * that the next incremental or differential backup knows where to start.
 *
 * It serves libvss from its own poll() loop next to its other work (a timer, signals), the way
 * an application with an event loop would; vss_writer_run() is the shortcut for programs that
 * have none. Copy it and change what the callbacks do.
 *
 *     example-writer [--socket PATH] [--instance-name NAME] [--interval MS] DIR
 *     example-writer --verify DIR      check every record of DIR/records.log */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <vss/vss-writer.h>
#include <vss/vss.h>

/* The writer class id: one fixed GUID for this application, whatever the machine. */
#define EXAMPLE_CLASS_ID "{4D9C6E3A-2B1F-4C8E-9A7D-6F5E4D3C2B1A}"
#define COMPONENT        "Records"
#define DATA_FILE        "records.log"

typedef struct App {
        char dir[4096];
        int data_fd;
        uint64_t next_seq; /* the number of the next record */
        bool frozen;
        vss_writer *writer;
} App;

/* ---- The application's own work ---------------------------------------------------------- */

/* FNV-1a: a checksum that needs no library. */
static uint32_t checksum(const char *s, size_t n) {
        uint32_t h = 2166136261U;
        for (size_t i = 0; i < n; i++) {
                h ^= (uint8_t) s[i];
                h *= 16777619U;
        }
        return h;
}

/* A record is one line: "<seq> <checksum of the payload, hex> <payload>". */
static int append_record(App *app) {
        char payload[128], line[192];
        struct timespec ts;

        (void) clock_gettime(CLOCK_REALTIME, &ts);
        int n = snprintf(
                        payload, sizeof payload, "record %" PRIu64 " written at %lld.%09ld",
                        app->next_seq, (long long) ts.tv_sec, ts.tv_nsec);
        int len =
                        snprintf(line, sizeof line, "%" PRIu64 " %08x %s\n", app->next_seq,
                                 (unsigned) checksum(payload, (size_t) n), payload);
        if (write(app->data_fd, line, (size_t) len) != len)
                return -errno;
        app->next_seq++;
        return 0;
}

/* Parses one record; returns its number, or -1 if the line is not a whole, valid record. */
static int64_t parse_record(const char *line) {
        char *end = NULL;
        size_t len = strlen(line);

        if (len == 0 || line[len - 1] != '\n')
                return -1; /* cut short */
        errno = 0;
        unsigned long long seq = strtoull(line, &end, 10);
        if (errno != 0 || end == line || *end != ' ' || seq > INT64_MAX)
                return -1;
        const char *sum_text = end + 1;
        unsigned long sum = strtoul(sum_text, &end, 16);
        if (errno != 0 || end != sum_text + 8 || *end != ' ')
                return -1;
        const char *payload = end + 1;
        if (checksum(payload, (size_t) (line + len - 1 - payload)) != sum)
                return -1;
        return (int64_t) seq;
}

/* Reads the file back: every record must be whole, carry the next number and match its
 * checksum. */
static int verify(const char *dir, uint64_t *ret_count) {
        char path[4200], line[256];
        uint64_t expected = 0;

        (void) snprintf(path, sizeof path, "%s/%s", dir, DATA_FILE);
        FILE *f = fopen(path, "re");
        if (!f)
                return -errno;
        int r = 0;
        while (fgets(line, sizeof line, f)) {
                if (parse_record(line) != (int64_t) expected) {
                        fprintf(stderr, "example-writer: record %" PRIu64 " of '%s' is damaged\n",
                                expected, path);
                        r = -EBADMSG;
                        break;
                }
                expected++;
        }
        (void) fclose(f);
        *ret_count = expected;
        return r;
}

/* ---- The writer callbacks ---------------------------------------------------------------- */

/* What the application's data is, and how to restore it. Called at any time; must only
 * describe, never change anything. */
static int on_identify(vss_writer *w, vss_wmd *wmd, void *userdata) {
        App *app = userdata;
        int r;
        (void) w;

        /* Restoring means putting the files back while the application is not writing them. */
        r = vss_wmd_set_restore_method(
                        wmd, VSS_RME_RESTORE_IF_CAN_REPLACE, NULL, NULL, VSS_WRE_NEVER, false);
        if (r < 0)
                return r;
        /* Full backups always; incremental and differential ones through backup stamps. */
        r = vss_wmd_set_backup_schema(
                        wmd, VSS_BS_INCREMENTAL | VSS_BS_DIFFERENTIAL | VSS_BS_TIMESTAMPED);
        if (r < 0)
                return r;
        r = vss_wmd_add_component(
                        wmd, VSS_CT_FILEGROUP, NULL, COMPONENT,
                        "Records of the example application", NULL, 0,
                        /* restore_metadata */ false, /* notify_on_backup_complete */ true,
                        /* selectable */ true, /* selectable_for_restore */ false, 0);
        if (r < 0)
                return r;
        return vss_wmd_add_files_to_file_group(
                        wmd, NULL, COMPONENT, app->dir, "*", false, NULL, VSS_FSBT_DEFAULT);
}

/* The backup is about to start: say which records it will hold. */
static int on_prepare_backup(vss_writer *w, vss_bcd_writer *components, void *userdata) {
        App *app = userdata;
        char stamp[64];

        vss_bcd_component *c = vss_bcd_writer_find_component(components, "", COMPONENT);
        if (!c)
                return 0; /* the requester did not select our data */

        const char *previous = vss_bcd_component_get_previous_backup_stamp(c);
        printf("prepare-backup: %s backup, previous stamp %s\n",
               vss_backup_type_to_string(vss_writer_get_backup_type(w)),
               previous ? previous : "(none)");

        /* The snapshot comes later, so the stamp is a lower bound; a real application would
         * refine it in post_snapshot. */
        (void) snprintf(stamp, sizeof stamp, "records-before=%" PRIu64, app->next_seq);
        int r = vss_bcd_component_set_backup_stamp(c, stamp);
        if (r < 0) {
                (void) vss_writer_set_failure(
                                w, -VSS_E_WRITERERROR_OUTOFRESOURCES, 0, "cannot store the stamp");
                return r;
        }
        return 0;
}

/* Freeze: from now until thaw, the files on disk must not change. Stop appending and make what
 * was written durable, so the snapshot holds whole records only. */
static int on_freeze(vss_writer *w, void *userdata) {
        App *app = userdata;

        app->frozen = true;
        if (fsync(app->data_fd) < 0) {
                int r = -errno;
                /* Veto: a snapshot now would not be consistent. Retrying later may work. */
                (void) vss_writer_set_failure(
                                w, -VSS_E_WRITERERROR_RETRYABLE, r,
                                "cannot flush the records to disk");
                app->frozen = false;
                return -VSS_E_WRITERERROR_RETRYABLE;
        }
        printf("freeze: stopped at record %" PRIu64 "\n", app->next_seq);
        return 0;
}

static int on_thaw(vss_writer *w, void *userdata) {
        App *app = userdata;
        (void) w;
        app->frozen = false;
        printf("thaw: resuming at record %" PRIu64 "\n", app->next_seq);
        return 0;
}

/* The backup was given up (or vssd went away): undo freeze. May come at any time. */
static int on_abort(vss_writer *w, void *userdata) {
        App *app = userdata;
        (void) w;
        if (app->frozen)
                printf("abort: resuming at record %" PRIu64 "\n", app->next_seq);
        app->frozen = false;
        return 0;
}

static int on_backup_complete(vss_writer *w, const vss_bcd_writer *components, void *userdata) {
        const vss_bcd_component *c = vss_bcd_writer_find_component(components, "", COMPONENT);
        (void) w;
        (void) userdata;
        if (c)
                printf("backup-complete: the records were %sbacked up\n",
                       vss_bcd_component_get_backup_succeeded(c) ? "" : "NOT ");
        return 0;
}

static const vss_writer_ops example_ops = {
                .identify = on_identify,
                .prepare_backup = on_prepare_backup,
                .freeze = on_freeze,
                .thaw = on_thaw,
                .abort = on_abort,
                .backup_complete = on_backup_complete,
};

/* ---- main: the application's loop --------------------------------------------------------- */

static int run(App *app, const char *socket_path, const char *instance_name, unsigned interval_ms) {
        char path[4200];
        vss_guid class_id;
        sigset_t mask;
        int r;

        (void) snprintf(path, sizeof path, "%s/%s", app->dir, DATA_FILE);
        app->data_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (app->data_fd < 0) {
                fprintf(stderr, "example-writer: cannot open '%s': %s\n", path, strerror(errno));
                return 1;
        }
        uint64_t existing = 0;
        if (verify(app->dir, &existing) < 0)
                return 1;
        app->next_seq = existing;

        /* The writer: who we are, and what we do on each event. */
        (void) vss_guid_from_string(EXAMPLE_CLASS_ID, &class_id);
        r = vss_writer_new(
                        &class_id, "Example Writer", VSS_UT_USERDATA, VSS_ST_NONTRANSACTEDDB,
                        VSS_APP_FRONT_END, VSS_FREEZE_TIMEOUT_DEFAULT, VSS_AWS_NO_ALTERNATE_WRITER,
                        false, instance_name, &example_ops, app, &app->writer);
        if (r < 0) {
                fprintf(stderr, "example-writer: cannot create the writer: %s\n", vss_strerror(r));
                return 1;
        }
        r = vss_writer_subscribe(app->writer, socket_path, 0);
        if (r < 0) {
                const char *why = vss_writer_get_error(app->writer);
                fprintf(stderr, "example-writer: cannot register with vssd: %s\n",
                        why ? why : vss_strerror(r));
                return 1;
        }
        char id[VSS_GUID_STRING_MAX];
        printf("registered as instance %s; writing records to '%s'\n",
               vss_guid_to_string(vss_writer_get_instance_id(app->writer), id), path);

        /* The application's other event sources: a timer for its work, signals to stop. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return 1;
        int signal_fd = signalfd(-1, &mask, SFD_CLOEXEC);
        int timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
        struct itimerspec its = {
                        .it_value = {.tv_nsec = (long) interval_ms * 1000000L},
                        .it_interval = {.tv_nsec = (long) interval_ms * 1000000L},
        };
        if (signal_fd < 0 || timer_fd < 0 || timerfd_settime(timer_fd, 0, &its, NULL) < 0) {
                fprintf(stderr, "example-writer: %s\n", strerror(errno));
                return 1;
        }

        for (;;) {
                /* The writer's fd is stable: it covers events from vssd, pending output and
                 * reconnections after vssd restarts. */
                struct pollfd p[3] = {
                                {.fd = vss_writer_get_fd(app->writer),
                                 .events = (short) vss_writer_get_events(app->writer)},
                                {.fd = timer_fd, .events = POLLIN},
                                {.fd = signal_fd, .events = POLLIN},
                };
                if (poll(p, 3, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        fprintf(stderr, "example-writer: poll: %s\n", strerror(errno));
                        return 1;
                }
                if (p[0].revents) {
                        r = vss_writer_process(app->writer);
                        if (r < 0) {
                                fprintf(stderr, "example-writer: %s\n", vss_strerror(r));
                                return 1;
                        }
                }
                if (p[1].revents) {
                        uint64_t ticks;
                        if (read(timer_fd, &ticks, sizeof ticks) > 0 && !app->frozen) {
                                r = append_record(app);
                                if (r < 0) {
                                        fprintf(stderr, "example-writer: cannot append: %s\n",
                                                strerror(-r));
                                        return 1;
                                }
                        }
                }
                if (p[2].revents)
                        break;
        }

        printf("stopping after %" PRIu64 " records\n", app->next_seq);
        (void) close(timer_fd);
        (void) close(signal_fd);
        return 0;
}

int main(int argc, char **argv) {
        static const struct option options[] = {
                        {"socket", required_argument, NULL, 's'},
                        {"instance-name", required_argument, NULL, 'n'},
                        {"interval", required_argument, NULL, 'i'},
                        {"verify", no_argument, NULL, 'v'},
                        {"help", no_argument, NULL, 'h'},
                        {},
        };
        const char *socket_path = NULL, *instance_name = NULL;
        unsigned interval_ms = 20;
        bool verify_only = false;
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 's':
                        socket_path = optarg;
                        break;
                case 'n':
                        instance_name = optarg;
                        break;
                case 'i': {
                        char *end = NULL;
                        unsigned long v = strtoul(optarg, &end, 10);
                        if (!end || *end || v < 1 || v > 999) {
                                fprintf(stderr, "example-writer: --interval takes 1 … 999 ms\n");
                                return 2;
                        }
                        interval_ms = (unsigned) v;
                        break;
                }
                case 'v':
                        verify_only = true;
                        break;
                case 'h':
                        printf("Usage: example-writer [--socket PATH] [--instance-name NAME] "
                               "[--interval MS] DIR\n"
                               "       example-writer --verify DIR\n");
                        return 0;
                default:
                        return 2;
                }
        if (optind != argc - 1) {
                fprintf(stderr, "example-writer: expected one directory\n");
                return 2;
        }

        static App app = {.data_fd = -1};
        if (!realpath(argv[optind], app.dir)) {
                fprintf(stderr, "example-writer: '%s': %s\n", argv[optind], strerror(errno));
                return 1;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);

        if (verify_only) {
                uint64_t count = 0;
                int r = verify(app.dir, &count);
                if (r < 0 && r != -EBADMSG)
                        fprintf(stderr, "example-writer: cannot read '%s/%s': %s\n", app.dir,
                                DATA_FILE, strerror(-r));
                else if (r == 0)
                        printf("%" PRIu64 " records, all valid\n", count);
                return r < 0 ? 1 : 0;
        }

        int status = run(&app, socket_path, instance_name, interval_ms);
        app.writer = vss_writer_free(app.writer);
        if (app.data_fd >= 0)
                (void) close(app.data_fd);
        return status;
}
