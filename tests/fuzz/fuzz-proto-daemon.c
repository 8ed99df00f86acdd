/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The wire decoder as vssd runs it on what clients send: requests of every role, and writers'
 * replies to events. See fuzz-proto-common.h for the oracle. */

#include "fuzz-proto-common.h"
#include "fuzz.h"

static bool validate(const ProtoMessage *m, uint8_t selector) {
        char *err = NULL;
        ProtoEvent ev = (ProtoEvent) (selector % PROTO_EVENT_MAX);
        int r;

        if (m->type == PROTO_EVENT)
                return false; /* vssd never accepts events */
        if (m->type == PROTO_REPLY)
                r = proto_message_validate(m, PROTO_EVENT, ev, &err);
        else {
                ProtoRole role = (ProtoRole) (selector % PROTO_ROLE_MAX);
                if (!proto_role_may_send(role, m->type))
                        return false;
                r = proto_message_validate(m, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, &err);
        }
        if (r < 0 && !err)
                abort(); /* every refusal must say why */
        free(err);
        return r >= 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        fuzz_proto_check(data, size, validate);
        return 0;
}
