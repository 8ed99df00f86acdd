/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shared by the registry unit tests: a fresh temporary directory per test, a switchable
 * geteuid() (the binaries link with -Wl,--wrap=geteuid, so the library's privilege check sees
 * fake_euid; the tests therefore run the same as root and as a normal user), and small helpers
 * for setting values and for writing to a registry file behind the library's back. */

#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* cmocka.h uses what the headers above declare. */
#include <cmocka.h>

#include "registry.h"

static uid_t fake_euid = 0;

uid_t __wrap_geteuid(void);
uid_t __wrap_geteuid(void) {
        return fake_euid;
}

typedef struct TestDir {
        char *dir;
        char *path; /* dir/registry.db */
} TestDir;

static int test_dir_setup(void **state) {
        TestDir *t = calloc(1, sizeof *t);
        char tmpl[] = "/tmp/test-registry-XXXXXX";

        assert_non_null(t);
        assert_non_null(mkdtemp(tmpl));
        t->dir = strdup(tmpl);
        assert_non_null(t->dir);
        assert_true(asprintf(&t->path, "%s/registry.db", tmpl) > 0);
        fake_euid = 0;
        *state = t;
        return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) {
        (void) st;
        (void) flag;
        (void) f;
        return remove(p);
}

static int test_dir_teardown(void **state) {
        TestDir *t = *state;

        (void) chmod(t->dir, 0700);
        assert_int_equal(nftw(t->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
        free(t->dir);
        free(t->path);
        free(t);
        fake_euid = 0;
        return 0;
}

static Registry *open_rw(const char *path) {
        Registry *r = NULL;
        char *m = NULL;
        int k = registry_open(path, REGISTRY_OPEN_READ_WRITE, &r, &m);
        if (k < 0)
                fail_msg("registry_open(%s): %d %s", path, k, m ? m : "");
        return r;
}

static Registry *open_ro(const char *path) {
        Registry *r = NULL;
        char *m = NULL;
        int k = registry_open(path, REGISTRY_OPEN_READ_ONLY, &r, &m);
        if (k < 0)
                fail_msg("registry_open(%s, ro): %d %s", path, k, m ? m : "");
        return r;
}

static int set_sz(Registry *r, const char *key, const char *name, const char *s) {
        return registry_set_value(r, key, name, REG_SZ, s, strlen(s) + 1, false);
}

static int set_dword(Registry *r, const char *key, const char *name, uint32_t x) {
        uint8_t b[4] = {(uint8_t) x, (uint8_t) (x >> 8), (uint8_t) (x >> 16), (uint8_t) (x >> 24)};
        return registry_set_value(r, key, name, REG_DWORD, b, sizeof b, false);
}

/* The string of a REG_SZ value, or NULL; you now own it. */
static char *get_sz(Registry *r, const char *key, const char *name) {
        RegValue *v = NULL;
        const char *s;
        char *c = NULL;

        if (registry_get_value(r, key, name, &v) < 0)
                return NULL;
        if (reg_value_get_string(v, &s) >= 0)
                c = strdup(s);
        reg_value_free(v);
        return c;
}

/* Runs SQL on the file directly, as another program (or damage) could. */
static void raw_exec(const char *path, const char *sql) {
        sqlite3 *db = NULL;
        char *err = NULL;

        assert_int_equal(
                        sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                        NULL),
                        SQLITE_OK);
        if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
                fail_msg("%s: %s", sql, err);
        assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* A string of 'n' copies of 'unit'; you now own it. */
static char *repeat(const char *unit, size_t n) {
        size_t u = strlen(unit);
        char *s = malloc(u * n + 1);

        assert_non_null(s);
        for (size_t i = 0; i < n; i++)
                memcpy(s + i * u, unit, u);
        s[u * n] = 0;
        return s;
}
