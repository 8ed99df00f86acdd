/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The VSS statuses: names, descriptions, and their HRESULT equivalents (see vss.h). */

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <vss/vss.h>

#include "macro.h"

#define HRESULT_FACILITY_VSS 0x00040000U
#define HRESULT_FAILURE      0x80000000U

typedef struct VssStatusInfo {
        int code;
        const char *name;
        const char *text;
} VssStatusInfo;

#define S(n, t) \
        { n, #n, t }
static const VssStatusInfo status_table[] = {
                S(VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT,
                  "Writer error: the snapshot set lacks volumes the component needs"),
                S(VSS_E_WRITERERROR_OUTOFRESOURCES, "Writer error: out of resources"),
                S(VSS_E_WRITERERROR_TIMEOUT,
                  "Writer error: the time between Freeze and Thaw exceeded the writer's freeze "
                  "window"),
                S(VSS_E_WRITERERROR_RETRYABLE,
                  "Writer error: transient failure, retrying may succeed"),
                S(VSS_E_WRITERERROR_NONRETRYABLE, "Writer error: failure that would happen again"),
                S(VSS_E_WRITERERROR_RECOVERY_FAILED,
                  "Writer error: recovery on the snapshot failed"),
                S(VSS_E_WRITERERROR_PARTIAL_FAILURE, "Writer error: some components failed"),
                S(VSS_E_BAD_STATE, "Call made out of the VSS sequence"),
                S(VSS_E_UNEXPECTED, "Unexpected VSS error"),
                S(VSS_E_PROVIDER_ALREADY_REGISTERED, "Snapshot provider already registered"),
                S(VSS_E_PROVIDER_NOT_REGISTERED, "Snapshot provider not registered"),
                S(VSS_E_PROVIDER_VETO, "Snapshot provider vetoed the operation"),
                S(VSS_E_PROVIDER_IN_USE, "Snapshot provider in use"),
                S(VSS_E_OBJECT_NOT_FOUND, "Object not found"),
                S(VSS_S_ASYNC_PENDING, "Asynchronous operation pending"),
                S(VSS_S_ASYNC_FINISHED, "Asynchronous operation finished"),
                S(VSS_S_ASYNC_CANCELLED, "Asynchronous operation cancelled"),
                S(VSS_E_VOLUME_NOT_SUPPORTED, "Volume not supported for snapshots"),
                S(VSS_E_OBJECT_ALREADY_EXISTS, "Object already exists"),
                S(VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER,
                  "Volume not supported by the snapshot provider"),
                S(VSS_E_UNEXPECTED_PROVIDER_ERROR, "Unexpected snapshot provider error"),
                S(VSS_E_CORRUPT_XML_DOCUMENT, "Corrupt document"),
                S(VSS_E_INVALID_XML_DOCUMENT, "Invalid document"),
                S(VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED,
                  "Maximum number of volumes in a snapshot set reached"),
                S(VSS_E_FLUSH_WRITES_TIMEOUT, "Timed out flushing writes to the volumes"),
                S(VSS_E_HOLD_WRITES_TIMEOUT, "Timed out holding writes to the volumes"),
                S(VSS_E_UNEXPECTED_WRITER_ERROR, "Unexpected writer error"),
                S(VSS_E_SNAPSHOT_SET_IN_PROGRESS, "Another snapshot set is being created"),
                S(VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED, "Maximum number of snapshots reached"),
                S(VSS_E_WRITER_INFRASTRUCTURE, "Writer infrastructure error"),
                S(VSS_E_WRITER_NOT_RESPONDING, "Writer not responding"),
                S(VSS_E_WRITER_ALREADY_SUBSCRIBED, "Writer already subscribed"),
                S(VSS_E_UNSUPPORTED_CONTEXT, "Snapshot context not supported"),
                S(VSS_E_VOLUME_IN_USE, "Volume in use"),
                S(VSS_E_INSUFFICIENT_STORAGE, "Insufficient storage for the snapshot"),
                S(VSS_E_REBOOT_REQUIRED, "Reboot required"),
                S(VSS_E_TRANSACTION_FREEZE_TIMEOUT, "Timed out freezing transactions"),
                S(VSS_E_TRANSACTION_THAW_TIMEOUT, "Timed out thawing transactions"),
                S(VSS_E_UNSELECTED_VOLUME, "Volume not in the snapshot set"),
                S(VSS_E_SNAPSHOT_NOT_IN_SET, "Snapshot not in the snapshot set"),
                S(VSS_E_NESTED_VOLUME_LIMIT, "Nested volume limit reached"),
                S(VSS_E_NOT_SUPPORTED, "Operation not supported"),
                S(VSS_E_WRITER_STATUS_NOT_AVAILABLE, "Writer status not available"),
};
#undef S

static const VssStatusInfo *status_find(int code) {
        if (code == INT_MIN) /* has no positive counterpart, and is no status */
                return NULL;
        if (code < 0)
                code = -code;
        for (size_t i = 0; i < ELEMENTSOF(status_table); i++)
                if (status_table[i].code == code)
                        return &status_table[i];
        return NULL;
}

static bool status_is_success(int code) {
        return code == VSS_S_ASYNC_PENDING || code == VSS_S_ASYNC_FINISHED ||
               code == VSS_S_ASYNC_CANCELLED;
}

VSS_PUBLIC const char *vss_version(void) {
#define STR2(x) #x
#define STR(x)  STR2(x)
        return STR(VSS_VERSION_MAJOR) "." STR(VSS_VERSION_MINOR) "." STR(VSS_VERSION_PATCH);
#undef STR
#undef STR2
}

VSS_PUBLIC const char *vss_status_to_string(int code) {
        const VssStatusInfo *i = status_find(code);
        return i ? i->name : NULL;
}

VSS_PUBLIC int vss_status_from_string(const char *name, int *ret) {
        vss_assert_return(name, -EINVAL);
        vss_assert_return(ret, -EINVAL);

        for (size_t i = 0; i < ELEMENTSOF(status_table); i++)
                if (streq(status_table[i].name, name)) {
                        *ret = status_table[i].code;
                        return 0;
                }
        return -EINVAL;
}

VSS_PUBLIC const char *vss_strerror(int code) {
        static _Thread_local char buf[160];

        if (code == 0)
                return "Success";

        const VssStatusInfo *i = status_find(code);
        if (i) {
                (void) snprintf(buf, sizeof buf, "%s (%s, 0x%08X)", i->text, i->name,
                                (unsigned) vss_error_to_hresult(
                                                status_is_success(i->code) ? i->code : -i->code));
                return buf;
        }

        int e = code == INT_MIN ? INT_MAX : code < 0 ? -code : code;
        if (e < VSS_ERROR_BASE) {
                /* strerror_r (GNU flavour) may return a static string or use our buffer. */
                return strerror_r(e, buf, sizeof buf);
        }

        (void) snprintf(buf, sizeof buf, "Unknown error %d", code);
        return buf;
}

VSS_PUBLIC uint32_t vss_error_to_hresult(int code) {
        if (code == 0)
                return 0; /* S_OK */

        const VssStatusInfo *i = status_find(code);
        if (i) {
                uint32_t low = (uint32_t) (i->code - VSS_ERROR_BASE) + 0x2300U;
                return (status_is_success(i->code) ? 0U : HRESULT_FAILURE) | HRESULT_FACILITY_VSS |
                       low;
        }

        switch (code) {
        case -ENOMEM:
                return 0x8007000EU; /* E_OUTOFMEMORY */
        case -EINVAL:
                return 0x80070057U; /* E_INVALIDARG */
        case -EACCES:
        case -EPERM:
                return 0x80070005U; /* E_ACCESSDENIED */
        default:
                return 0x80004005U; /* E_FAIL */
        }
}

VSS_PUBLIC int vss_error_from_hresult(uint32_t hresult) {
        if (hresult == 0)
                return 0;
        if ((hresult & 0x7FFF0000U) != HRESULT_FACILITY_VSS)
                return -EINVAL;

        uint32_t low = hresult & 0xFFFFU;
        if (low < 0x2300U || low > 0x24FFU)
                return -EINVAL;

        int code = VSS_ERROR_BASE + (int) (low - 0x2300U);
        const VssStatusInfo *i = status_find(code);
        if (!i)
                return -EINVAL;

        bool failure = hresult & HRESULT_FAILURE;
        if (failure == status_is_success(code))
                return -EINVAL; /* e.g. 0x00042301: not a status VSS defines */
        return failure ? -code : code;
}
