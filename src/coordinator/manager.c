/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The manager: the listening socket, the epoll loop with its timerfd and signalfd, and the
 * orderly stop that leaves no writer frozen. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "config.h"
#include "coordinator-internal.h"
#include "log.h"

char manager_tag_listen, manager_tag_timer, manager_tag_signal;

/* How long a stop may wait for sessions to abort their writers. */
#define STOP_TIMEOUT_USEC (15 * USEC_PER_SEC)

int manager_update_epoll(Manager *m, Connection *c, bool want_out) {
        struct epoll_event ev = {.events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.ptr = c};

        if (epoll_ctl(m->epoll_fd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
                return -errno;
        c->epollout = want_out;
        return 0;
}

/* How long accepting pauses after accept() failed, and how often that is logged. */
#define ACCEPT_PAUSE_USEC         (100 * USEC_PER_MSEC)
#define ACCEPT_WARN_INTERVAL_USEC (10 * USEC_PER_SEC)

static void resume_accept(Manager *m, void *userdata) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &manager_tag_listen};

        (void) userdata;
        if (epoll_ctl(m->epoll_fd, EPOLL_CTL_MOD, m->listen_fd, &ev) < 0)
                log_error_errno(errno, "Failed to watch the listening socket again: %m");
}

void manager_pause_accept(Manager *m, int error) {
        struct epoll_event ev = {.events = 0, .data.ptr = &manager_tag_listen};
        usec_t now = now_usec(CLOCK_MONOTONIC);

        if (deadline_is_armed(&m->accept_deadline))
                return;
        if (m->accept_warned == 0 || now - m->accept_warned >= ACCEPT_WARN_INTERVAL_USEC) {
                log_warning("Failed to accept a connection (%u open): %s; pausing for %llu ms.",
                            m->n_connections, vss_strerror(error),
                            (unsigned long long) (ACCEPT_PAUSE_USEC / USEC_PER_MSEC));
                m->accept_warned = now;
        }
        if (epoll_ctl(m->epoll_fd, EPOLL_CTL_MOD, m->listen_fd, &ev) < 0 ||
            deadline_arm(m, &m->accept_deadline, now + ACCEPT_PAUSE_USEC, resume_accept, NULL) < 0)
                resume_accept(m, NULL); /* cannot pause: stay as we were */
}

/* Connections are descriptors: make room for CONNECTIONS_MAX of them (docs/PROTOCOL.md §3.4)
 * and a few of our own, as far as the hard limit allows. */
static void raise_file_limit(void) {
        struct rlimit rl;
        rlim_t want = CONNECTIONS_MAX + 64;

        if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
                return;
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
                log_debug("Failed to raise the file descriptor limit: %s", vss_strerror(-errno));
        if (rl.rlim_cur < want)
                log_notice("At most %llu file descriptors: fewer than %u connections can be "
                           "served.",
                           (unsigned long long) rl.rlim_cur, CONNECTIONS_MAX);
}

static int watch(Manager *m, int fd, void *tag) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = tag};
        return RET_NERRNO(epoll_ctl(m->epoll_fd, EPOLL_CTL_ADD, fd, &ev));
}

/* Creates the parent directory of the socket (0755) if missing. 'path' fits a sun_path. */
static int make_parent(const char *path) {
        char dir[sizeof(((struct sockaddr_un *) NULL)->sun_path)];

        (void) snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
                return 0;
        *slash = 0;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static int listen_on(Manager *m, const char *path) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};

        size_t len = strlen(path);
        if (len >= sizeof sa.sun_path)
                return log_error_errno(ENAMETOOLONG, "Socket path '%s' is too long.", path);
        memcpy(sa.sun_path, path, len + 1);

        int r = make_parent(path);
        if (r < 0)
                return log_error_errno(r, "Failed to create the directory of '%s': %m", path);

        vss_autoclose int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create a socket: %m");

        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                if (errno != EADDRINUSE)
                        return log_error_errno(errno, "Failed to bind '%s': %m", path);

                /* A stale socket of a vssd that died, or a live one? Ask it. */
                vss_autoclose int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (probe >= 0 && connect(probe, (struct sockaddr *) &sa, sizeof sa) == 0)
                        return log_error_errno(
                                        EADDRINUSE, "Another vssd is already listening on '%s'.",
                                        path);
                struct stat st;
                if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
                        return log_error_errno(
                                        EEXIST, "'%s' exists and is not a socket; not touching it.",
                                        path);
                (void) unlink(path);
                if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                        return log_error_errno(errno, "Failed to bind '%s': %m", path);
        }
        /* Everyone may connect; who may do what is decided from the peer's credentials. */
        if (chmod(path, 0666) < 0 || listen(fd, 128) < 0) {
                r = -errno;
                (void) unlink(path);
                return log_error_errno(r, "Failed to listen on '%s': %m", path);
        }

        m->socket_path = strdup(path);
        if (!m->socket_path) {
                (void) unlink(path);
                return log_oom();
        }
        m->listen_fd = TAKE_FD(fd);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;

        session_free_all(m);
        job_kill_all(m);
        while (m->shadows)
                shadow_forget(m, m->shadows);
        while (m->connections)
                connection_close(m->connections);
        assert(!m->writers);

        deadline_heap_done(m);
        m->epoll_fd = safe_close(m->epoll_fd);
        m->signal_fd = safe_close(m->signal_fd);
        m->listen_fd = safe_close(m->listen_fd);
        if (m->socket_path)
                (void) unlink(m->socket_path);
        free(m->socket_path);
        free(m->registry_path);
        free(m->state_dir);
        free(m->requester_group);
        free(m);
        return NULL;
}

