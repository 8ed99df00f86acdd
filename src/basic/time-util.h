/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Microsecond time on the monotonic and real-time clocks. */

#include <stdint.h>
#include <time.h>

typedef uint64_t usec_t;

#define USEC_PER_SEC  ((usec_t) 1000000)
#define USEC_PER_MSEC ((usec_t) 1000)
#define NSEC_PER_USEC ((uint64_t) 1000)
#define USEC_INFINITY ((usec_t) UINT64_MAX)

usec_t now_usec(clockid_t clock);
struct timespec *timespec_from_usec(struct timespec *ts, usec_t u);
