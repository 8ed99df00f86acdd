/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The registry store (registry.h): paths, names, types, order, limits, transactions, privilege,
 * concurrent writers, damaged files. */

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "config.h"
#include "strv.h"
#include "test-registry-util.h"

/* ---- names, types, values ---------------------------------------------------------------- */

static void test_type_names(void **state) {
        RegType t = REG_NONE;

        (void) state;
        assert_string_equal(reg_type_to_string(REG_SZ), "REG_SZ");
        assert_string_equal(reg_type_to_string(REG_QWORD), "REG_QWORD");
        assert_string_equal(reg_type_to_string(REG_NONE), "REG_NONE");
        assert_null(reg_type_to_string((RegType) 5));
        assert_null(reg_type_to_string((RegType) -1));

        assert_int_equal(reg_type_from_string("reg_multi_sz", &t), 0);
        assert_int_equal(t, REG_MULTI_SZ);
        assert_int_equal(reg_type_from_string("Reg_Expand_Sz", &t), 0);
        assert_int_equal(t, REG_EXPAND_SZ);
        assert_int_equal(reg_type_from_string("REG_BINARY", &t), 0);
        assert_int_equal(t, REG_BINARY);
        assert_int_equal(reg_type_from_string("REG_LINK", &t), -EINVAL);
        assert_int_equal(reg_type_from_string("REG_SZ ", &t), -EINVAL);
        assert_int_equal(reg_type_from_string("", &t), -EINVAL);
        assert_int_equal(reg_type_from_string(NULL, &t), -EINVAL);
        assert_int_equal(t, REG_BINARY); /* untouched on failure */
}

static void test_value_accessors(void **state) {
        uint8_t dw[4] = {0x78, 0x56, 0x34, 0x12};
        uint8_t qw[8] = {1, 2, 3, 4, 5, 6, 7, 0x80};
        char sz[] = "hello", multi[] = "a\0bc\0", empty_multi[] = "";
        RegValue v = {.name = (char *) "x"};
        const char *s = NULL;
        uint32_t d = 0;
        uint64_t q = 0;
        char **l = NULL;

        (void) state;

        v = (RegValue){.type = REG_DWORD, .data = dw, .size = 4};
        assert_int_equal(reg_value_get_dword(&v, &d), 0);
        assert_int_equal(d, 0x12345678);
        assert_int_equal(reg_value_get_qword(&v, &q), -EINVAL);
        assert_int_equal(reg_value_get_string(&v, &s), -EINVAL);
        v.size = 3;
        assert_int_equal(reg_value_get_dword(&v, &d), -EINVAL);

        v = (RegValue){.type = REG_QWORD, .data = qw, .size = 8};
        assert_int_equal(reg_value_get_qword(&v, &q), 0);
        assert_true(q == UINT64_C(0x8007060504030201));
        assert_int_equal(reg_value_get_dword(&v, &d), -EINVAL);

        v = (RegValue){.type = REG_EXPAND_SZ, .data = (uint8_t *) sz, .size = sizeof sz};
        assert_int_equal(reg_value_get_string(&v, &s), 0);
        assert_string_equal(s, "hello");
        v.size = 5; /* no NUL */
        assert_int_equal(reg_value_get_string(&v, &s), -EINVAL);
        v = (RegValue){.type = REG_BINARY, .data = (uint8_t *) sz, .size = sizeof sz};
        assert_int_equal(reg_value_get_string(&v, &s), -EINVAL);

        v = (RegValue){.type = REG_MULTI_SZ, .data = (uint8_t *) multi, .size = sizeof multi};
        assert_int_equal(reg_value_get_multi_string(&v, &l), 0);
        assert_int_equal(strv_length(l), 2);
        assert_string_equal(l[0], "a");
        assert_string_equal(l[1], "bc");
        l = strv_free(l);
        v = (RegValue){.type = REG_MULTI_SZ, .data = (uint8_t *) empty_multi, .size = 1};
        assert_int_equal(reg_value_get_multi_string(&v, &l), 0);
        assert_non_null(l);
        assert_int_equal(strv_length(l), 0);
        l = strv_free(l);
        v.type = REG_SZ;
        assert_int_equal(reg_value_get_multi_string(&v, &l), -EINVAL);
        assert_null(l);

        assert_null(reg_value_free(NULL));
        reg_value_array_free(NULL, 3);
}

/* ---- paths --------------------------------------------------------------------------------- */

static void check_normalize(const char *in, int expect, const char *out) {
        char *s = NULL;
        int k = registry_path_normalize(in, &s);

        if (k != expect)
                fail_msg("normalize '%s': %d, expected %d", in, k, expect);
        if (out)
                assert_string_equal(s, out);
        else
                assert_null(s);
        free(s);
}