int manager_new(const ManagerConfig *config, Manager **ret) {
        int r;

        Manager *m = calloc(1, sizeof *m);
        if (!m)
                return log_oom();
        m->epoll_fd = m->listen_fd = m->timer_fd = m->signal_fd = -EBADF;
        m->stop_deadline = (Deadline) DEADLINE_INIT;
        m->accept_deadline = (Deadline) DEADLINE_INIT;

        m->requester_group = strdup(config->requester_group ? config->requester_group : "vss");
        m->registry_path = config->registry_path ? strdup(config->registry_path) : NULL;
        const char *state = config->state_dir ? config->state_dir : getenv("VSS_STATE_DIR");
        m->state_dir = strdup(state && *state ? state : VSS_STATE_DIR);
        if (!m->requester_group || (config->registry_path && !m->registry_path) || !m->state_dir) {
                manager_free(m);
                return log_oom();
        }

        settings_load(&m->settings, m->registry_path);
        raise_file_limit();

        m->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (m->epoll_fd < 0) {
                r = log_error_errno(errno, "Failed to create the epoll instance: %m");
                goto fail;
        }
        r = deadline_heap_init(m);
        if (r < 0) {
                log_error_errno(r, "Failed to create the timer: %m");
                goto fail;
        }

        sigset_t mask;
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
                r = log_error_errno(errno, "Failed to block signals: %m");
                goto fail;
        }
        m->signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
        if (m->signal_fd < 0) {
                r = log_error_errno(errno, "Failed to create the signalfd: %m");
                goto fail;
        }
        (void) signal(SIGPIPE, SIG_IGN);

        if (config->listen_fd >= 0)
                m->listen_fd = config->listen_fd;
        else {
                r = listen_on(m, config->socket_path ? config->socket_path : proto_socket_path());
                if (r < 0)
                        goto fail;
        }

        if ((r = watch(m, m->listen_fd, &manager_tag_listen)) < 0 ||
            (r = watch(m, m->timer_fd, &manager_tag_timer)) < 0 ||
            (r = watch(m, m->signal_fd, &manager_tag_signal)) < 0) {
                log_error_errno(r, "Failed to watch the daemon's descriptors: %m");
                goto fail;
        }

        r = shadow_store_load(m);
        if (r < 0)
                goto fail;

        *ret = m;
        return 0;

fail:
        manager_free(m);
        return r;
}

static void stop_timeout(Manager *m, void *userdata) {
        (void) userdata;
        log_warning("Sessions did not end in time; stopping anyway.");
        session_free_all(m);
}

static void manager_stop(Manager *m) {
        if (m->stopping)
                return;
        m->stopping = true;
        log_info("Stopping: aborting running sessions so that no writer stays frozen.");

        deadline_disarm(m, &m->accept_deadline);
        (void) epoll_ctl(m->epoll_fd, EPOLL_CTL_DEL, m->listen_fd, NULL);
        session_abort_all(m);

        if (m->sessions)
                (void) deadline_arm(
                                m, &m->stop_deadline, now_usec(CLOCK_MONOTONIC) + STOP_TIMEOUT_USEC,
                                stop_timeout, NULL);
}

static void handle_signal(Manager *m) {
        struct signalfd_siginfo si;

        while (read(m->signal_fd, &si, sizeof si) == (ssize_t) sizeof si) {
                if (si.ssi_signo == SIGHUP) {
                        log_info("Reloading the deadlines from the registry.");
                        settings_load(&m->settings, m->registry_path);
                } else
                        manager_stop(m);
        }
}

int manager_run(Manager *m) {
        struct epoll_event events[64];

        log_info("vssd " PACKAGE_VERSION " is ready on '%s'.",
                 m->socket_path ? m->socket_path : "an inherited socket");

        while (!m->stopping || m->sessions) {
                int n = epoll_wait(m->epoll_fd, events, (int) ELEMENTSOF(events), -1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(errno, "Failed to wait for events: %m");
                }

                for (int i = 0; i < n; i++) {
                        void *tag = events[i].data.ptr;
                        if (tag == &manager_tag_listen)
                                (void) connection_accept(m);
                        else if (tag == &manager_tag_timer)
                                (void) deadline_dispatch(m);
                        else if (tag == &manager_tag_signal)
                                handle_signal(m);
                        else if (*(SourceKind *) tag == SOURCE_JOB)
                                job_process(tag, events[i].events);
                        else
                                connection_process(tag, events[i].events);
                }
                /* After the batch: closing a connection frees it, and a later entry of this batch
                 * may belong to it. Closed connections' epoll entries are gone with their fd. */
                connection_close_marked(m);
                job_reap_finished(m);
        }
        return 0;
}
