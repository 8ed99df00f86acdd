/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Deadlines: a binary min-heap ordered by time, with one timerfd armed for the earliest. Every
 * wait of vssd (event replies, freeze windows, hello) is one of these. */

#include <stdlib.h>
#include <sys/timerfd.h>

#include "coordinator-internal.h"
#include "log.h"

static void heap_swap(Manager *m, size_t a, size_t b) {
        Deadline *t = m->heap[a];
        m->heap[a] = m->heap[b];
        m->heap[b] = t;
        m->heap[a]->index = a;
        m->heap[b]->index = b;
}

static void heap_up(Manager *m, size_t i) {
        while (i > 0) {
                size_t parent = (i - 1) / 2;
                if (m->heap[parent]->when <= m->heap[i]->when)
                        break;
                heap_swap(m, i, parent);
                i = parent;
        }
}

static void heap_down(Manager *m, size_t i) {
        for (;;) {
                size_t l = 2 * i + 1, r = l + 1, min = i;
                if (l < m->heap_size && m->heap[l]->when < m->heap[min]->when)
                        min = l;
                if (r < m->heap_size && m->heap[r]->when < m->heap[min]->when)
                        min = r;
                if (min == i)
                        break;
                heap_swap(m, i, min);
                i = min;
        }
}

/* Arms the timerfd for the earliest deadline, or disarms it when there is none. */
static int timer_rearm(Manager *m) {
        struct itimerspec its = {};

        if (m->heap_size > 0) {
                usec_t when = m->heap[0]->when;
                if (when == 0)
                        when = 1; /* 0 would disarm */
                (void) timespec_from_usec(&its.it_value, when);
        }
        return RET_NERRNO(timerfd_settime(m->timer_fd, TFD_TIMER_ABSTIME, &its, NULL));
}

bool deadline_is_armed(const Deadline *d) {
        return d->index != SIZE_MAX;
}

int deadline_arm(Manager *m, Deadline *d, usec_t when, DeadlineFunc func, void *userdata) {
        assert(func);

        deadline_disarm(m, d);

        if (m->heap_size == m->heap_allocated) {
                size_t n = MAX(m->heap_allocated * 2, (size_t) 64);
                Deadline **h = realloc(m->heap, n * sizeof(Deadline *));
                if (!h)
                        return -ENOMEM;
                m->heap = h;
                m->heap_allocated = n;
        }

        d->when = when;
        d->func = func;
        d->userdata = userdata;
        d->index = m->heap_size;
        m->heap[m->heap_size++] = d;
        heap_up(m, d->index);

        return d->index == 0 ? timer_rearm(m) : 0;
}

void deadline_disarm(Manager *m, Deadline *d) {
        if (!deadline_is_armed(d))
                return;

        size_t i = d->index;
        bool was_first = i == 0;
        m->heap_size--;
        if (i != m->heap_size) {
                m->heap[i] = m->heap[m->heap_size];
                m->heap[i]->index = i;
                heap_down(m, i);
                heap_up(m, m->heap[i]->index);
        }
        d->index = SIZE_MAX;

        if (was_first)
                (void) timer_rearm(m);
}

int deadline_dispatch(Manager *m) {
        uint64_t expirations;

        /* Drain the timerfd; EAGAIN only means we were woken for another reason. */
        if (read(m->timer_fd, &expirations, sizeof expirations) < 0 && errno != EAGAIN)
                log_debug_errno(errno, "Failed to read the timerfd, ignoring: %m");

        usec_t now = now_usec(CLOCK_MONOTONIC);
        while (m->heap_size > 0 && m->heap[0]->when <= now) {
                Deadline *d = m->heap[0];
                deadline_disarm(m, d);
                d->func(m, d->userdata); /* may arm and disarm others, or free 'd' */
        }
        return timer_rearm(m);
}

int deadline_heap_init(Manager *m) {
        m->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        return m->timer_fd < 0 ? -errno : 0;
}

void deadline_heap_done(Manager *m) {
        for (size_t i = 0; i < m->heap_size; i++)
                m->heap[i]->index = SIZE_MAX;
        free(m->heap);
        m->heap = NULL;
        m->heap_size = m->heap_allocated = 0;
        m->timer_fd = safe_close(m->timer_fd);
}
