/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Frames: a 4-byte big-endian payload length, then the payload (docs/PROTOCOL.md §2). */

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"

#define FRAME_HEADER ((size_t) 4)
#define READ_CHUNK   ((size_t) 64 * 1024)

static size_t reader_max_frame(const ProtoReader *r) {
        return r->max_frame ? r->max_frame : PROTO_FRAME_MAX;
}

void proto_reader_done(ProtoReader *r) {
        free(r->buf);
        *r = (ProtoReader) PROTO_READER_INIT;
}

/* Drops consumed bytes and makes room for 'extra' more. */
static int reader_reserve(ProtoReader *r, size_t extra) {
        if (r->consumed > 0) {
                memmove(r->buf, r->buf + r->consumed, r->size - r->consumed);
                r->size -= r->consumed;
                r->consumed = 0;
        }

        /* Never buffer more than one maximal frame plus one read chunk. */
        size_t limit = FRAME_HEADER + reader_max_frame(r) + READ_CHUNK;
        if (extra > limit - r->size)
                return -ENOBUFS;

        size_t need = r->size + extra;
        if (need <= r->allocated)
                return 0;
        size_t n = MAX(r->allocated * 2, need);
        n = MIN(n, limit);
        uint8_t *p = realloc(r->buf, n);
        if (!p)
                return -ENOMEM;
        r->buf = p;
        r->allocated = n;
        return 0;
}

int proto_reader_push(ProtoReader *r, const void *data, size_t size) {
        int k = reader_reserve(r, size);
        if (k < 0)
                return k;
        if (size > 0)
                memcpy(r->buf + r->size, data, size);
        r->size += size;
        return 0;
}

int proto_reader_fill(ProtoReader *r, int fd) {
        int k = reader_reserve(r, READ_CHUNK);
        if (k < 0)
                return k;

        ssize_t n = read(fd, r->buf + r->size, READ_CHUNK);
        if (n < 0)
                return errno == EWOULDBLOCK ? -EAGAIN : -errno;
        r->size += (size_t) n;
        return (int) n;
}

int proto_reader_next(ProtoReader *r, const char **ret_data, size_t *ret_size) {
        size_t avail = r->size - r->consumed;
        if (avail < FRAME_HEADER)
                return 0;

        const uint8_t *h = r->buf + r->consumed;
        size_t len = (size_t) h[0] << 24 | (size_t) h[1] << 16 | (size_t) h[2] << 8 | h[3];
        if (len == 0 || len > reader_max_frame(r))
                return -EBADMSG;
        if (avail - FRAME_HEADER < len)
                return 0;

        *ret_data = (const char *) h + FRAME_HEADER;
        *ret_size = len;
        r->consumed += FRAME_HEADER + len;
        return 1;
}

bool proto_reader_has_partial(const ProtoReader *r) {
        return r->size > r->consumed;
}

static size_t writer_max_queue(const ProtoWriter *w) {
        return w->max_queue ? w->max_queue : 4 * (size_t) PROTO_FRAME_MAX;
}

void proto_writer_done(ProtoWriter *w) {
        free(w->buf);
        *w = (ProtoWriter) PROTO_WRITER_INIT;
}

int proto_writer_queue(ProtoWriter *w, const void *payload, size_t size) {
        if (size == 0 || size > PROTO_FRAME_MAX)
                return -E2BIG;

        if (w->sent > 0) {
                memmove(w->buf, w->buf + w->sent, w->size - w->sent);
                w->size -= w->sent;
                w->sent = 0;
        }
        if (FRAME_HEADER + size > writer_max_queue(w) - w->size)
                return -ENOBUFS;

        size_t need = w->size + FRAME_HEADER + size;
        if (need > w->allocated) {
                size_t n = MAX(w->allocated * 2, need);
                uint8_t *p = realloc(w->buf, n);
                if (!p)
                        return -ENOMEM;
                w->buf = p;
                w->allocated = n;
        }

        uint8_t *h = w->buf + w->size;
        h[0] = (uint8_t) (size >> 24);
        h[1] = (uint8_t) (size >> 16);
        h[2] = (uint8_t) (size >> 8);
        h[3] = (uint8_t) size;
        memcpy(h + FRAME_HEADER, payload, size);
        w->size = need;
        return 0;
}

int proto_writer_flush(ProtoWriter *w, int fd) {
        while (w->sent < w->size) {
                ssize_t n = send(fd, w->buf + w->sent, w->size - w->sent, MSG_NOSIGNAL);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK)
                                return 0;
                        return -errno;
                }
                w->sent += (size_t) n;
        }
        w->size = w->sent = 0;
        return 1;
}

bool proto_writer_is_empty(const ProtoWriter *w) {
        return w->sent >= w->size;
}

static int64_t now_ms(void) {
        struct timespec ts;
        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until 'fd' is ready for 'events' or the deadline passes (-1: none). */
static int wait_fd(int fd, short events, int64_t deadline) {
        for (;;) {
                int timeout = -1;
                if (deadline >= 0) {
                        int64_t left = deadline - now_ms();
                        if (left <= 0)
                                return -ETIMEDOUT;
                        timeout = (int) MIN(left, (int64_t) 60000);
                }
                struct pollfd p = {.fd = fd, .events = events};
                int k = poll(&p, 1, timeout);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k > 0)
                        return 0;
        }
}

int proto_write_frame(int fd, const void *payload, size_t size, int timeout_ms) {
        ProtoWriter w = PROTO_WRITER_INIT;
        int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

        int r = proto_writer_queue(&w, payload, size);
        while (r >= 0) {
                r = proto_writer_flush(&w, fd);
                if (r != 0)
                        break;
                r = wait_fd(fd, POLLOUT, deadline);
        }
        proto_writer_done(&w);
        return r < 0 ? r : 0;
}

/* Reads exactly 'size' bytes, waiting for a non-blocking fd as needed. 'start' tells whether
 * nothing of the frame has been read yet (then end of stream is a clean -ECONNRESET). */
static int read_exactly(int fd, uint8_t *buf, size_t size, bool start, int64_t deadline) {
        size_t have = 0;

        while (have < size) {
                ssize_t n = read(fd, buf + have, size - have);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK) {
                                int r = wait_fd(fd, POLLIN, deadline);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        return -errno;
                }
                if (n == 0)
                        return start && have == 0 ? -ECONNRESET : -EBADMSG;
                have += (size_t) n;
        }
        return 0;
}

int proto_read_frame(int fd, char **ret_data, size_t *ret_size, int timeout_ms) {
        int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
        uint8_t h[FRAME_HEADER];

        /* Header, then payload, byte-exactly: nothing after the frame is taken from the socket. */
        int r = read_exactly(fd, h, sizeof h, true, deadline);
        if (r < 0)
                return r;
        size_t len = (size_t) h[0] << 24 | (size_t) h[1] << 16 | (size_t) h[2] << 8 | h[3];
        if (len == 0 || len > PROTO_FRAME_MAX)
                return -EBADMSG;

        char *payload = malloc(len + 1);
        if (!payload)
                return -ENOMEM;
        r = read_exactly(fd, (uint8_t *) payload, len, false, deadline);
        if (r < 0) {
                free(payload);
                return r;
        }
        payload[len] = 0;
        *ret_data = payload;
        *ret_size = len;
        return 0;
}
