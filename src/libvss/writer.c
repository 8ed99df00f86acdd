/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The writer runtime's public lifecycle and loop API (include/vss/vss-writer.h): creating and
 * freeing a writer, subscribing, and serving events from the application's loop or our own. */

#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

#include "log.h"
#include "utf8.h"
#include "writer-internal.h"

static const char *const writer_state_table[WRITER_STATE_MAX] = {
                [WRITER_UNSUBSCRIBED] = "unsubscribed",
                [WRITER_DISCONNECTED] = "disconnected",
                [WRITER_HELLO] = "hello",
                [WRITER_REGISTERING] = "registering",
                [WRITER_READY] = "ready",
};

const char *writer_state_to_string(WriterState s) {
        return s >= 0 && s < WRITER_STATE_MAX ? writer_state_table[s] : NULL;
}

void writer_set_error(vss_writer *w, const char *format, ...) {
        char text[1024];
        va_list ap;

        va_start(ap, format);
        (void) vsnprintf(text, sizeof text, format, ap);
        va_end(ap);
        free(w->error);
        w->error = strdup(text);
}

/* A name of vss_writer_new(): valid UTF-8, 'min' … WRITER_NAME_MAX bytes. */
static bool name_is_valid(const char *s, size_t min) {
        if (!s)
                return min == 0;
        size_t n = strnlen(s, WRITER_NAME_MAX + 1);
        return n >= min && n <= WRITER_NAME_MAX && utf8_is_valid(s);
}

VSS_PUBLIC int
vss_writer_new(const vss_guid *writer_id,
               const char *writer_name,
               VSS_USAGE_TYPE usage_type,
               VSS_SOURCE_TYPE source_type,
               VSS_APPLICATION_LEVEL level,
               uint32_t freeze_timeout_ms,
               VSS_ALTERNATE_WRITER_STATE alternate_state,
               bool io_throttling_only,
               const char *instance_name,
               const vss_writer_ops *ops,
               void *userdata,
               vss_writer **ret) {
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(writer_id && !vss_guid_is_null(writer_id), -EINVAL);
        vss_assert_return(name_is_valid(writer_name, 1), -EINVAL);
        vss_assert_return(name_is_valid(instance_name, 0), -EINVAL);
        vss_assert_return(
                        usage_type != VSS_UT_UNDEFINED && vss_usage_type_to_string(usage_type),
                        -EINVAL);
        vss_assert_return(vss_source_type_to_string(source_type), -EINVAL);
        vss_assert_return(
                        level != VSS_APP_UNKNOWN && vss_application_level_to_string(level),
                        -EINVAL);
        vss_assert_return(
                        freeze_timeout_ms >= 1 && freeze_timeout_ms <= WRITER_FREEZE_TIMEOUT_MAX_MS,
                        -EINVAL);
        vss_assert_return(alternate_state == VSS_AWS_NO_ALTERNATE_WRITER, -EINVAL);
        vss_assert_return(!io_throttling_only, -EINVAL);
        vss_assert_return(ops && ops->identify, -EINVAL);

        vss_writer *w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->epoll_fd = w->timer_fd = w->stop_fd = w->fd = -EBADF;
        w->reader = (ProtoReader) PROTO_READER_INIT;
        w->out = (ProtoWriter) PROTO_WRITER_INIT;
        w->state = WRITER_UNSUBSCRIBED;
        w->current.event = PROTO_EVENT_INVALID;
        w->reconnect_delay = WRITER_RECONNECT_MIN_USEC;
        atomic_init(&w->stop_requested, false);
        w->class_id = *writer_id;
        w->usage_type = usage_type;
        w->source_type = source_type;
        w->level = level;
        w->freeze_timeout_ms = freeze_timeout_ms;
        w->ops = ops;
        w->userdata = userdata;

        int r = -ENOMEM;
        w->writer_name = strdup(writer_name);
        if (!w->writer_name)
                goto fail;
        if (instance_name && *instance_name) {
                w->instance_name = strdup(instance_name);
                if (!w->instance_name)
                        goto fail;
        }

        w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (w->epoll_fd < 0)
                goto fail_errno;
        w->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (w->timer_fd < 0)
                goto fail_errno;
        w->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (w->stop_fd < 0)
                goto fail_errno;
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = w->timer_fd};
        if (epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, w->timer_fd, &ev) < 0)
                goto fail_errno;

        *ret = w;
        return 0;