static void test_path_normalize(void **state) {
        (void) state;

        check_normalize("HKLM", 0, "HKEY_LOCAL_MACHINE");
        check_normalize("hklm\\", 0, "HKEY_LOCAL_MACHINE");
        check_normalize("HkEy_LoCaL_mAcHiNe\\Software\\x", 0, "HKEY_LOCAL_MACHINE\\Software\\x");
        check_normalize("HKLM\\SOFTWARE\\Foo\\", 0, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Foo");
        check_normalize("HKCR", 0, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes");
        check_normalize("hkey_classes_root\\CLSID\\{X}", 0,
                        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes\\CLSID\\{X}");
        check_normalize("HKLM\\with space\\ÄPFEL\\.\\..", 0,
                        "HKEY_LOCAL_MACHINE\\with space\\ÄPFEL\\.\\..");
        check_normalize("HKLM\\a/b", 0, "HKEY_LOCAL_MACHINE\\a/b"); /* '/' is a name character */

        check_normalize("", -EINVAL, NULL);
        check_normalize("HKLM\\\\", -EINVAL, NULL);
        check_normalize("HKLM\\a\\\\b", -EINVAL, NULL);
        check_normalize("HKLM\\a\\\\", -EINVAL, NULL);
        check_normalize("\\HKLM\\a", -EINVAL, NULL);
        check_normalize("\\", -EINVAL, NULL);
        check_normalize("SOFTWARE\\Microsoft", -EINVAL, NULL);
        check_normalize("HKLMX\\a", -EINVAL, NULL);
        check_normalize("HKLM\\a\tb", -EINVAL, NULL);
        check_normalize("HKLM\\\xff", -EINVAL, NULL);
        check_normalize("HKCU\\Software", -EOPNOTSUPP, NULL);
        check_normalize("HKEY_CURRENT_USER", -EOPNOTSUPP, NULL);
        check_normalize("hku\\.DEFAULT", -EOPNOTSUPP, NULL);
        check_normalize("HKEY_USERS", -EOPNOTSUPP, NULL);
        check_normalize("HKCC", -EOPNOTSUPP, NULL);
        check_normalize("HKEY_CURRENT_CONFIG\\x", -EOPNOTSUPP, NULL);
        check_normalize("\\\\server\\HKLM\\SOFTWARE", -EOPNOTSUPP, NULL);
        check_normalize("\\\\server", -EOPNOTSUPP, NULL);

        char *s = NULL;
        assert_int_equal(registry_path_normalize(NULL, &s), -EINVAL);
        assert_int_equal(registry_path_normalize("HKLM", NULL), -EINVAL);
}

/* ---- opening ------------------------------------------------------------------------------ */

static void test_open_missing_read_only(void **state) {
        TestDir *t = *state;
        Registry *ro = open_ro(t->path), *rw;
        RegValue *v = NULL, *vals = NULL;
        char **l = NULL;
        size_t n = 7;
        struct stat st;

        /* No file: an empty registry, and nothing is created. */
        assert_int_equal(registry_key_exists(ro, "HKLM"), 1);
        assert_int_equal(registry_key_exists(ro, "HKCR"), 0);
        assert_int_equal(registry_key_exists(ro, "HKLM\\SOFTWARE"), 0);
        assert_int_equal(registry_list_subkeys(ro, "HKLM", &l), 0);
        assert_int_equal(strv_length(l), 0);
        l = strv_free(l);
        assert_int_equal(registry_list_values(ro, "HKLM", &vals, &n), 0);
        assert_int_equal(n, 0);
        reg_value_array_free(vals, n);
        assert_int_equal(registry_get_value(ro, "HKLM\\SOFTWARE", "x", &v), -ENOENT);
        assert_non_null(strstr(registry_last_error(ro), "does not exist"));
        assert_int_equal(registry_list_subkeys(ro, "HKLM\\SOFTWARE", &l), -ENOENT);
        assert_int_equal(stat(t->path, &st), -1);
        assert_int_equal(errno, ENOENT);

        /* Writes through a read-only registry are refused, even as root. */
        assert_int_equal(registry_create_key(ro, "HKLM\\x"), -EROFS);
        assert_non_null(strstr(registry_last_error(ro), "read-only"));
        assert_int_equal(registry_begin(ro), -EROFS);

        /* Once the file exists, the same reader sees it. */
        rw = open_rw(t->path);
        assert_int_equal(set_sz(rw, "HKLM\\SOFTWARE\\linvss", "Version", "1"), 1);
        assert_int_equal(registry_key_exists(ro, "HKLM\\SOFTWARE\\linvss"), 1);
        char *s = get_sz(ro, "HKLM\\SOFTWARE\\linvss", "version");
        assert_string_equal(s, "1");
        free(s);
        registry_free(rw);
        registry_free(ro);
}

static void test_open_creates_file(void **state) {
        TestDir *t = *state;
        char *deep = NULL;
        struct stat st;

        assert_true(asprintf(&deep, "%s/a/b/registry.db", t->dir) > 0);
        mode_t old = umask(077);
        Registry *r = open_rw(deep);
        umask(old);
        assert_int_equal(stat(deep, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0644);
        char *dir = NULL;
        assert_true(asprintf(&dir, "%s/a/b", t->dir) > 0);
        assert_int_equal(stat(dir, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0755);
        dir[strlen(dir) - 2] = 0; /* ".../a" */
        assert_int_equal(stat(dir, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0755);
        free(dir);

        /* The file is a registry right away: another opener accepts it. */
        Registry *r2 = open_ro(deep);
        assert_int_equal(registry_key_exists(r2, "HKEY_LOCAL_MACHINE"), 1);
        registry_free(r2);
        r2 = open_rw(deep);
        registry_free(r2);
        registry_free(r);

        /* No temporary files are left beside it. */
        char *cmd = NULL;
        assert_true(asprintf(&cmd, "test $(ls -A '%s/a/b' | wc -l) -eq 1", t->dir) > 0);
        assert_int_equal(system(cmd), 0);
        free(cmd);
        free(deep);

        /* A path without a directory: the file goes in the current directory. */
        char cwd[4096];
        assert_non_null(getcwd(cwd, sizeof cwd));
        assert_int_equal(chdir(t->dir), 0);
        r = open_rw("relative.db");
        assert_int_equal(registry_create_key(r, "HKLM\\Here"), 1);
        registry_free(r);
        assert_int_equal(chdir(cwd), 0);
        char *rel = NULL;
        assert_true(asprintf(&rel, "%s/relative.db", t->dir) > 0);
        assert_int_equal(stat(rel, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        r = open_ro(rel);
        assert_int_equal(registry_key_exists(r, "HKLM\\Here"), 1);
        registry_free(r);
        free(rel);

        assert_null(registry_free(NULL));
        assert_null(registry_last_error(NULL));
}

static void test_open_arguments(void **state) {
        TestDir *t = *state;
        Registry *r = NULL;
        char *m = NULL;

        assert_int_equal(registry_open(t->path, REGISTRY_OPEN_READ_ONLY, NULL, NULL), -EINVAL);
        assert_int_equal(registry_open(t->path, (RegistryOpenFlags) 4, &r, NULL), -EINVAL);
        assert_int_equal(registry_open("", REGISTRY_OPEN_READ_ONLY, &r, &m), -EINVAL);
        assert_null(r);

        /* The directory cannot be made: a file is in the way. */
        char *bad = NULL;
        assert_true(asprintf(&bad, "%s/registry.db/sub/registry.db", t->dir) > 0);
        Registry *w = open_rw(t->path);
        registry_free(w);
        assert_true(registry_open(bad, REGISTRY_OPEN_READ_WRITE, &r, &m) < 0);
        assert_null(r);
        assert_non_null(m);
        free(m);
        free(bad);
}

static void test_default_path(void **state) {
        TestDir *t = *state;

        assert_int_equal(unsetenv("VSS_REGISTRY_PATH"), 0);
        assert_string_equal(registry_default_path(), VSS_REGISTRY_DEFAULT_PATH);
        assert_int_equal(setenv("VSS_REGISTRY_PATH", "", 1), 0);
        assert_string_equal(registry_default_path(), VSS_REGISTRY_DEFAULT_PATH);
        assert_int_equal(setenv("VSS_REGISTRY_PATH", t->path, 1), 0);
        assert_string_equal(registry_default_path(), t->path);

        /* NULL opens the default path. */
        Registry *r = open_rw(NULL);
        assert_int_equal(registry_create_key(r, "HKLM\\env"), 1);
        registry_free(r);
        r = open_ro(t->path);
        assert_int_equal(registry_key_exists(r, "HKLM\\ENV"), 1);
        registry_free(r);
        assert_int_equal(unsetenv("VSS_REGISTRY_PATH"), 0);
}

/* ---- keys ---------------------------------------------------------------------------------- */

static void assert_strv(char **l, const char *const *expect, size_t n) {
        assert_int_equal(strv_length(l), n);
        for (size_t i = 0; i < n; i++)
                assert_string_equal(l[i], expect[i]);
}

static void test_keys_case(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        char **l = NULL;

        assert_int_equal(registry_create_key(r, "HKLM\\SOFTWARE\\Foo"), 1);
        assert_int_equal(registry_create_key(r, "hklm\\software\\FOO"), 0);
        assert_int_equal(registry_create_key(r, "HKEY_LOCAL_MACHINE\\Software\\foo\\Bar"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\SOFTWARE\\FOO\\BAR"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\SOFTWARE\\FOO\\BAR\\"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\SOFTWARE\\FOO\\BA"), 0);
        assert_int_equal(registry_list_subkeys(r, "HKLM\\software\\foo", &l), 0);
        assert_strv(l, (const char *const[]){"Bar"}, 1); /* case as created */
        l = strv_free(l);
        assert_int_equal(registry_list_subkeys(r, "HKLM", &l), 0);
        assert_strv(l, (const char *const[]){"SOFTWARE"}, 1);
        l = strv_free(l);

        /* Beyond ASCII: Unicode case folding. */
        assert_int_equal(registry_create_key(r, "HKLM\\ÄPFEL"), 1);
        assert_int_equal(registry_create_key(r, "HKLM\\äpfel"), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\äPfEl"), 1);
        assert_int_equal(registry_create_key(r, "HKLM\\ΣΟΦΊΑ"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\σοφία"), 1);
        assert_int_equal(registry_create_key(r, "HKLM\\ὈΔΥΣΣΕΎΣ"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\ὀδυσσεύς"), 1); /* final sigma */
        assert_int_equal(registry_create_key(r, "HKLM\\ДОМ"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\дом"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\дым"), 0);
        assert_int_equal(registry_create_key(r, "HKLM\\Straße"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\STRAẞE"), 1);  /* capital sharp s */
        assert_int_equal(registry_key_exists(r, "HKLM\\Strasse"), 0); /* no full folding */
        assert_int_equal(registry_list_subkeys(r, "HKLM", &l), 0);
        assert_strv(l,
                    (const char *const[]){
                                    "SOFTWARE", "ÄPFEL", "ΣΟΦΊΑ", "ὈΔΥΣΣΕΎΣ", "ДОМ", "Straße"},
                    6);
        l = strv_free(l);

        /* Value names too. */
        assert_int_equal(set_sz(r, "HKLM\\ÄPFEL", "Größe", "1"), 1);
        assert_int_equal(set_sz(r, "HKLM\\äpfel", "GRÖSSE", "2"), 1); /* different: ß ≠ ss */
        assert_int_equal(set_sz(r, "HKLM\\äpfel", "gröẞe", "3"), 0);
        char *s = get_sz(r, "HKLM\\ÄPFEL", "GRÖßE");
        assert_string_equal(s, "3");
        free(s);

        /* HKCR is HKLM\SOFTWARE\Classes. */
        assert_int_equal(set_sz(r, "HKCR\\.txt", "", "txtfile"), 1);
        s = get_sz(r, "HKLM\\SOFTWARE\\Classes\\.TXT", "");
        assert_string_equal(s, "txtfile");
        free(s);
        assert_int_equal(registry_key_exists(r, "HKEY_CLASSES_ROOT\\.txt"), 1);

        /* Refused paths leave nothing behind. */
        assert_int_equal(registry_create_key(r, "HKCU\\Software"), -EOPNOTSUPP);
        assert_non_null(strstr(registry_last_error(r), "HKCU"));
        assert_int_equal(registry_create_key(r, "HKLM\\a\\\\b"), -EINVAL);
        assert_int_equal(registry_key_exists(r, "HKLM\\a"), 0);
        assert_int_equal(registry_key_exists(r, "\\\\srv\\HKLM"), -EOPNOTSUPP);
        registry_free(r);
}

static void test_creation_order(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegValue *v = NULL;
        char **l = NULL;
        size_t n = 0;

        const char *keys[] = {"zeta", "Alpha", "mu", "Beta", "aa"};
        for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
                char *p = NULL;
                assert_true(asprintf(&p, "HKLM\\Order\\%s", keys[i]) > 0);
                assert_int_equal(registry_create_key(r, p), 1);
                free(p);
        }
        assert_int_equal(registry_list_subkeys(r, "HKLM\\Order", &l), 0);
        assert_strv(l, keys, ELEMENTSOF(keys));
        l = strv_free(l);

        /* A deleted and re-created key goes last. */
        assert_int_equal(registry_delete_key(r, "HKLM\\Order\\ALPHA"), 0);
        assert_int_equal(registry_create_key(r, "HKLM\\Order\\alpha"), 1);
        assert_int_equal(registry_list_subkeys(r, "HKLM\\Order", &l), 0);
        assert_strv(l, (const char *const[]){"zeta", "mu", "Beta", "aa", "alpha"}, 5);
        l = strv_free(l);

        /* Values: creation order; replacing keeps the place and the first spelling. */
        assert_int_equal(set_dword(r, "HKLM\\Order", "z", 1), 1);
        assert_int_equal(set_dword(r, "HKLM\\Order", "B", 2), 1);
        assert_int_equal(set_dword(r, "HKLM\\Order", "", 3), 1);
        assert_int_equal(set_dword(r, "HKLM\\Order", "a", 4), 1);
        assert_int_equal(set_sz(r, "HKLM\\Order", "b", "replaced"), 0);
        assert_int_equal(registry_list_values(r, "HKLM\\Order", &v, &n), 0);
        assert_int_equal(n, 4);
        assert_string_equal(v[0].name, "z");
        assert_string_equal(v[1].name, "B");
        assert_int_equal(v[1].type, REG_SZ);
        assert_string_equal((char *) v[1].data, "replaced");
        assert_string_equal(v[2].name, "");
        assert_string_equal(v[3].name, "a");
        reg_value_array_free(v, n);

        /* no_replace refuses and keeps the old data. */
        uint8_t x[4] = {9, 9, 9, 9};
        assert_int_equal(registry_set_value(r, "HKLM\\Order", "Z", REG_DWORD, x, 4, true), -EEXIST);
        assert_non_null(strstr(registry_last_error(r), "already exists"));
        assert_int_equal(registry_get_value(r, "HKLM\\Order", "z", &v), 0);
        uint32_t d = 0;
        assert_int_equal(reg_value_get_dword(v, &d), 0);
        assert_int_equal(d, 1);
        v = reg_value_free(v);
        assert_int_equal(registry_set_value(r, "HKLM\\Order", "new", REG_DWORD, x, 4, true), 1);

        /* A deleted value that is set again goes last. */
        assert_int_equal(registry_delete_value(r, "HKLM\\Order", "Z"), 0);
        assert_int_equal(set_dword(r, "HKLM\\Order", "z", 5), 1);
        assert_int_equal(registry_list_values(r, "HKLM\\Order", &v, &n), 0);
        assert_int_equal(n, 5);
        assert_string_equal(v[0].name, "B");
        assert_string_equal(v[4].name, "z");
        reg_value_array_free(v, n);
        registry_free(r);
}

static void test_delete_keys(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegValue *v = NULL;
        char **l = NULL;
        size_t n = 0;

        assert_int_equal(set_sz(r, "HKLM\\T\\A\\B\\C", "v", "c"), 1);
        assert_int_equal(set_sz(r, "HKLM\\T\\A\\B", "v", "b"), 1);
        assert_int_equal(set_sz(r, "HKLM\\T\\A\\B2", "v", "b2"), 1);
        assert_int_equal(set_sz(r, "HKLM\\T\\A", "v", "a"), 1);
        assert_int_equal(set_sz(r, "HKLM\\T\\Keep", "v", "k"), 1);

        assert_int_equal(registry_delete_key(r, "hklm\\t\\a\\"), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\T\\A"), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\T\\A\\B\\C"), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\T\\Keep"), 1);
        assert_int_equal(registry_list_subkeys(r, "HKLM\\T", &l), 0);
        assert_strv(l, (const char *const[]){"Keep"}, 1);
        l = strv_free(l);

        /* No value of the deleted tree is left in the file. */
        Registry *ro = open_ro(t->path);
        assert_int_equal(set_sz(r, "HKLM\\T\\A", "fresh", "x"), 1);
        assert_int_equal(registry_list_values(ro, "HKLM\\T\\A", &v, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(v[0].name, "fresh");
        reg_value_array_free(v, n);
        registry_free(ro);

        assert_int_equal(registry_delete_key(r, "HKLM\\T\\A\\B"), -ENOENT);
        assert_non_null(strstr(registry_last_error(r), "does not exist"));
        assert_int_equal(registry_delete_key(r, "HKLM"), -EPERM);
        assert_int_equal(registry_delete_key(r, "HKEY_LOCAL_MACHINE\\"), -EPERM);
        assert_int_equal(registry_delete_key(r, "HKCR"), -EPERM);
        assert_int_equal(registry_delete_key(r, "HKCU\\x"), -EOPNOTSUPP);
        assert_int_equal(registry_key_exists(r, "HKLM\\T\\Keep"), 1);

        /* Deleting HKCR\x deletes HKLM\SOFTWARE\Classes\x. */
        assert_int_equal(registry_create_key(r, "HKLM\\SOFTWARE\\Classes\\x\\y"), 1);
        assert_int_equal(registry_delete_key(r, "HKCR\\X"), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\SOFTWARE\\Classes"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\SOFTWARE\\Classes\\x"), 0);
        registry_free(r);
}

static void test_values_delete(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegValue *v = NULL;
        char **l = NULL;
        size_t n = 0;

        assert_int_equal(set_sz(r, "HKLM\\V", "", "default"), 1);
        assert_int_equal(set_sz(r, "HKLM\\V", "one", "1"), 1);
        assert_int_equal(set_sz(r, "HKLM\\V", "two", "2"), 1);
        assert_int_equal(registry_create_key(r, "HKLM\\V\\Sub"), 1);

        /* The default value is the one named "". */
        char *s = get_sz(r, "HKLM\\V", "");
        assert_string_equal(s, "default");
        free(s);
        assert_int_equal(registry_delete_value(r, "HKLM\\V", ""), 0);
        assert_int_equal(registry_get_value(r, "HKLM\\V", "", &v), -ENOENT);
        assert_non_null(strstr(registry_last_error(r), "default value"));
        assert_int_equal(registry_delete_value(r, "HKLM\\V", ""), -ENOENT);

        assert_int_equal(registry_delete_value(r, "HKLM\\V", "ONE"), 0);
        assert_int_equal(registry_delete_value(r, "HKLM\\V", "one"), -ENOENT);
        assert_int_equal(registry_delete_value(r, "HKLM\\Nope", "one"), -ENOENT);
        assert_int_equal(registry_delete_all_values(r, "HKLM\\Nope"), -ENOENT);

        assert_int_equal(set_sz(r, "HKLM\\V", "three", "3"), 1);
        assert_int_equal(registry_delete_all_values(r, "HKLM\\V"), 2);
        assert_int_equal(registry_delete_all_values(r, "HKLM\\V"), 0);
        assert_int_equal(registry_list_values(r, "HKLM\\V", &v, &n), 0);
        assert_int_equal(n, 0);
        reg_value_array_free(v, n);
        assert_int_equal(registry_list_subkeys(r, "HKLM\\V", &l), 0);
        assert_strv(l, (const char *const[]){"Sub"}, 1);
        l = strv_free(l);
        assert_int_equal(registry_list_values(r, "HKLM\\Nope", &v, &n), -ENOENT);
        registry_free(r);
}

/* Stores 'size' bytes of 'type', reads them back and compares. */
static void round_trip(Registry *r, const char *name, RegType type, const void *data, size_t size) {
        RegValue *v = NULL;

        assert_int_equal(registry_set_value(r, "HKLM\\Types", name, type, data, size, false), 1);
        assert_int_equal(registry_get_value(r, "HKLM\\Types", name, &v), 0);
        assert_string_equal(v->name, name);
        assert_int_equal(v->type, type);
        assert_int_equal(v->size, size);
        if (size > 0)
                assert_memory_equal(v->data, data, size);
        reg_value_free(v);
}

static void refuse(Registry *r, RegType type, const void *data, size_t size, int expect) {
        int k = registry_set_value(r, "HKLM\\Types", "bad", type, data, size, false);
        if (k != expect)
                fail_msg("type %d, %zu bytes: %d, expected %d", (int) type, size, k, expect);
        const char *m = registry_last_error(r);
        assert_non_null(m);
        if (expect == -E2BIG)
                assert_non_null(strstr(m, "at most"));
        else
                assert_true(strstr(m, "Malformed") || strstr(m, "Unknown value type") ||
                            strstr(m, "no data given"));
}

static void test_value_types(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegValue *v = NULL;

        assert_int_equal(registry_create_key(r, "HKLM\\Types"), 1);
        round_trip(r, "sz", REG_SZ, "text", 5);
        round_trip(r, "sz empty", REG_SZ, "", 1);
        round_trip(r, "sz utf8", REG_SZ, "Grüße, 世界 🙂",
                   strlen("Grüße, 世界 🙂") + 1);
        round_trip(r, "expand", REG_EXPAND_SZ, "%SystemRoot%\\x", 15);
        round_trip(r, "multi", REG_MULTI_SZ, "a\0bb\0ccc\0", 10);
        round_trip(r, "multi empty", REG_MULTI_SZ, "", 1);
        round_trip(r, "dword", REG_DWORD, "\x01\x00\x00\x80", 4);
        round_trip(r, "qword", REG_QWORD, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
        round_trip(r, "binary", REG_BINARY, "\x00\xff\x00", 3);
        round_trip(r, "binary empty", REG_BINARY, NULL, 0);
        round_trip(r, "none", REG_NONE, "\x01", 1);
        round_trip(r, "none empty", REG_NONE, NULL, 0);

        /* Layouts that do not fit the type. */
        refuse(r, REG_SZ, "abc", 3, -EINVAL);      /* no NUL */
        refuse(r, REG_SZ, "a\0b", 4, -EINVAL);     /* NUL inside */
        refuse(r, REG_SZ, NULL, 0, -EINVAL);       /* nothing */
        refuse(r, REG_SZ, "\xff\xfe", 3, -EINVAL); /* not UTF-8 */
        refuse(r, REG_SZ, "\xc3\x28", 3, -EINVAL); /* broken sequence */
        refuse(r, REG_EXPAND_SZ, "x\0\0", 3, -EINVAL);
        refuse(r, REG_MULTI_SZ, "a\0b\0", 4, -EINVAL);     /* no final NUL */
        refuse(r, REG_MULTI_SZ, "a\0\0b\0\0", 6, -EINVAL); /* empty string inside */
        refuse(r, REG_MULTI_SZ, "\0\0", 2, -EINVAL);
        refuse(r, REG_MULTI_SZ, "ab", 2, -EINVAL);
        refuse(r, REG_MULTI_SZ, NULL, 0, -EINVAL);
        refuse(r, REG_MULTI_SZ, "\xff\0\0", 3, -EINVAL);
        refuse(r, REG_DWORD, "\x01\x02\x03", 3, -EINVAL);
        refuse(r, REG_DWORD, "\x01\x02\x03\x04\x05", 5, -EINVAL);
        refuse(r, REG_QWORD, "\x01\x02\x03\x04", 4, -EINVAL);
        refuse(r, (RegType) 5, "\x01\x02\x03\x04", 4, -EINVAL); /* REG_DWORD_BIG_ENDIAN */
        refuse(r, (RegType) 6, "", 1, -EINVAL);                 /* REG_LINK */
        refuse(r, (RegType) -1, "", 1, -EINVAL);
        assert_int_equal(registry_get_value(r, "HKLM\\Types", "bad", &v), -ENOENT);
        assert_int_equal(
                        registry_set_value(r, "HKLM\\Types", "x", REG_BINARY, NULL, 3, false),
                        -EINVAL);
        assert_int_equal(registry_key_exists(r, "HKLM\\Types"), 1);

        /* Data size limit. */
        size_t max = REGISTRY_VALUE_DATA_MAX;
        uint8_t *big = calloc(1, max + 1);
        assert_non_null(big);
        round_trip(r, "big", REG_BINARY, big, max);
        refuse(r, REG_BINARY, big, max + 1, -E2BIG);
        memset(big, 'x', max + 1);
        big[max] = 0;
        refuse(r, REG_SZ, big, max + 1, -E2BIG);
        free(big);

        /* Another write replaces with another type. */
        assert_int_equal(set_dword(r, "HKLM\\Types", "SZ", 7), 0);
        assert_int_equal(registry_get_value(r, "HKLM\\Types", "sz", &v), 0);
        assert_int_equal(v->type, REG_DWORD);
        assert_string_equal(v->name, "sz");
        v = reg_value_free(v);
        registry_free(r);
}

static void test_limits(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        char *name, *path;

        /* Key names: 255 characters, whatever their size in bytes. */
        name = repeat("k", REGISTRY_KEY_NAME_MAX);
        assert_true(asprintf(&path, "HKLM\\%s", name) > 0);
        assert_int_equal(registry_create_key(r, path), 1);
        free(path);
        free(name);
        name = repeat("k", REGISTRY_KEY_NAME_MAX + 1);
        assert_true(asprintf(&path, "HKLM\\%s", name) > 0);
        assert_int_equal(registry_create_key(r, path), -E2BIG);
        assert_non_null(strstr(registry_last_error(r), "at most 255"));
        free(path);
        free(name);
        name = repeat("é", REGISTRY_KEY_NAME_MAX);
        assert_true(asprintf(&path, "HKLM\\%s", name) > 0);
        assert_int_equal(registry_create_key(r, path), 1);
        free(path);
        free(name);
        name = repeat("🙂", REGISTRY_KEY_NAME_MAX + 1);
        assert_true(asprintf(&path, "HKLM\\%s", name) > 0);
        assert_int_equal(registry_create_key(r, path), -E2BIG);
        assert_int_equal(registry_key_exists(r, path), -E2BIG);
        free(path);
        free(name);

        /* Depth: 512 components with the root. */
        path = strdup("HKLM");
        assert_non_null(path);
        for (int i = 1; i < REGISTRY_KEY_DEPTH_MAX; i++) {
                char *p = NULL;
                assert_true(asprintf(&p, "%s\\%d", path, i) > 0);
                free(path);
                path = p;
        }
        assert_int_equal(set_sz(r, path, "deep", "yes"), 1);
        char *s = get_sz(r, path, "DEEP");
        assert_string_equal(s, "yes");
        free(s);
        char *deeper = NULL;
        assert_true(asprintf(&deeper, "%s\\x", path) > 0);
        assert_int_equal(registry_create_key(r, deeper), -E2BIG);
        assert_non_null(strstr(registry_last_error(r), "deep"));
        free(deeper);
        free(path);
        /* The whole chain goes in one delete. */
        assert_int_equal(registry_delete_key(r, "HKLM\\1"), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\1"), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\1\\2"), 0);

        /* Value names: 16383 characters. */
        name = repeat("ü", REGISTRY_VALUE_NAME_MAX);
        assert_int_equal(set_sz(r, "HKLM\\L", name, "x"), 1);
        s = get_sz(r, "HKLM\\L", name);
        assert_string_equal(s, "x");
        free(s);
        free(name);
        name = repeat("v", REGISTRY_VALUE_NAME_MAX + 1);
        assert_int_equal(set_sz(r, "HKLM\\L", name, "x"), -E2BIG);
        assert_non_null(strstr(registry_last_error(r), "16383"));
        RegValue *v = NULL;
        assert_int_equal(registry_get_value(r, "HKLM\\L", name, &v), -E2BIG);
        free(name);
        assert_int_equal(set_sz(r, "HKLM\\L", "bad\nname", "x"), -EINVAL);
        assert_int_equal(set_sz(r, "HKLM\\L", "\xc3", "x"), -EINVAL);
        registry_free(r);
}

/* ---- transactions -------------------------------------------------------------------------- */

static void test_transactions(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path), *other = open_ro(t->path);
        char **l = NULL;

        assert_int_equal(set_sz(r, "HKLM\\Tx", "kept", "1"), 1);

        /* Rollback undoes everything since begin, values and keys alike. */
        assert_int_equal(registry_begin(r), 0);
        assert_int_equal(registry_begin(r), -EBUSY);
        assert_int_equal(set_sz(r, "HKLM\\Tx\\New\\Deep", "a", "1"), 1);
        assert_int_equal(set_sz(r, "HKLM\\Tx", "kept", "changed"), 0);
        assert_int_equal(registry_delete_value(r, "HKLM\\Tx", "kept"), 0);
        assert_int_equal(registry_create_key(r, "HKLM\\Tx\\Other"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\Tx\\New\\Deep"), 1); /* visible inside */
        assert_int_equal(registry_key_exists(other, "HKLM\\Tx\\New"), 0);   /* not outside */
        assert_int_equal(registry_rollback(r), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\Tx\\New"), 0);
        assert_int_equal(registry_key_exists(r, "HKLM\\Tx\\Other"), 0);
        char *s = get_sz(r, "HKLM\\Tx", "kept");
        assert_string_equal(s, "1");
        free(s);

        /* Commit makes it all visible at once. */
        assert_int_equal(registry_begin(r), 0);
        assert_int_equal(set_sz(r, "HKLM\\Tx\\A", "a", "1"), 1);
        assert_int_equal(set_sz(r, "HKLM\\Tx\\B", "b", "2"), 1);
        /* A failed write inside the transaction changes nothing and does not end it. */
        assert_int_equal(
                        registry_set_value(r, "HKLM\\Tx\\C\\D", "x", REG_DWORD, "12", 2, false),
                        -EINVAL);
        assert_int_equal(registry_delete_key(r, "HKLM\\Tx\\Missing"), -ENOENT);
        assert_int_equal(registry_key_exists(other, "HKLM\\Tx\\A"), 0);
        assert_int_equal(registry_commit(r), 0);
        assert_int_equal(registry_list_subkeys(other, "HKLM\\Tx", &l), 0);
        assert_strv(l, (const char *const[]){"A", "B"}, 2);
        l = strv_free(l);

        assert_int_equal(registry_commit(r), -EINVAL);
        assert_non_null(strstr(registry_last_error(r), "No transaction"));
        assert_int_equal(registry_rollback(r), -EINVAL);

        /* Freeing a registry with an open transaction rolls it back. */
        assert_int_equal(registry_begin(r), 0);
        assert_int_equal(registry_create_key(r, "HKLM\\Tx\\Abandoned"), 1);
        registry_free(r);
        assert_int_equal(registry_key_exists(other, "HKLM\\Tx\\Abandoned"), 0);
        registry_free(other);

        /* While one registry holds the write lock, another's write waits for it. The child
         * opens its own registry: SQLite connections must not cross fork(). */
        int ready[2];
        assert_int_equal(pipe(ready), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                Registry *c = NULL;
                struct timespec hold = {.tv_nsec = 500 * 1000 * 1000};
                int k = registry_open(t->path, REGISTRY_OPEN_READ_WRITE, &c, NULL);
                if (k >= 0)
                        k = registry_begin(c);
                if (k >= 0)
                        k = registry_create_key(c, "HKLM\\Tx\\Locked");
                if (write(ready[1], "x", 1) != 1)
                        k = -EIO;
                (void) nanosleep(&hold, NULL);
                if (k >= 0)
                        k = registry_commit(c);
                registry_free(c);
                _exit(k >= 0 ? 0 : 1);
        }
        char x;
        assert_int_equal(read(ready[0], &x, 1), 1);
        struct timespec a, b;
        assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &a), 0);
        r = open_rw(t->path);
        assert_int_equal(registry_create_key(r, "HKLM\\Tx\\Parent"), 1);
        assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &b), 0);
        long waited_ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
        assert_true(waited_ms >= 300); /* it waited for the child's commit */
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(registry_list_subkeys(r, "HKLM\\Tx", &l), 0);
        assert_strv(l, (const char *const[]){"A", "B", "Locked", "Parent"}, 4);
        l = strv_free(l);
        registry_free(r);
        close(ready[0]);
        close(ready[1]);
}

/* ---- privilege ----------------------------------------------------------------------------- */

static char *file_contents(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "re");
        char *buf = NULL;
        size_t n = 0;

        assert_non_null(f);
        FILE *m = open_memstream(&buf, &n);
        assert_non_null(m);
        for (int c; (c = fgetc(f)) != EOF;)
                assert_true(fputc(c, m) != EOF);
        fclose(f);
        fclose(m);
        *ret_size = n;
        return buf;
}

static void test_unprivileged(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path), *u = NULL;
        char *m = NULL;

        assert_int_equal(set_sz(r, "HKLM\\P", "v", "1"), 1);
        assert_int_equal(registry_create_key(r, "HKLM\\P\\Sub"), 1);
        size_t before_size = 0, after_size = 0;
        char *before = file_contents(t->path, &before_size);

        fake_euid = 1000;
        /* Opening for writing is refused, with a message saying why. */
        assert_int_equal(registry_open(t->path, REGISTRY_OPEN_READ_WRITE, &u, &m), -EACCES);
        assert_null(u);
        assert_non_null(m);
        assert_non_null(strstr(m, "privilege"));
        assert_non_null(strstr(m, t->path));
        free(m);
        /* ... also when the file does not exist: nothing is created. */
        char *missing = NULL;
        assert_true(asprintf(&missing, "%s/sub/none.db", t->dir) > 0);
        assert_int_equal(registry_open(missing, REGISTRY_OPEN_READ_WRITE, &u, NULL), -EACCES);
        assert_int_equal(access(missing, F_OK), -1);
        free(missing);

        /* Every write through an already open registry is refused too. */
        assert_int_equal(registry_create_key(r, "HKLM\\P\\New"), -EACCES);
        assert_non_null(strstr(registry_last_error(r), "privilege"));
        assert_int_equal(set_sz(r, "HKLM\\P", "v", "2"), -EACCES);
        assert_int_equal(set_sz(r, "HKLM\\P", "w", "2"), -EACCES);
        assert_int_equal(registry_delete_value(r, "HKLM\\P", "v"), -EACCES);
        assert_int_equal(registry_delete_all_values(r, "HKLM\\P"), -EACCES);
        assert_int_equal(registry_delete_key(r, "HKLM\\P\\Sub"), -EACCES);
        assert_int_equal(registry_delete_key(r, "HKLM\\P\\Missing"), -EACCES);
        assert_int_equal(registry_begin(r), -EACCES);

        /* Reading is for everyone. */
        u = open_ro(t->path);
        char *s = get_sz(u, "HKLM\\P", "V");
        assert_string_equal(s, "1");
        free(s);
        assert_int_equal(registry_key_exists(u, "HKLM\\P\\Sub"), 1);
        assert_int_equal(registry_key_exists(r, "HKLM\\P\\New"), 0);
        registry_free(u);

        /* A transaction begun as root cannot be continued without it. */
        fake_euid = 0;
        assert_int_equal(registry_begin(r), 0);
        assert_int_equal(registry_create_key(r, "HKLM\\P\\InTx"), 1);
        fake_euid = 1000;
        assert_int_equal(registry_create_key(r, "HKLM\\P\\InTx2"), -EACCES);
        fake_euid = 0;
        assert_int_equal(registry_rollback(r), 0);

        /* The file is exactly as it was. */
        char *after = file_contents(t->path, &after_size);
        assert_int_equal(before_size, after_size);
        assert_memory_equal(before, after, before_size);
        free(before);
        free(after);
        registry_free(r);
}

/* A real unprivileged process (not the wrapped geteuid) reads the root-owned file: the rollback
 * journal needs no write access from readers. Needs real root to switch users. */
static void test_real_unprivileged_reader(void **state) {
        TestDir *t = *state;

        if (getuid() != 0) {
                skip();
                return;
        }
        assert_int_equal(chmod(t->dir, 0755), 0);
        Registry *r = open_rw(t->path);
        assert_int_equal(set_sz(r, "HKLM\\Readable", "v", "yes"), 1);
        registry_free(r); /* SQLite connections must not cross fork() */

        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                Registry *ro = NULL;
                char *s = NULL;
                int ok;
                if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
                    setresuid(65534, 65534, 65534) < 0)
                        _exit(2);
                if (registry_open(t->path, REGISTRY_OPEN_READ_ONLY, &ro, NULL) < 0)
                        _exit(3);
                s = get_sz(ro, "HKLM\\Readable", "v");
                ok = s && strcmp(s, "yes") == 0;
                free(s);
                registry_free(ro);
                /* The operating system refuses writing, whatever our check says (the wrapped
                 * geteuid() says 0 here). */
                char *m = NULL;
                if (registry_open(t->path, REGISTRY_OPEN_READ_WRITE, &ro, &m) != -EACCES || !m ||
                    !strstr(m, "cannot be written"))
                        _exit(4);
                free(m);
                _exit(ok ? 0 : 5);
        }

        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        r = open_ro(t->path);
        assert_int_equal(registry_key_exists(r, "HKLM\\Intruder"), 0);
        registry_free(r);
}

/* ---- concurrency --------------------------------------------------------------------------- */

#define WRITERS      8
#define TRANSACTIONS 100

static double seconds_since(const struct timespec *a) {
        struct timespec b;

        assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &b), 0);
        return (double) (b.tv_sec - a->tv_sec) + (double) (b.tv_nsec - a->tv_nsec) / 1e9;
}

/* One writer process: each transaction adds a key, adds a value to a key all writers share and
 * increments a counter they all share (read, then write: lost if transactions interleaved).
 * Writes the longest wait for the write lock, in ms, to 'report_fd'. */
static int writer_child(const char *path, int w, int report_fd) {
        Registry *r = NULL;
        double longest = 0;
        int k = registry_open(path, REGISTRY_OPEN_READ_WRITE, &r, NULL);

        for (int i = 0; k >= 0 && i < TRANSACTIONS; i++) {
                char key[64], name[32];
                RegValue *v = NULL;
                uint32_t count = 0;
                struct timespec a;

                (void) snprintf(key, sizeof key, "HKLM\\Conc\\Keys\\w%d-%d", w, i);
                (void) snprintf(name, sizeof name, "w%d-%d", w, i);
                (void) clock_gettime(CLOCK_MONOTONIC, &a);
                k = registry_begin(r);
                longest = MAX(longest, seconds_since(&a));
                if (k >= 0)
                        k = registry_create_key(r, key);
                if (k >= 0)
                        k = set_dword(r, "HKLM\\Conc", name, (uint32_t) i);
                if (k >= 0) {
                        k = registry_get_value(r, "HKLM\\Conc", "Counter", &v);
                        if (k == -ENOENT)
                                k = 0;
                        else if (k >= 0)
                                k = reg_value_get_dword(v, &count);
                        reg_value_free(v);
                }
                if (k >= 0)
                        k = set_dword(r, "HKLM\\Conc", "Counter", count + 1);
                if (k >= 0)
                        k = registry_commit(r);
                else
                        (void) registry_rollback(r);
                if (k < 0)
                        fprintf(stderr, "writer %d: %d %s\n", w, k, registry_last_error(r));
        }
        registry_free(r);
        if (write(report_fd, &longest, sizeof longest) != (ssize_t) sizeof longest)
                return 1;
        return k < 0 ? 1 : 0;
}

static void test_concurrent_writers(void **state) {
        TestDir *t = *state;
        pid_t pids[WRITERS];
        double longest = 0;
        struct timespec a;
        int report[2];

        /* Every child also races on creating the file. */
        assert_int_equal(pipe(report), 0);
        assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &a), 0);
        for (int w = 0; w < WRITERS; w++) {
                pids[w] = fork();
                assert_true(pids[w] >= 0);
                if (pids[w] == 0)
                        _exit(writer_child(t->path, w, report[1]));
        }
        for (int w = 0; w < WRITERS; w++) {
                int status = 0;
                double l = 0;
                assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
                assert_true(WIFEXITED(status));
                assert_int_equal(WEXITSTATUS(status), 0);
                assert_int_equal(read(report[0], &l, sizeof l), sizeof l);
                longest = MAX(longest, l);
        }
        double secs = seconds_since(&a);
        print_message("# %d processes x %d transactions: %.2f s (%.1f ms per transaction), "
                      "longest wait for the write lock %.0f ms\n",
                      WRITERS, TRANSACTIONS, secs, secs * 1000 / (WRITERS * TRANSACTIONS),
                      longest * 1000);
        close(report[0]);
        close(report[1]);

        Registry *r = open_ro(t->path);
        char **l = NULL;
        RegValue *v = NULL;
        size_t n = 0;
        assert_int_equal(registry_list_subkeys(r, "HKLM\\Conc\\Keys", &l), 0);
        assert_int_equal(strv_length(l), WRITERS * TRANSACTIONS);
        l = strv_free(l);
        assert_int_equal(registry_list_values(r, "HKLM\\Conc", &v, &n), 0);
        assert_int_equal(n, WRITERS * TRANSACTIONS + 1);
        reg_value_array_free(v, n);
        for (int w = 0; w < WRITERS; w++)
                for (int i = 0; i < TRANSACTIONS; i++) {
                        char key[64];
                        (void) snprintf(key, sizeof key, "HKLM\\Conc\\Keys\\W%d-%d", w, i);
                        assert_int_equal(registry_key_exists(r, key), 1);
                }
        assert_int_equal(registry_get_value(r, "HKLM\\Conc", "counter", &v), 0);
        uint32_t count = 0;
        assert_int_equal(reg_value_get_dword(v, &count), 0);
        assert_int_equal(count, WRITERS * TRANSACTIONS);
        reg_value_free(v);
        registry_free(r);
}

/* ---- damaged files ------------------------------------------------------------------------- */

static void copy_prefix(const char *from, const char *to, size_t n) {
        size_t size = 0;
        char *data = file_contents(from, &size);
        assert_true(n <= size);
        FILE *f = fopen(to, "we");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, n, f), n);
        assert_int_equal(fclose(f), 0);
        free(data);
}

static void overwrite(const char *path, long offset, const char *bytes, size_t n) {
        int fd = open(path, O_WRONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, bytes, n, offset), (ssize_t) n);
        assert_int_equal(close(fd), 0);
}

/* Opening 'path' either way gives -EBADMSG and a message naming the file; nothing is changed. */
static void assert_damaged(const char *path, const char *what) {
        size_t size_before = 0, size_after = 0;
        char *before = NULL, *after = NULL;
        struct stat st;

        bool is_file = stat(path, &st) >= 0 && S_ISREG(st.st_mode);
        if (is_file)
                before = file_contents(path, &size_before);
        for (int rw = 0; rw < 2; rw++) {
                Registry *r = NULL;
                char *m = NULL;
                int k = registry_open(
                                path, rw ? REGISTRY_OPEN_READ_WRITE : REGISTRY_OPEN_READ_ONLY, &r,
                                &m);
                if (k != -EBADMSG)
                        fail_msg("%s (%s): %d (%s), expected -EBADMSG", what, rw ? "rw" : "ro", k,
                                 m ? m : "");
                assert_null(r);
                assert_non_null(m);
                if (!strstr(m, path))
                        fail_msg("%s: message does not name the file: %s", what, m);
                free(m);
        }
        if (is_file) {
                after = file_contents(path, &size_after);
                assert_int_equal(size_before, size_after);
                assert_memory_equal(before, after, size_before);
        }
        free(before);
        free(after);
}

static void test_damaged_files(void **state) {
        TestDir *t = *state;
        char *bad = NULL;
        size_t size = 0;

        /* A real registry of several pages. */
        Registry *r = open_rw(t->path);
        char *blob = repeat("0123456789abcdef", 64);
        assert_int_equal(registry_begin(r), 0);
        for (int i = 0; i < 100; i++) {
                char key[32];
                (void) snprintf(key, sizeof key, "HKLM\\Data\\K%d", i);
                assert_int_equal(set_sz(r, key, "blob", blob), 1);
        }
        assert_int_equal(registry_commit(r), 0);
        free(blob);
        registry_free(r);
        free(file_contents(t->path, &size));
        assert_true(size > 16 * 4096);

        assert_true(asprintf(&bad, "%s/bad.db", t->dir) > 0);
        const size_t cuts[] = {0,    1,        15,          16,          50,      99,
                               100,  101,      512,         4095,        4096,    4097,
                               8192, size / 2, size - 4096, size - 4095, size - 1};
        for (size_t i = 0; i < ELEMENTSOF(cuts); i++) {
                char what[64];
                (void) snprintf(what, sizeof what, "truncated to %zu bytes", cuts[i]);
                copy_prefix(t->path, bad, cuts[i]);
                assert_damaged(bad, what);
        }

        /* Garbage over the header, and over a page in the middle. */
        copy_prefix(t->path, bad, size);
        overwrite(bad, 0, "this is not an SQLite header at all", 35);
        assert_damaged(bad, "garbage header");
        copy_prefix(t->path, bad, size);
        char junk[4096];
        memset(junk, 0xA5, sizeof junk);
        overwrite(bad, 4096, junk, sizeof junk);
        assert_damaged(bad, "garbage page 2");
        copy_prefix(t->path, bad, size);
        overwrite(bad, (long) (size - 4096), junk, sizeof junk);
        assert_damaged(bad, "garbage last page");

        /* Text, a directory, another program's database, a newer format. */
        FILE *f = fopen(bad, "we");
        assert_non_null(f);
        fputs("[HKEY_LOCAL_MACHINE\\SOFTWARE]\n\"x\"=\"y\"\n", f);
        assert_int_equal(fclose(f), 0);
        assert_damaged(bad, "text file");

        char *dir = NULL;
        assert_true(asprintf(&dir, "%s/dir.db", t->dir) > 0);
        assert_int_equal(mkdir(dir, 0755), 0);
        assert_damaged(dir, "directory");
        free(dir);

        assert_int_equal(unlink(bad), 0);
        raw_exec(bad, "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);"
                      "INSERT INTO photos (name) VALUES ('cat.jpg');");
        assert_damaged(bad, "unrelated SQLite database");
        assert_int_equal(unlink(bad), 0);
        raw_exec(bad, "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);");
        assert_damaged(bad, "unrelated SQLite database in WAL mode"); /* and left in WAL mode */
        assert_int_equal(unlink(bad), 0);
        raw_exec(bad, "PRAGMA user_version = 1");
        assert_damaged(bad, "empty SQLite database");

        copy_prefix(t->path, bad, size);
        raw_exec(bad, "PRAGMA user_version = 2");
        assert_damaged(bad, "newer format");
        Registry *n = NULL;
        char *m = NULL;
        assert_int_equal(registry_open(bad, REGISTRY_OPEN_READ_ONLY, &n, &m), -EBADMSG);
        assert_non_null(strstr(m, "newer"));
        free(m);

        copy_prefix(t->path, bad, size);
        raw_exec(bad, "DROP TABLE reg_values");
        assert_damaged(bad, "a table missing");
        copy_prefix(t->path, bad, size);
        raw_exec(bad, "DELETE FROM reg_keys WHERE id = 1");
        assert_damaged(bad, "root key missing");

        /* Rows that break the rules are reported when read. */
        copy_prefix(t->path, bad, size);
        raw_exec(bad, "UPDATE reg_values SET data = x'41' WHERE id = 1");
        Registry *d = open_ro(bad);
        RegValue *v = NULL;
        assert_int_equal(registry_get_value(d, "HKLM\\Data\\K0", "blob", &v), -EBADMSG);
        assert_non_null(strstr(registry_last_error(d), bad));
        assert_int_equal(registry_get_value(d, "HKLM\\Data\\K1", "blob", &v), 0);
        reg_value_free(v);
        registry_free(d);

        /* The original was never touched. */
        r = open_ro(t->path);
        assert_int_equal(registry_key_exists(r, "HKLM\\Data\\K99"), 1);
        registry_free(r);
        free(bad);
}

/* A registry someone switched to WAL mode is switched back by the next writer. */
static void test_wal_mode_reverted(void **state) {
        TestDir *t = *state;
        unsigned char header[20];

        Registry *r = open_rw(t->path);
        assert_int_equal(set_sz(r, "HKLM\\W", "v", "1"), 1);
        registry_free(r);
        raw_exec(t->path, "PRAGMA journal_mode = WAL");

        FILE *f = fopen(t->path, "re");
        assert_non_null(f);
        assert_int_equal(fread(header, 1, sizeof header, f), sizeof header);
        fclose(f);
        assert_int_equal(header[18], 2); /* WAL */

        r = open_rw(t->path);
        char *s = get_sz(r, "HKLM\\W", "v");
        assert_string_equal(s, "1");
        free(s);
        registry_free(r);
        f = fopen(t->path, "re");
        assert_non_null(f);
        assert_int_equal(fread(header, 1, sizeof header, f), sizeof header);
        fclose(f);
        assert_int_equal(header[18], 1); /* rollback journal */
        assert_int_equal(header[19], 1);
}

/* A file that was damaged after it was opened is reported by the next read. */
static void test_damaged_while_open(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path), *ro;
        char junk[4096];

        for (int i = 0; i < 50; i++) {
                char key[32];
                (void) snprintf(key, sizeof key, "HKLM\\D\\K%d", i);
                assert_int_equal(set_sz(r, key, "v", "some data"), 1);
        }
        ro = open_ro(t->path);
        memset(junk, 0x5A, sizeof junk);
        overwrite(t->path, 0, junk, 100);
        assert_int_equal(registry_key_exists(ro, "HKLM\\D\\K3"), -EBADMSG);
        assert_non_null(strstr(registry_last_error(ro), t->path));
        assert_int_equal(registry_create_key(r, "HKLM\\D\\New"), -EBADMSG);
        registry_free(ro);
        registry_free(r);
}

/* A writer killed in a transaction larger than SQLite's page cache leaves a half-written file
 * and a hot journal. Root's next opening, even read-only, rolls it back; until then an
 * unprivileged reader is told why it cannot read. */
static void test_interrupted_writer(void **state) {
        TestDir *t = *state;
        char *journal = NULL;

        Registry *r = open_rw(t->path);
        assert_int_equal(set_sz(r, "HKLM\\Before", "v", "kept"), 1);
        registry_free(r);

        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                Registry *c = NULL;
                char *blob = repeat("x", 2048);
                if (registry_open(t->path, REGISTRY_OPEN_READ_WRITE, &c, NULL) < 0 ||
                    registry_begin(c) < 0)
                        _exit(1);
                for (int i = 0; i < 3000; i++) {
                        char key[32];
                        (void) snprintf(key, sizeof key, "HKLM\\Big\\%d", i);
                        if (set_sz(c, key, "blob", blob) < 0)
                                _exit(2);
                }
                (void) kill(getpid(), SIGKILL);
                _exit(3);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status));
        assert_true(asprintf(&journal, "%s-journal", t->path) > 0);
        assert_int_equal(access(journal, F_OK), 0);

        Registry *u = NULL;
        char *m = NULL;
        fake_euid = 1000;
        assert_int_equal(registry_open(t->path, REGISTRY_OPEN_READ_ONLY, &u, &m), -EACCES);
        assert_non_null(strstr(m, "interrupted write"));
        assert_non_null(strstr(m, t->path));
        free(m);
        fake_euid = 0;

        r = open_ro(t->path);
        assert_int_equal(access(journal, F_OK), -1);
        assert_int_equal(registry_key_exists(r, "HKLM\\Big"), 0);
        char *s = get_sz(r, "HKLM\\Before", "v");
        assert_string_equal(s, "kept");
        free(s);
        registry_free(r);

        fake_euid = 1000;
        r = open_ro(t->path);
        assert_int_equal(registry_key_exists(r, "HKLM\\Before"), 1);
        registry_free(r);
        free(journal);
}

/* A write that fails half-way for want of space (here: a file size limit) loses nothing that
 * was stored before, in a single write and in a transaction. */
static void test_failed_write_loses_nothing(void **state) {
        TestDir *t = *state;
        struct stat st;

        Registry *r = open_rw(t->path);
        assert_int_equal(registry_begin(r), 0);
        for (int i = 0; i < 200; i++) {
                char key[32];
                (void) snprintf(key, sizeof key, "HKLM\\Old\\%d", i);
                assert_int_equal(set_dword(r, key, "v", (uint32_t) i), 1);
        }
        assert_int_equal(registry_commit(r), 0);
        registry_free(r);
        assert_int_equal(stat(t->path, &st), 0);

        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                struct rlimit limit = {
                                .rlim_cur = (rlim_t) st.st_size + 16384,
                                .rlim_max = (rlim_t) st.st_size + 16384};
                Registry *c = NULL;
                char *blob = repeat("y", 100000);
                int k1, k2;
                if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &limit) < 0 ||
                    registry_open(t->path, REGISTRY_OPEN_READ_WRITE, &c, NULL) < 0)
                        _exit(1);
                /* One write too big for the limit. */
                k1 = registry_set_value(c, "HKLM\\New", "big", REG_SZ, blob, 100001, false);
                /* Many small ones in a transaction: fails at some write or at the commit. */
                char *m1 = strdup(registry_last_error(c) ? registry_last_error(c) : "");
                k2 = registry_begin(c);
                for (int i = 0; k2 >= 0 && i < 100; i++) {
                        char key[32];
                        (void) snprintf(key, sizeof key, "HKLM\\Old\\%d", i);
                        k2 = set_sz(c, key, "v", blob);
                        if (k2 >= 0)
                                k2 = registry_delete_key(c, "HKLM\\Old\\199");
                        if (k2 == -ENOENT)
                                k2 = 0;
                }
                if (k2 >= 0)
                        k2 = registry_commit(c);
                char *m2 = strdup(registry_last_error(c) ? registry_last_error(c) : "");
                (void) registry_rollback(c); /* if SQLite did not end the transaction itself */
                if (k1 < 0 && k2 < 0)
                        fprintf(stderr, "# refused as expected: %d (%s), %d (%s)\n", k1, m1, k2,
                                m2);
                registry_free(c);
                free(m1);
                free(m2);
                free(blob);
                _exit(k1 < 0 && k2 < 0 ? 0 : 2);
        }
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);

        r = open_rw(t->path); /* rolls back whatever the failed writer left */
        assert_int_equal(registry_key_exists(r, "HKLM\\New"), 0);
        for (int i = 0; i < 200; i++) {
                char key[32];
                RegValue *v = NULL;
                uint32_t d = 0;
                (void) snprintf(key, sizeof key, "HKLM\\Old\\%d", i);
                assert_int_equal(registry_get_value(r, key, "V", &v), 0);
                assert_int_equal(reg_value_get_dword(v, &d), 0);
                assert_int_equal(d, i);
                reg_value_free(v);
        }
        registry_free(r);
}

