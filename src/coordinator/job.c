/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Jobs: work that may take long (snapshot providers creating and removing snapshots) runs in a
 * child process, so vssd's loop never blocks on it and can kill it at a deadline. The child
 * reports through a pipe; the parent collects the output and is told when the child ends. */

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coordinator-internal.h"
#include "log.h"

#define JOB_OUTPUT_MAX ((size_t) 16 * 1024 * 1024)
#define JOB_FD         3

static void job_timeout(Manager *m, void *userdata) {
        Job *j = userdata;
        (void) m;
        log_warning("Job %d did not finish in time; killing it.", (int) j->pid);
        (void) kill(j->pid, SIGKILL);
        j->status = -ETIMEDOUT;
}

int job_start(Manager *m,
              JobFunc func,
              void *child_userdata,
              usec_t timeout,
              JobDoneFunc done,
              void *userdata,
              Job **ret) {
        int pipefd[2];

        if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;

        pid_t ppid = getpid();
        pid_t pid = fork();
        if (pid < 0) {
                int r = -errno;
                (void) close(pipefd[0]);
                (void) close(pipefd[1]);
                return r;
        }
        if (pid == 0) {
                /* The child keeps nothing of vssd's: a child that outlives vssd must not hold
                 * its listening socket or its clients' connections. It dies with vssd. */
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (getppid() != ppid)
                        _exit(EXIT_FAILURE);
                if (dup2(pipefd[1], JOB_FD) < 0)
                        _exit(EXIT_FAILURE);
                (void) close_range(JOB_FD + 1, ~0U, 0);
                int flags = fcntl(JOB_FD, F_GETFL);
                if (flags >= 0)
                        (void) fcntl(JOB_FD, F_SETFL, flags & ~O_NONBLOCK);
                sigset_t all;
                sigemptyset(&all);
                (void) sigprocmask(SIG_SETMASK, &all, NULL);
                _exit(func(JOB_FD, child_userdata));
        }

        (void) close(pipefd[1]);
        Job *j = calloc(1, sizeof *j);
        if (!j) {
                (void) close(pipefd[0]);
                (void) kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                return -ENOMEM;
        }
        j->source = SOURCE_JOB;
        j->manager = m;
        j->pid = pid;
        j->fd = pipefd[0];
        j->output = (Buffer) BUFFER_INIT;
        j->deadline = (Deadline) DEADLINE_INIT;
        j->done = done;
        j->userdata = userdata;
        LIST_APPEND(jobs, m->jobs, j);

        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = j};
        int r = RET_NERRNO(epoll_ctl(m->epoll_fd, EPOLL_CTL_ADD, j->fd, &ev));
        if (r >= 0)
                r =
                                deadline_arm(m, &j->deadline, now_usec(CLOCK_MONOTONIC) + timeout,
                                             job_timeout, j);
        if (r < 0) {
                /* Cannot watch it: kill it and report that as its end. */
                (void) kill(pid, SIGKILL);
                j->status = r;
                j->finished = true;
        }
        log_debug("Started job %d.", (int) pid);
        if (ret)
                *ret = j;
        return 0;
}

static void job_finish(Job *j) {
        int status;

        if (j->finished)
                return;
        deadline_disarm(j->manager, &j->deadline);
        (void) epoll_ctl(j->manager->epoll_fd, EPOLL_CTL_DEL, j->fd, NULL);
        j->fd = safe_close(j->fd);

        /* The pipe closed: the child exited or is about to; wait for it. */
        while (waitpid(j->pid, &status, 0) < 0)
                if (errno != EINTR) {
                        status = W_EXITCODE(EXIT_FAILURE, 0);
                        break;
                }
        if (j->status == 0) {
                if (WIFEXITED(status))
                        j->status = WEXITSTATUS(status);
                else
                        j->status = -ECHILD; /* killed by a signal we did not send */
        }
        j->finished = true;
}

void job_process(Job *j, uint32_t events) {
        char buf[65536];

        (void) events;
        for (;;) {
                ssize_t n = read(j->fd, buf, sizeof buf);
                if (n > 0) {
                        if (j->output.size + (size_t) n > JOB_OUTPUT_MAX ||
                            buffer_append(&j->output, buf, (size_t) n) < 0) {
                                (void) kill(j->pid, SIGKILL);
                                j->status = -E2BIG;
                                job_finish(j);
                                return;
                        }
                        continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        return;
                job_finish(j); /* end of file, or a read error */
                return;
        }
}

void job_kill(Job *j) {
        if (j->finished)
                return;
        (void) kill(j->pid, SIGKILL);
        if (j->status == 0)
                j->status = -ECANCELED;
}

void job_forget(Job *j) {
        j->done = NULL;
}

static void job_free(Job *j) {
        Manager *m = j->manager;
        deadline_disarm(m, &j->deadline);
        if (j->fd >= 0)
                (void) epoll_ctl(m->epoll_fd, EPOLL_CTL_DEL, j->fd, NULL);
        j->fd = safe_close(j->fd);
        buffer_done(&j->output);
        LIST_REMOVE(jobs, m->jobs, j);
        free(j);
}

void job_reap_finished(Manager *m) {
        for (;;) {
                Job *j;
                LIST_FOREACH(jobs, j, m->jobs)
                        if (j->finished)
                                break;
                if (!j)
                        return;
                JobDoneFunc done = j->done;
                void *userdata = j->userdata;
                int status = j->status;
                Buffer out = j->output;
                j->output = (Buffer) BUFFER_INIT;
                job_free(j);
                if (done)
                        done(m, status, out.data ? out.data : "", out.size, userdata);
                buffer_done(&out);
        }
}

void job_kill_all(Manager *m) {
        while (m->jobs) {
                Job *j = m->jobs;
                if (!j->finished) {
                        (void) kill(j->pid, SIGKILL);
                        (void) waitpid(j->pid, NULL, 0);
                }
                job_free(j);
        }
}
