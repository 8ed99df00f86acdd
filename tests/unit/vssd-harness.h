/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A harness that starts the real vssd on a private socket and plays scripted writers and
 * requesters against it over raw protocol frames, all in one poll loop, so tests are
 * deterministic: a requester sends a request, then the loop answers the events the writers
 * receive (as each writer's script says) until the requester's reply arrives. Every event a
 * writer receives is appended to a shared log ("W1:freeze"), which tests compare. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto.h"

#define H_MAX_WRITERS 70

typedef enum HAction {
        H_OK,         /* reply result 0 */
        H_VETO,       /* reply with 'code' */
        H_FAIL_SOFT,  /* reply 0 with a failure {hr: code} */
        H_HANG,       /* never reply */
        H_DISCONNECT, /* close the connection instead of replying */
        H_DELAY,      /* reply 0 after 'delay_ms' */
        H_STUCK,      /* never reply, and read nothing more until 'stuck' is cleared: a writer
                       * blocked in its callback, whose later events wait unread */
} HAction;

typedef struct HWriter {
        int fd;
        char name[32];
        char instance_id[64];
        HAction action[PROTO_EVENT_MAX];
        int code[PROTO_EVENT_MAX];
        int delay_ms[PROTO_EVENT_MAX];
        bool wants_bcd_echo;     /* return the bcd it got, with a "touched" mark */
        json_t *last_bcd[PROTO_EVENT_MAX];
        /* Optional: the wmd returned in Identify (a reference the harness drops at h_stop), instead
         * of a fixed test object; and a function making the bcd returned in the events that may
         * change it, from the one received (a new reference, or NULL for none), instead of the
         * echo. */
        json_t *wmd;
        json_t *(*bcd_reply)(struct HWriter *w, ProtoEvent event, const json_t *bcd, void *userdata);
        void *bcd_reply_userdata;
        bool stuck; /* set by H_STUCK; a test clears it to let the writer go on */
        /* Delayed replies. */
        uint32_t delayed_id;
        ProtoEvent delayed_event;
        uint64_t delayed_at_usec;
} HWriter;

/* Another party served by the loop (a libvss writer in the test process): its fd is polled with
 * the others and process() runs when it is readable. */
typedef struct HClient {
        int (*get_fd)(void *userdata);
        void (*process)(void *userdata);
        void *userdata;
} HClient;

#define H_MAX_CLIENTS 8

typedef struct Harness {
        char dir[256];
        char socket[300];
        char registry[300];
        char state[300]; /* vssd's --state-dir */
        pid_t vssd;
        HWriter writers[H_MAX_WRITERS];
        size_t n_writers;
        char log[65536];
        uint32_t next_id;
        HClient clients[H_MAX_CLIENTS];
        size_t n_clients;
        const char *const *extra_args;
} Harness;

/* Starts vssd with extra arguments (NULL-terminated) and an empty registry in a temp dir. */
void h_start(Harness *h, const char *const *extra_args);
/* The same, but vssd gets its listening socket the way systemd passes it (fd 3, LISTEN_FDS,
 * LISTEN_PID) instead of --socket. */
void h_start_activated(Harness *h);
/* Sends SIGTERM, waits for vssd to exit and returns its exit status; removes the temp dir. */
int h_stop(Harness *h);

/* Kills vssd with SIGKILL (its socket file stays), and starts it again on the same socket and
 * registry with the same arguments. */
void h_kill(Harness *h);
void h_restart(Harness *h);

/* Adds a party to the loop (see HClient). */
void h_add_client(Harness *h, int (*get_fd)(void *userdata), void (*process)(void *userdata), void *userdata);

int h_connect(Harness *h);
/* hello with the given role and versions [1]; returns the reply's result. */
int h_hello(Harness *h, int fd, const char *role);

/* Connects, says hello as writer and registers; every event is answered H_OK unless the script
 * is changed. Returns the writer. */
HWriter *h_writer(Harness *h, const char *name, const char *class_id, const char *instance_name,
                  const char *level, int freeze_timeout_ms);

/* Sends a request (body may be NULL; stolen) and runs the loop until its reply arrives or
 * 'timeout_ms' passes (then the test fails). Returns the reply; free with proto_message_free. */
ProtoMessage *h_call(Harness *h, int fd, const char *type, json_t *body, int timeout_ms);
/* The same, returning only the result, and the error text in 'error' (may be NULL). */
int h_call_result(Harness *h, int fd, const char *type, json_t *body, char *error, size_t error_size);

/* Runs the loop for 'ms' milliseconds (writers keep answering). */
void h_pump(Harness *h, int ms);

/* Body {writers: [{instance_id, bcd}]} for the given writers, with a minimal bcd each. */
json_t *h_writers_body(Harness *h, HWriter *const *ws, size_t n);

/* The state string of a writer in a gather-status reply, or NULL. */
const char *h_status_state(const ProtoMessage *reply, const HWriter *w);
int h_status_hr(const ProtoMessage *reply, const HWriter *w);

/* Clears the event log. */
void h_log_clear(Harness *h);