/* A writer that holds the write lock for more than 10 s makes others' writes fail with -EBUSY;
 * reading goes on meanwhile. */
static void test_lock_timeout(void **state) {
        TestDir *t = *state;
        int ready[2], done[2];
        char x = 0;

        Registry *r = open_rw(t->path);
        assert_int_equal(set_sz(r, "HKLM\\T", "v", "1"), 1);
        registry_free(r);

        assert_int_equal(pipe(ready), 0);
        assert_int_equal(pipe(done), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                Registry *c = NULL;
                int k = registry_open(t->path, REGISTRY_OPEN_READ_WRITE, &c, NULL);
                if (k >= 0)
                        k = registry_begin(c);
                if (k >= 0)
                        k = registry_create_key(c, "HKLM\\T\\Child");
                if (write(ready[1], "x", 1) != 1 || read(done[0], &x, 1) != 1)
                        k = -EIO;
                if (k >= 0)
                        k = registry_rollback(c);
                registry_free(c);
                _exit(k >= 0 ? 0 : 1);
        }
        assert_int_equal(read(ready[0], &x, 1), 1);

        r = open_rw(t->path);
        Registry *ro = open_ro(t->path);
        char *s = get_sz(ro, "HKLM\\T", "v");
        assert_string_equal(s, "1");
        free(s);
        struct timespec a;
        assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &a), 0);
        assert_int_equal(registry_create_key(r, "HKLM\\T\\Parent"), -EBUSY);
        double waited = seconds_since(&a);
        assert_true(waited >= 9.9 && waited < 15);
        assert_non_null(strstr(registry_last_error(r), "locked"));
        assert_non_null(strstr(registry_last_error(r), t->path));
        assert_int_equal(registry_key_exists(ro, "HKLM\\T"), 1);

        assert_int_equal(write(done[1], "x", 1), 1);
        int status = 0;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        assert_int_equal(registry_create_key(r, "HKLM\\T\\Parent"), 1);
        assert_int_equal(registry_key_exists(ro, "HKLM\\T\\Child"), 0);
        registry_free(ro);
        registry_free(r);
        close(ready[0]);
        close(ready[1]);
        close(done[0]);
        close(done[1]);
}