fail_errno:
        r = -errno;
fail:
        vss_writer_free(w);
        return r;
}

VSS_PUBLIC vss_writer *vss_writer_free(vss_writer *w) {
        if (!w)
                return NULL;
        if (w->in_callback) {
                log_debug("vss_writer_free() called from a callback of writer '%s'; ignored.",
                          w->writer_name);
                return NULL;
        }

        (void) vss_writer_unsubscribe(w);
        w->epoll_fd = safe_close(w->epoll_fd);
        w->timer_fd = safe_close(w->timer_fd);
        w->stop_fd = safe_close(w->stop_fd);
        free(w->socket_path);
        free(w->error);
        free(w->writer_name);
        free(w->instance_name);
        free(w);
        return NULL;
}

VSS_PUBLIC int vss_writer_set_version(vss_writer *w, uint32_t major, uint32_t minor) {
        vss_assert_return(w, -EINVAL);
        if (w->state != WRITER_UNSUBSCRIBED)
                return -VSS_E_BAD_STATE;
        w->version_major = major;
        w->version_minor = minor;
        return 0;
}

/* The subscribe masks vss.h names: any combination of the four flags, or VSS_SM_ALL_FLAGS. */
static bool subscribe_mask_is_valid(uint32_t mask) {
        const uint32_t known = VSS_SM_POST_SNAPSHOT_FLAG | VSS_SM_BACKUP_EVENTS_FLAG |
                               VSS_SM_RESTORE_EVENTS_FLAG | VSS_SM_IO_THROTTLING_FLAG;
        return mask == UINT32_MAX || (mask & ~known) == 0;
}

/* Subscribes over an already connected socket (tests) or by connecting (fd < 0). */
static int
writer_subscribe_internal(vss_writer *w, int fd, const char *socket_path, uint32_t mask) {
        if (w->in_callback) {
                (void) safe_close(fd);
                return -EBUSY;
        }
        if (w->state != WRITER_UNSUBSCRIBED) {
                (void) safe_close(fd);
                return -EALREADY;
        }
        if (!subscribe_mask_is_valid(mask)) {
                (void) safe_close(fd);
                return -EINVAL;
        }

        const char *path = socket_path ? socket_path : proto_socket_path();
        char *copy = strdup(path);
        if (!copy) {
                (void) safe_close(fd);
                return -ENOMEM;
        }
        free(w->socket_path);
        w->socket_path = copy;
        w->subscribe_mask = mask ? mask : (VSS_SM_BACKUP_EVENTS_FLAG | VSS_SM_RESTORE_EVENTS_FLAG);
        w->error = mfree(w->error);

        usec_t deadline = now_usec(CLOCK_MONOTONIC) + WRITER_SUBSCRIBE_TIMEOUT_USEC;
        int r = fd >= 0 ? writer_connection_adopt(w, fd, WRITER_SUBSCRIBE_TIMEOUT_USEC)
                        : writer_connection_start(w, WRITER_SUBSCRIBE_TIMEOUT_USEC);
        if (r < 0)
                return r;

        /* The handshake runs through the same code as reconnections, with failures ending it
         * instead of scheduling a retry; writer_connection_process() enforces the deadline. */
        w->subscribing = true;
        w->subscribe_result = 0;
        while (w->state == WRITER_HELLO || w->state == WRITER_REGISTERING) {
                usec_t now = now_usec(CLOCK_MONOTONIC);
                int timeout_ms = now >= deadline ? 0 : (int) ((deadline - now + 999) / 1000);
                struct pollfd p = {.fd = w->epoll_fd, .events = POLLIN};
                if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR) {
                        r = -errno;
                        writer_connection_close(w, false, r, "Failed to wait for vssd");
                        w->subscribe_result = r;
                        break;
                }
                (void) writer_connection_process(w);
        }
        w->subscribing = false;

        if (w->state != WRITER_READY) {
                assert(w->state == WRITER_UNSUBSCRIBED);
                return w->subscribe_result < 0 ? w->subscribe_result : -EPROTO;
        }
        writer_connection_update_timer(w); /* events that came with the answer are due now */
        return 0;
}

