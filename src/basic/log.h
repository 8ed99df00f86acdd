/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Logging. Library code (basic, proto, libvss, registry, repo, snapshot) only ever calls
 * log_debug(), which reaches the application's vss_set_log_func() callback and nothing else.
 * Programs call log_open_console() at start and then report failures with log_error_errno() and
 * friends, which print "<prog>: message" on stderr (with an sd-daemon "<N>" prefix for daemons). */

#include <stdarg.h>
#include <syslog.h>

#include "macro.h"

/* Marks an error code we made up, so that %m is not expanded from it. */
#define SYNTHETIC_ERRNO(e) (-(e))

typedef enum LogTarget {
        LOG_TARGET_CALLBACK, /* library default: only the vss_set_log_func() callback */
        LOG_TARGET_CONSOLE,  /* programs: stderr, "prog: message" */
        LOG_TARGET_DAEMON,   /* vssd: stderr with "<N>" priority prefixes */
} LogTarget;

/* For programs only: prints messages up to 'max_priority' (LOG_INFO by default) to stderr. */
void log_open_console(const char *program, LogTarget target, int max_priority);
void log_set_max_priority(int priority);
int log_get_max_priority(void);

/* Logs a message and returns -abs(error) (or -EIO when error is 0 by mistake). errno is set to
 * abs(error) around the formatting, so %m describes it. */
int log_internal(int priority, int error, const char *file, int line, const char *format, ...)
                VSS_PRINTF(5, 6);

#define log_full_errno(prio, error, ...) \
        log_internal((prio), (error), __FILE__, __LINE__, __VA_ARGS__)
#define log_debug(...)            (void) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...)             (void) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...)           (void) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...)          (void) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...)            (void) log_full_errno(LOG_ERR, 0, __VA_ARGS__)
#define log_debug_errno(e, ...)   log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...)   log_full_errno(LOG_ERR, (e), __VA_ARGS__)
#define log_oom()                 log_full_errno(LOG_ERR, ENOMEM, "Out of memory.")