/* A damaged file that appears under a reader that found none is reported at each read. */
static void test_file_appears_damaged(void **state) {
        TestDir *t = *state;
        Registry *ro = open_ro(t->path);

        assert_int_equal(registry_key_exists(ro, "HKLM\\x"), 0);
        FILE *f = fopen(t->path, "we");
        assert_non_null(f);
        fputs("garbage", f);
        assert_int_equal(fclose(f), 0);
        assert_int_equal(registry_key_exists(ro, "HKLM\\x"), -EBADMSG);
        assert_non_null(strstr(registry_last_error(ro), t->path));
        assert_int_equal(registry_key_exists(ro, "HKLM\\x"), -EBADMSG);
        assert_int_equal(unlink(t->path), 0);
        assert_int_equal(registry_key_exists(ro, "HKLM\\x"), 0);
        Registry *r = open_rw(t->path);
        assert_int_equal(registry_create_key(r, "HKLM\\x"), 1);
        registry_free(r);
        assert_int_equal(registry_key_exists(ro, "HKLM\\x"), 1);
        registry_free(ro);
}

static void test_last_error(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);

        assert_null(registry_last_error(r));
        assert_int_equal(registry_key_exists(r, "HKLM\\x\\\\y"), -EINVAL);
        assert_non_null(strstr(registry_last_error(r), "empty key name"));
        assert_int_equal(registry_create_key(r, "HKLM\\x"), 1);
        assert_null(registry_last_error(r));
        assert_int_equal(registry_key_exists(r, "HKLM\\y"), 0); /* missing is no failure */
        assert_null(registry_last_error(r));
        registry_free(r);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_type_names),
                        cmocka_unit_test(test_value_accessors),
                        cmocka_unit_test(test_path_normalize),
                        cmocka_unit_test_setup_teardown(
                                        test_open_missing_read_only, test_dir_setup,
                                        test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_open_creates_file, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_open_arguments, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_default_path, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_keys_case, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_creation_order, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_delete_keys, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_values_delete, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_value_types, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_limits, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_transactions, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_unprivileged, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_real_unprivileged_reader, test_dir_setup,
                                        test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_concurrent_writers, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_damaged_files, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_damaged_while_open, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_wal_mode_reverted, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_interrupted_writer, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_failed_write_loses_nothing, test_dir_setup,
                                        test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_lock_timeout, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_file_appears_damaged, test_dir_setup,
                                        test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_last_error, test_dir_setup, test_dir_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
