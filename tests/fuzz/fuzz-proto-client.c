/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The wire decoder as libvss runs it on what vssd sends: events to writers, and replies to every
 * request. See fuzz-proto-common.h for the oracle. */

#include "fuzz-proto-common.h"
#include "fuzz.h"

static bool validate(const ProtoMessage *m, uint8_t selector) {
        char *err = NULL;
        int r;

        if (m->type == PROTO_EVENT)
                r = proto_message_validate(m, PROTO_MESSAGE_TYPE_INVALID, PROTO_EVENT_INVALID, &err);
        else if (m->type == PROTO_REPLY) {
                ProtoMessageType to = (ProtoMessageType) (selector % PROTO_MESSAGE_TYPE_MAX);
                if (to == PROTO_REPLY || to == PROTO_EVENT)
                        to = PROTO_HELLO;
                r = proto_message_validate(m, to, PROTO_EVENT_INVALID, &err);
        } else
                return false; /* clients only accept events and replies */
        if (r < 0 && !err)
                abort();
        free(err);
        return r >= 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        fuzz_proto_check(data, size, validate);
        return 0;
}
