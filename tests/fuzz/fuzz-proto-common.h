/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared oracle of the protocol fuzz targets: the input is cut into frames (its first byte sets
 * the size of the pieces the bytes arrive in), each frame is decoded and validated as 'side'
 * would; whatever validates must encode, decode and validate again, and encode to the same
 * bytes. Nothing may crash. */

#include <stdlib.h>
#include <string.h>

#include "proto.h"

typedef bool (*FuzzValidate)(const ProtoMessage *m, uint8_t selector);

static inline void fuzz_proto_check(const uint8_t *data, size_t size, FuzzValidate validate) {
        ProtoReader r = PROTO_READER_INIT;

        if (size < 1)
                return;
        size_t piece = (size_t) data[0] % 64 + 1;
        uint8_t selector = size > 1 ? data[1] : 0;
        data++;
        size--;

        r.max_frame = 1024 * 1024;
        for (size_t off = 0; off < size; off += piece) {
                if (proto_reader_push(&r, data + off, MIN(piece, size - off)) < 0)
                        break;
                for (;;) {
                        const char *d;
                        size_t n;
                        int k = proto_reader_next(&r, &d, &n);
                        if (k <= 0) {
                                if (k < 0)
                                        off = size; /* broken stream: stop like a peer would */
                                break;
                        }

                        ProtoMessage *m = NULL;
                        char *err = NULL;
                        if (proto_message_decode(d, n, &m, &err) < 0) {
                                free(err);
                                continue;
                        }
                        if (validate(m, selector)) {
                                char *a = NULL, *b = NULL;
                                size_t na, nb;
                                ProtoMessage *again = NULL;
                                if (proto_message_encode(m, &a, &na) < 0)
                                        abort();
                                if (proto_message_decode(a, na, &again, NULL) < 0)
                                        abort();
                                if (again->type != m->type || again->id != m->id || !validate(again, selector))
                                        abort();
                                if (proto_message_encode(again, &b, &nb) < 0 || na != nb || memcmp(a, b, na) != 0)
                                        abort();
                                free(a);
                                free(b);
                                proto_message_free(again);
                        }
                        proto_message_free(m);
                }
        }
        proto_reader_done(&r);
}
