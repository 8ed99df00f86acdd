/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <vss/vss.h>

/* The only mutable globals of the library: the log configuration (STYLE §4.5 rule 10). */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static vss_log_func log_callback = NULL;
static void *log_callback_userdata = NULL;
static LogTarget log_target = LOG_TARGET_CALLBACK;
static int log_max_priority = LOG_INFO;
static const char *log_program = NULL;

VSS_PUBLIC void vss_set_log_func(vss_log_func func, void *userdata) {
        (void) pthread_mutex_lock(&log_lock);
        log_callback = func;
        log_callback_userdata = userdata;
        (void) pthread_mutex_unlock(&log_lock);
}

void log_open_console(const char *program, LogTarget target, int max_priority) {
        (void) pthread_mutex_lock(&log_lock);
        log_program = program;
        log_target = target;
        log_max_priority = max_priority;
        (void) pthread_mutex_unlock(&log_lock);
}

void log_set_max_priority(int priority) {
        (void) pthread_mutex_lock(&log_lock);
        log_max_priority = priority;
        (void) pthread_mutex_unlock(&log_lock);
}

int log_get_max_priority(void) {
        (void) pthread_mutex_lock(&log_lock);
        int p = log_max_priority;
        (void) pthread_mutex_unlock(&log_lock);
        return p;
}

int log_internal(int priority, int error, const char *file, int line, const char *format, ...) {
        char message[2048];
        va_list ap;
        int e = error < 0 ? -error : error;
        int saved = errno;

        (void) file;
        (void) line;

        (void) pthread_mutex_lock(&log_lock);
        vss_log_func cb = log_callback;
        void *userdata = log_callback_userdata;
        LogTarget target = log_target;
        int max = log_max_priority;
        const char *program = log_program;
        (void) pthread_mutex_unlock(&log_lock);

        bool to_console = target != LOG_TARGET_CALLBACK && priority <= max;
        if (!cb && !to_console)
                goto finish; /* nobody listens: don't even format */

        errno = e;
        va_start(ap, format);
        (void) vsnprintf(message, sizeof message, format, ap);
        va_end(ap);

        if (cb)
                cb(priority, message, userdata);
        if (to_console) {
                if (target == LOG_TARGET_DAEMON)
                        (void) fprintf(stderr, "<%d>%s\n", priority, message);
                else if (program)
                        (void) fprintf(stderr, "%s: %s\n", program, message);
                else
                        (void) fprintf(stderr, "%s\n", message);
        }

finish:
        errno = saved;
        return e == 0 ? -EIO : -e;
}
