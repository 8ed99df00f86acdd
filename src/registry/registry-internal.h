/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the registry-*.c files share and nobody else sees: the Registry object, case folding,
 * key path splitting, the SQLite helpers and the transaction brackets. */

#include <locale.h>
#include <sqlite3.h>
#include <stdint.h>

#include "macro.h"
#include "registry.h"

#define REGISTRY_ROOT_NAME "HKEY_LOCAL_MACHINE"
#define REGISTRY_ROOT_ID   1 /* row id of the root key in every registry file */

/* The SQLite header fields that mark a linvss registry: application_id "LVRG" and the format
 * version in user_version (docs/REGISTRY.md, "Schema"). */
#define REGISTRY_APPLICATION_ID 0x4C565247
#define REGISTRY_FORMAT_VERSION 1

#define REGISTRY_BUSY_TIMEOUT_MS 10000
#define REGISTRY_COURTESY_USEC   2000 /* see begin_immediate() */

struct Registry {
        char *path;
        sqlite3 *db;
        locale_t locale;      /* C.UTF-8, for case folding without touching the global locale */
        bool writable;        /* opened with REGISTRY_OPEN_READ_WRITE */
        bool placeholder;     /* read-only and the file did not exist: 'db' is an empty in-memory
                               * registry, replaced by the file as soon as it appears */
        bool in_transaction;  /* between registry_begin() and registry_commit()/rollback() */
        char *error;          /* registry_last_error() */
        uint64_t busy_since;  /* when the current wait for a lock began (CLOCK_MONOTONIC, µs) */
        uint64_t last_commit; /* when this registry last committed (CLOCK_MONOTONIC, µs) */
        bool contended;       /* a lock was busy since the last begin */
};

DEFINE_CLEANUP_FUNC(sqlite3_stmt, sqlite3_finalize)

/* Finalizes a statement early; returns NULL, for 'st = stmt_finalize(st);'. */
static inline sqlite3_stmt *stmt_finalize(sqlite3_stmt *st) {
        (void) sqlite3_finalize(st);
        return NULL;
}

/* ---- registry-path.c ---- */

/* Folds 'n' bytes of valid UTF-8 for case-insensitive comparison: each code point becomes
 * towlower(towupper(c)) in r's C.UTF-8 locale (Unicode simple case folding for all but a few
 * characters, see docs/REGISTRY.md). You now own *ret. -ENOMEM, -EILSEQ. */
int registry_fold(Registry *r, const char *s, char **ret);

/* Whether a and b are equal when folded. false also when either is not valid UTF-8. */
bool registry_name_equal(Registry *r, const char *a, const char *b);

/* Splits and checks a key path. On success *ret is a strv whose first element is
 * REGISTRY_ROOT_NAME, followed by the key names as given (HKCR expanded); you now own it. On
 * failure 'reterr_message' (if not NULL) receives a description you now own. -EINVAL,
 * -EOPNOTSUPP, -E2BIG, -ENOMEM. */
int registry_path_split(const char *path, char ***ret, char **reterr_message);

/* Joins split components with '\'. You now own the string; NULL when out of memory. */
char *registry_path_join(char *const *components);

/* Checks a value name: valid UTF-8, at most REGISTRY_VALUE_NAME_MAX code points. -EINVAL or
 * -E2BIG with a message you now own in *reterr_message (if not NULL). */
int registry_value_name_check(const char *name, char **reterr_message);

/* ---- registry-value.c ---- */

/* Checks that 'data' has the layout registry.h describes for 'type'. -EINVAL (unknown type or
 * wrong layout) or -E2BIG (over REGISTRY_VALUE_DATA_MAX), with a message you now own. */
int reg_value_check_data(RegType type, const void *data, size_t size, char **reterr_message);

/* ---- registry-store.c ---- */

/* Sets r's last error to a formatted message (or to "out of memory" if that fails). Returns
 * 'error', which must be negative, so that callers can write 'return registry_error(r, ...)'. */
int registry_error(Registry *r, int error, const char *format, ...) VSS_PRINTF(3, 4);

/* Takes ownership of 'message' (may be NULL) as r's last error. Returns 'error'. */
int registry_error_take(Registry *r, int error, char *message);

/* Clears the last error; every public entry point calls it first. */
void registry_error_clear(Registry *r);

/* Read brackets: a savepoint, so that several statements see one state of the file. 'what'
 * names the operation for error messages. registry_read_end() always ends the savepoint and
 * passes 'k' through (or the error of ending it, when k >= 0). */
int registry_read_begin(Registry *r, const char *what);
int registry_read_end(Registry *r, int k);
