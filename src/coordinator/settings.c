/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Event deadlines (docs/PROTOCOL.md §7), with overrides from the registry. */

#include <stdlib.h>

#include "coordinator-internal.h"
#include "log.h"
#include "registry.h"

#define SETTINGS_KEY   "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS\\Settings"
#define TIMEOUT_MAX_MS (24U * 3600U * 1000U)

static const struct {
        const char *value_name;
        ProtoEvent event;
        uint32_t default_ms;
} timeouts[] = {
                {"IdentifyTimeout", PROTO_EVENT_IDENTIFY, 30000},
                {"PrepareBackupTimeout", PROTO_EVENT_PREPARE_BACKUP, 120000},
                {"PrepareSnapshotTimeout", PROTO_EVENT_PREPARE_SNAPSHOT, 120000},
                {"ThawTimeout", PROTO_EVENT_THAW, 10000},
                {"PostSnapshotTimeout", PROTO_EVENT_POST_SNAPSHOT, 120000},
                {"AbortTimeout", PROTO_EVENT_ABORT, 10000},
                {"BackupCompleteTimeout", PROTO_EVENT_BACKUP_COMPLETE, 120000},
                {"BackupShutdownTimeout", PROTO_EVENT_BACKUP_SHUTDOWN, 10000},
                {"PreRestoreTimeout", PROTO_EVENT_PRE_RESTORE, 300000},
                {"PostRestoreTimeout", PROTO_EVENT_POST_RESTORE, 600000},
                /* Not an event: how long the providers may take to commit a snapshot set. */
                {"CommitTimeout", PROTO_EVENT_INVALID, 3600000},
};

/* Where a setting of the table goes. */
static usec_t *setting_slot(Settings *s, ProtoEvent event) {
        return event == PROTO_EVENT_INVALID ? &s->commit_timeout : &s->event_timeout[event];
}

void settings_defaults(Settings *s) {
        for (size_t i = 0; i < PROTO_EVENT_MAX; i++)
                s->event_timeout[i] =
                                60 * USEC_PER_SEC; /* freeze: replaced by each writer's window */
        for (size_t i = 0; i < ELEMENTSOF(timeouts); i++)
                *setting_slot(s, timeouts[i].event) = timeouts[i].default_ms * USEC_PER_MSEC;
}

void settings_load(Settings *s, const char *registry_path) {
        VSS_CLEANUP(registry_freep) Registry *reg = NULL;
        vss_autofree char *err = NULL;

        settings_defaults(s);

        int r = registry_open(registry_path, REGISTRY_OPEN_READ_ONLY, &reg, &err);
        if (r < 0) {
                log_warning("Failed to read deadlines from the registry, using the defaults: %s",
                            err ? err : vss_strerror(r));
                return;
        }

        for (size_t i = 0; i < ELEMENTSOF(timeouts); i++) {
                VSS_CLEANUP(reg_value_freep) RegValue *v = NULL;
                uint32_t ms;

                r = registry_get_value(reg, SETTINGS_KEY, timeouts[i].value_name, &v);
                if (r == -ENOENT)
                        continue;
                if (r < 0) {
                        log_warning("Failed to read %s\\%s, ignoring: %s", SETTINGS_KEY,
                                    timeouts[i].value_name, vss_strerror(r));
                        continue;
                }
                if (reg_value_get_dword(v, &ms) < 0 || ms == 0 || ms > TIMEOUT_MAX_MS) {
                        log_warning("%s\\%s must be a REG_DWORD of 1 to %u milliseconds, ignoring "
                                    "it.",
                                    SETTINGS_KEY, timeouts[i].value_name, TIMEOUT_MAX_MS);
                        continue;
                }
                *setting_slot(s, timeouts[i].event) = (usec_t) ms * USEC_PER_MSEC;
                log_debug("%s = %u ms", timeouts[i].value_name, ms);
        }
}