VSS_PUBLIC int
vss_writer_subscribe(vss_writer *w, const char *socket_path, uint32_t subscribe_mask) {
        vss_assert_return(w, -EINVAL);
        return writer_subscribe_internal(w, -EBADF, socket_path, subscribe_mask);
}

int writer_subscribe_fd(vss_writer *w, int fd, const char *reconnect_path, uint32_t mask) {
        assert(w);
        assert(fd >= 0);
        return writer_subscribe_internal(w, fd, reconnect_path, mask);
}

VSS_PUBLIC int vss_writer_unsubscribe(vss_writer *w) {
        vss_assert_return(w, -EINVAL);
        if (w->in_callback)
                return -EBUSY;
        if (w->state == WRITER_UNSUBSCRIBED)
                return 0;
        writer_connection_close(w, false, 0, NULL);
        return 0;
}

VSS_PUBLIC int vss_writer_get_fd(const vss_writer *w) {
        vss_assert_return(w, -EINVAL);
        return w->epoll_fd;
}

VSS_PUBLIC int vss_writer_get_events(const vss_writer *w) {
        vss_assert_return(w, -EINVAL);
        return POLLIN;
}

VSS_PUBLIC int vss_writer_get_timeout(const vss_writer *w, uint64_t *ret_usec) {
        vss_assert_return(w, -EINVAL);
        vss_assert_return(ret_usec, -EINVAL);
        *ret_usec = writer_connection_next_wakeup(w);
        return 0;
}

VSS_PUBLIC int vss_writer_process(vss_writer *w) {
        vss_assert_return(w, -EINVAL);
        if (w->in_callback)
                return -EBUSY;
        if (w->state == WRITER_UNSUBSCRIBED)
                return -ENOTCONN;
        return writer_connection_process(w);
}

static void stop_drain(vss_writer *w) {
        uint64_t n;
        while (read(w->stop_fd, &n, sizeof n) == (ssize_t) sizeof n)
                ;
}

static int writer_run_loop(vss_writer *w) {
        for (;;) {
                if (atomic_exchange(&w->stop_requested, false)) {
                        stop_drain(w);
                        return 0;
                }
                if (w->state == WRITER_UNSUBSCRIBED)
                        return -ENOTCONN;

                int r = writer_connection_process(w);
                if (r > 0)
                        continue; /* look again before sleeping: the stop flag, new input */

                usec_t when = writer_connection_next_wakeup(w);
                int timeout_ms = -1;
                if (when != USEC_INFINITY) {
                        usec_t now = now_usec(CLOCK_MONOTONIC);
                        timeout_ms = when <= now ? 0
                                                 : (int) MIN((when - now + 999) / 1000,
                                                             (usec_t) INT32_MAX);
                }
                struct pollfd p[2] = {
                                {.fd = w->epoll_fd, .events = POLLIN},
                                {.fd = w->stop_fd, .events = POLLIN},
                };
                if (poll(p, ELEMENTSOF(p), timeout_ms) < 0 && errno != EINTR)
                        return -errno;
        }
}

VSS_PUBLIC int vss_writer_run(vss_writer *w) {
        vss_assert_return(w, -EINVAL);
        if (w->in_callback)
                return -EBUSY;

        w->running = true;
        int r = writer_run_loop(w);
        w->running = false;
        return r;
}

VSS_PUBLIC void vss_writer_stop(vss_writer *w) {
        if (!w)
                return;
        /* Only async-signal-safe calls here; keep errno for an interrupted caller. */
        int saved = errno;
        uint64_t one = 1;
        atomic_store(&w->stop_requested, true);
        ssize_t n = write(w->stop_fd, &one, sizeof one);
        (void) n; /* a full counter already wakes run() */
        errno = saved;
}

VSS_PUBLIC const char *vss_writer_get_error(const vss_writer *w) {
        return w ? w->error : NULL;
}

VSS_PUBLIC const vss_guid *vss_writer_get_class_id(const vss_writer *w) {
        return w ? &w->class_id : NULL;
}

VSS_PUBLIC const vss_guid *vss_writer_get_instance_id(const vss_writer *w) {
        return w ? &w->instance_id : NULL;
}

VSS_PUBLIC const char *vss_writer_get_instance_name(const vss_writer *w) {
        return w ? w->instance_name : NULL;
}

VSS_PUBLIC const char *vss_writer_get_writer_name(const vss_writer *w) {
        return w ? w->writer_name : NULL;
}
