/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Windows Server Backup application registrations (seed 000) and the VSS writer access list. */

#include "test-registry-util.h"

#define SUPPORT   REGISTRY_APP_SUPPORT_KEY
#define GUID_A    "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}"
#define GUID_B    "{0B1E7B7E-4C24-4B31-9A0D-6C1D2E3F4A5B}"
#define GUID_C    "{9D7F3F4C-1111-4222-8333-944455556666}"
#define CLSID_X   "{1EFF3510-4A27-46AD-B9E0-08332F0F4F6D}"
#define KEY(guid) SUPPORT "\\" guid

/* The seed's example, as the documented batch line writes it: the path in its mixed case. */
#define SEED_KEY                                                                \
        "HKEY_LOCAL_MACHINE\\Software\\Microsoft\\windows nt\\currentversion\\" \
        "WindowsServerBackup\\Application Support\\{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}"

static void list(Registry *r, RegistryApp **apps, size_t *n) {
        int k = registry_list_apps(r, apps, n);
        if (k < 0)
                fail_msg("registry_list_apps: %d %s", k, registry_last_error(r));
}

static void test_status_names(void **state) {
        (void) state;
        assert_string_equal(registry_app_status_to_string(REGISTRY_APP_OK), "ok");
        assert_string_equal(
                        registry_app_status_to_string(REGISTRY_APP_IGNORED_DUPLICATE), "ignored");
        assert_string_equal(registry_app_status_to_string(REGISTRY_APP_INVALID), "invalid");
        assert_null(registry_app_status_to_string((RegistryAppStatus) 3));
        assert_null(registry_app_status_to_string((RegistryAppStatus) -1));
        registry_app_array_free(NULL, 5);
}

static void test_seed_example(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegistryApp *apps = NULL;
        size_t n = 9;
        vss_guid g;

        /* No "Application Support" key: no applications, no error. */
        list(r, &apps, &n);
        assert_int_equal(n, 0);
        registry_app_array_free(apps, n);

        assert_int_equal(set_sz(r, SEED_KEY, "Application Identifier", "My Application"), 1);
        list(r, &apps, &n);
        assert_int_equal(n, 1);
        assert_string_equal(apps[0].key_name, GUID_A);
        assert_int_equal(vss_guid_from_string(GUID_A, &g), 0);
        assert_true(vss_guid_equal(&apps[0].writer_id, &g));
        assert_string_equal(apps[0].identifier, "My Application");
        assert_false(apps[0].has_clsid);
        assert_null(apps[0].addin_path);
        assert_int_equal(apps[0].status, REGISTRY_APP_OK);
        assert_null(apps[0].reason);
        registry_app_array_free(apps, n);

        /* The same as REGISTRY_APP_SUPPORT_KEY spells it. */
        char *s = get_sz(r, KEY(GUID_A), REGISTRY_APP_IDENTIFIER);
        assert_string_equal(s, "My Application");
        free(s);

        /* Registering again (reg add /f) replaces, and is no duplicate of itself. */
        char *m = NULL;
        assert_int_equal(
                        registry_apps_check_write(
                                        r, SEED_KEY, "Application Identifier", REG_SZ,
                                        "My Application", 15, &m),
                        0);
        assert_null(m);
        assert_int_equal(set_sz(r, SEED_KEY, "application identifier", "My Application"), 0);

        RegistryApp *one = NULL;
        assert_int_equal(registry_find_app(r, "my application", &one, &m), 0);
        assert_null(m);
        assert_string_equal(one->identifier, "My Application");
        assert_string_equal(one->key_name, GUID_A);
        registry_app_array_free(one, 1);
        registry_free(r);
}

static void test_identifier_rules(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegistryApp *apps = NULL;
        size_t n = 0;
        char *s;

        /* 256 characters, in any number of bytes, are fine; 257 are not. */
        const char *units[] = {"a", "é", "€", "🙂"};
        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                s = repeat(units[i], REGISTRY_APP_IDENTIFIER_MAX);
                assert_int_equal(set_sz(r, KEY(GUID_A), REGISTRY_APP_IDENTIFIER, s), i == 0);
                char *back = get_sz(r, KEY(GUID_A), REGISTRY_APP_IDENTIFIER);
                assert_string_equal(back, s);
                free(back);
                free(s);

                s = repeat(units[i], REGISTRY_APP_IDENTIFIER_MAX + 1);
                assert_int_equal(set_sz(r, KEY(GUID_A), REGISTRY_APP_IDENTIFIER, s), -EINVAL);
                const char *e = registry_last_error(r);
                assert_non_null(strstr(e, "257 characters"));
                assert_non_null(strstr(e, "1 to 256"));
                assert_non_null(strstr(e, GUID_A));
                free(s);
        }
        /* The refused writes left the last good one. */
        s = get_sz(r, KEY(GUID_A), REGISTRY_APP_IDENTIFIER);
        assert_int_equal(strlen(s), 256 * 4);
        free(s);

        /* Empty, or not a REG_SZ. */
        assert_int_equal(set_sz(r, KEY(GUID_B), REGISTRY_APP_IDENTIFIER, ""), -EINVAL);
        assert_non_null(strstr(registry_last_error(r), "empty"));
        assert_int_equal(
                        registry_set_value(
                                        r, KEY(GUID_B), REGISTRY_APP_IDENTIFIER, REG_EXPAND_SZ,
                                        "App", 4, false),
                        -EINVAL);
        assert_non_null(strstr(registry_last_error(r), "REG_EXPAND_SZ, not REG_SZ"));
        assert_int_equal(set_dword(r, KEY(GUID_B), REGISTRY_APP_IDENTIFIER, 1), -EINVAL);
        assert_int_equal(
                        registry_set_value(
                                        r, KEY(GUID_B), "APPLICATION IDENTIFIER", REG_MULTI_SZ,
                                        "App\0", 5, false),
                        -EINVAL);
        /* A refused write does not even create the key. */
        assert_int_equal(registry_key_exists(r, KEY(GUID_B)), 0);

        /* The identifier is stored exactly as given. */
        const char *odd = "  Ünïcødé  App\t(2) ";
        assert_int_equal(set_sz(r, KEY(GUID_C), REGISTRY_APP_IDENTIFIER, odd), 1);
        list(r, &apps, &n);
        assert_int_equal(n, 2);
        assert_string_equal(apps[1].identifier, odd);
        assert_int_equal(apps[1].status, REGISTRY_APP_OK);
        registry_app_array_free(apps, n);

        /* Other values of a registration key and values of deeper keys have no rules. */
        assert_int_equal(set_dword(r, KEY(GUID_C), "Something Else", 1), 1);
        assert_int_equal(set_dword(r, KEY(GUID_C) "\\Sub", REGISTRY_APP_IDENTIFIER, 1), 1);
        assert_int_equal(set_dword(r, KEY(GUID_C) "\\Sub", REGISTRY_APP_CLSID, 1), 1);
        registry_free(r);
}

static void test_key_name_rules(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegistryApp *apps = NULL;
        size_t n = 0;

        const char *bad[] = {
                        "CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B",    /* no braces */
                        "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B",   /* one brace */
                        "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1}",   /* short */
                        "{CE4EF7DC-18CE-4A11-B4C9-D7A668637D1BB}", /* long */
                        "{CE4EF7DC18CE-4A11-B4C9-D7A668637D1B0}",  /* dash misplaced */
                        "{GE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}",  /* not hex */
                        " {CE4EF7DC-18CE-4A11-B4C9-D7A668637D1B}", "My Application",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *key = NULL;
                assert_true(asprintf(&key, "%s\\%s", SUPPORT, bad[i]) > 0);
                assert_int_equal(registry_create_key(r, key), -EINVAL);
                assert_non_null(strstr(registry_last_error(r), bad[i]));
                assert_non_null(strstr(registry_last_error(r), "writer class id"));
                assert_int_equal(set_sz(r, key, REGISTRY_APP_IDENTIFIER, "x"), -EINVAL);
                free(key);
                /* Also when the bad key would only be a parent of the one written. */
                assert_true(asprintf(&key, "%s\\%s\\Sub", SUPPORT, bad[i]) > 0);
                assert_int_equal(registry_create_key(r, key), -EINVAL);
                free(key);
        }
        assert_int_equal(registry_key_exists(r, SUPPORT), 0);

        /* Any case of hex digits; the path in any case and through any alias of the root. */
        assert_int_equal(registry_create_key(r, SUPPORT), 1);
        assert_int_equal(
                        registry_create_key(
                                        r, "hklm\\software\\microsoft\\WINDOWS NT\\"
                                           "currentversion\\windowsserverbackup\\"
                                           "APPLICATION SUPPORT\\{ce4ef7dc-18ce-4a11-b4c9-"
                                           "d7a668637d1b}"),
                        1);
        assert_int_equal(
                        registry_create_key(
                                        r, "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\"
                                           "CurrentVersion\\WindowsServerBackup\\"
                                           "Application Support\\no-guid"),
                        -EINVAL);
        /* Keys beside "Application Support" are not registrations. */
        assert_int_equal(registry_create_key(r, REGISTRY_WSB_KEY "\\Other\\no-guid"), 1);
        assert_int_equal(registry_create_key(r, REGISTRY_WSB_KEY "\\Application Supportx\\y"), 1);

        /* A key without an identifier is listed as invalid. */
        list(r, &apps, &n);
        assert_int_equal(n, 1);
        assert_string_equal(apps[0].key_name, "{ce4ef7dc-18ce-4a11-b4c9-d7a668637d1b}");
        assert_int_equal(apps[0].status, REGISTRY_APP_INVALID);
        assert_null(apps[0].identifier);
        assert_non_null(strstr(apps[0].reason, "'Application Identifier' is missing"));
        registry_app_array_free(apps, n);

        /* registry_apps_check_write() on its own. */
        char *m = NULL;
        assert_int_equal(
                        registry_apps_check_write(
                                        r, "HKLM\\SOFTWARE\\x", "CLSID", REG_DWORD, "\0\0\0\0", 4,
                                        &m),
                        0);
        assert_int_equal(
                        registry_apps_check_write(r, SUPPORT, "v", REG_DWORD, "\0\0\0\0", 4, &m),
                        0);
        assert_int_equal(
                        registry_apps_check_write(r, KEY("x"), NULL, REG_NONE, NULL, 0, &m),
                        -EINVAL);
        assert_non_null(m);
        free(m);
        m = NULL;
        assert_int_equal(
                        registry_apps_check_write(r, "HKCU\\x", NULL, REG_NONE, NULL, 0, &m),
                        -EOPNOTSUPP);
        free(m);
        assert_int_equal(
                        registry_apps_check_write(r, NULL, NULL, REG_NONE, NULL, 0, NULL), -EINVAL);
        registry_free(r);
}

static void test_clsid_and_addin(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegistryApp *apps = NULL;
        size_t n = 0;
        vss_guid g;

        assert_int_equal(set_sz(r, KEY(GUID_A), REGISTRY_APP_IDENTIFIER, "With Add-in"), 1);
        assert_int_equal(set_sz(r, KEY(GUID_A), REGISTRY_APP_CLSID, CLSID_X), 1);
        assert_int_equal(set_sz(r, KEY(GUID_B), REGISTRY_APP_IDENTIFIER, "No Server"), 1);
        assert_int_equal(
                        set_sz(r, KEY(GUID_B), "clsid", "9d7f3f4c-1111-4222-8333-944455556666"), 1);

        /* Wrong CLSIDs are refused and change nothing. */
        assert_int_equal(set_dword(r, KEY(GUID_A), REGISTRY_APP_CLSID, 1), -EINVAL);
        assert_non_null(strstr(registry_last_error(r), "REG_DWORD, not REG_SZ"));
        assert_int_equal(set_sz(r, KEY(GUID_A), REGISTRY_APP_CLSID, "not a guid"), -EINVAL);
        assert_non_null(strstr(registry_last_error(r), "'not a guid'"));
        assert_int_equal(set_sz(r, KEY(GUID_A), REGISTRY_APP_CLSID, ""), -EINVAL);
        assert_int_equal(
                        registry_set_value(
                                        r, KEY(GUID_A), REGISTRY_APP_CLSID, REG_BINARY, "\1", 1,
                                        false),
                        -EINVAL);

        /* No LocalServer32 yet: no add-in path. */
        list(r, &apps, &n);
        assert_int_equal(n, 2);
        assert_true(apps[0].has_clsid);
        assert_int_equal(vss_guid_from_string(CLSID_X, &g), 0);
        assert_true(vss_guid_equal(&apps[0].clsid, &g));
        assert_null(apps[0].addin_path);
        assert_int_equal(apps[0].status, REGISTRY_APP_OK);
        assert_true(apps[1].has_clsid);
        registry_app_array_free(apps, n);

        /* The COM registration of the add-in, through HKCR, with the GUID in another case. */
        assert_int_equal(
                        set_sz(r,
                               "HKCR\\CLSID\\{1eff3510-4a27-46ad-b9e0-08332f0f4f6d}\\LocalServer32",
                               "", "/usr/lib/app/wsb-addin --serve"),
                        1);
        assert_int_equal(
                        registry_set_value(
                                        r,
                                        "HKLM\\SOFTWARE\\Classes\\CLSID\\" GUID_C "\\LocalServer32",
                                        "", REG_EXPAND_SZ, "/opt/x", 7, false),
                        1);
        list(r, &apps, &n);
        assert_string_equal(apps[0].addin_path, "/usr/lib/app/wsb-addin --serve");
        assert_string_equal(apps[1].addin_path, "/opt/x");
        registry_app_array_free(apps, n);

        /* A LocalServer32 that is not a string is no add-in path. */
        assert_int_equal(set_dword(r, "HKCR\\CLSID\\" GUID_C "\\LocalServer32", "", 1), 0);
        list(r, &apps, &n);
        assert_null(apps[1].addin_path);
        assert_int_equal(apps[1].status, REGISTRY_APP_OK);
        registry_app_array_free(apps, n);
        registry_free(r);
}

static void test_duplicates(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegistryApp *apps = NULL, *one = NULL;
        size_t n = 0;
        char *m = NULL;

        assert_int_equal(set_sz(r, KEY(GUID_A), REGISTRY_APP_IDENTIFIER, "Äpfel DB"), 1);

        /* The check warns about the duplicate, naming the earlier registration ... */
        assert_int_equal(
                        registry_apps_check_write(
                                        r, KEY(GUID_B), REGISTRY_APP_IDENTIFIER, REG_SZ, "äPFEL db",
                                        10, &m),
                        1);
        assert_non_null(m);
        assert_non_null(strstr(m, GUID_A));
        assert_non_null(strstr(m, "Äpfel DB"));
        free(m);
        m = NULL;
        /* ... and the store accepts it. */
        assert_int_equal(set_sz(r, KEY(GUID_B), REGISTRY_APP_IDENTIFIER, "äPFEL db"), 1);
        assert_int_equal(set_sz(r, KEY(GUID_C), REGISTRY_APP_IDENTIFIER, "Other"), 1);

        list(r, &apps, &n);
        assert_int_equal(n, 3);
        assert_int_equal(apps[0].status, REGISTRY_APP_OK);
        assert_null(apps[0].reason);
        assert_int_equal(apps[1].status, REGISTRY_APP_IGNORED_DUPLICATE);
        assert_string_equal(apps[1].identifier, "äPFEL db");
        assert_non_null(strstr(apps[1].reason, GUID_A));
        assert_non_null(strstr(apps[1].reason, "'Äpfel DB'"));
        assert_int_equal(apps[2].status, REGISTRY_APP_OK);
        registry_app_array_free(apps, n);

        /* Looking up either spelling gives the earlier one. */
        assert_int_equal(registry_find_app(r, "ÄPFEL DB", &one, &m), 0);
        assert_string_equal(one->key_name, GUID_A);
        registry_app_array_free(one, 1);
        one = NULL;

        /* When the earlier goes, the later one is selectable. */
        assert_int_equal(registry_delete_key(r, KEY(GUID_A)), 0);
        assert_int_equal(registry_find_app(r, "äpfel db", &one, &m), 0);
        assert_string_equal(one->key_name, GUID_B);
        assert_string_equal(one->identifier, "äPFEL db");
        registry_app_array_free(one, 1);
        one = NULL;

        /* Renaming a registration to an identifier in use makes the later one ignored. */
        assert_int_equal(
                        registry_apps_check_write(
                                        r, KEY(GUID_C), REGISTRY_APP_IDENTIFIER, REG_SZ, "ÄPFEL DB",
                                        10, &m),
                        1);
        free(m);
        m = NULL;
        assert_int_equal(set_sz(r, KEY(GUID_C), REGISTRY_APP_IDENTIFIER, "ÄPFEL DB"), 0);
        list(r, &apps, &n);
        assert_int_equal(n, 2);
        assert_int_equal(apps[0].status, REGISTRY_APP_OK);
        assert_int_equal(apps[1].status, REGISTRY_APP_IGNORED_DUPLICATE);
        assert_non_null(strstr(apps[1].reason, GUID_B));
        registry_app_array_free(apps, n);

        /* Not found: the message says why. */
        assert_int_equal(registry_find_app(r, "Nothing", &one, &m), -ENOENT);
        assert_null(one);
        assert_non_null(strstr(m, "No application is registered with the identifier 'Nothing'"));
        free(m);
        m = NULL;
        assert_int_equal(registry_find_app(r, "Nothing", &one, NULL), -ENOENT);
        assert_non_null(registry_last_error(r));
        registry_free(r);
}

/* Registrations that break the rules can only come from outside linvss (an older version,
 * another tool, an edited file); listing reports them. */
static void test_invalid_registrations(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        RegistryApp *apps = NULL, *one = NULL;
        size_t n = 0;
        char *m = NULL;

        assert_int_equal(set_sz(r, KEY(GUID_A), REGISTRY_APP_IDENTIFIER, "Bad CLSID"), 1);
        assert_int_equal(set_sz(r, KEY(GUID_B), REGISTRY_APP_IDENTIFIER, "Bad CLSID"), 1);
        assert_int_equal(set_sz(r, KEY(GUID_C), REGISTRY_APP_IDENTIFIER, "Typed"), 1);
        assert_int_equal(registry_create_key(r, KEY("{11111111-2222-3333-4444-555555555555}")), 1);
        char *long_id = repeat("é", 257);
        char *sql = NULL;
        assert_true(asprintf(&sql,
                             /* A's CLSID is not a GUID: A is invalid, so B is not a duplicate. */
                             "INSERT INTO reg_values (key, name, fold, type, data) SELECT id, "
                             "'CLSID', 'clsid', 1, CAST('nope' AS BLOB) || x'00' FROM reg_keys "
                             "WHERE name = '%s';"
                             /* C's identifier is a REG_DWORD. */
                             "UPDATE reg_values SET type = 4, data = x'01000000' WHERE key = "
                             "(SELECT id FROM reg_keys WHERE name = '%s');"
                             /* An identifier that is too long. */
                             "INSERT INTO reg_values (key, name, fold, type, data) SELECT id, "
                             "'Application Identifier', 'application identifier', 1, "
                             "CAST('%s' AS BLOB) || x'00' FROM reg_keys WHERE name = "
                             "'{11111111-2222-3333-4444-555555555555}';"
                             /* A key that is not a GUID, with a CLSID of the wrong type. */
                             "INSERT INTO reg_keys (parent, name, fold) SELECT id, 'Not A Guid', "
                             "'not a guid' FROM reg_keys WHERE name = 'Application Support';"
                             "INSERT INTO reg_values (key, name, fold, type, data) SELECT id, "
                             "'CLSID', 'clsid', 3, x'01' FROM reg_keys WHERE name = 'Not A Guid';",
                             GUID_A, GUID_C, long_id) > 0);
        raw_exec(t->path, sql);
        free(sql);

        list(r, &apps, &n);
        assert_int_equal(n, 5);
        assert_int_equal(apps[0].status, REGISTRY_APP_INVALID);
        assert_string_equal(apps[0].identifier, "Bad CLSID"); /* usable, but CLSID is not */
        assert_false(apps[0].has_clsid);
        assert_non_null(strstr(apps[0].reason, "'CLSID' is 'nope', which is not a GUID"));
        assert_int_equal(apps[1].status, REGISTRY_APP_OK);
        assert_int_equal(apps[2].status, REGISTRY_APP_INVALID);
        assert_null(apps[2].identifier);
        assert_non_null(strstr(apps[2].reason, "REG_DWORD, not REG_SZ"));
        assert_int_equal(apps[3].status, REGISTRY_APP_INVALID);
        assert_null(apps[3].identifier);
        assert_non_null(strstr(apps[3].reason, "257 characters"));
        assert_int_equal(apps[4].status, REGISTRY_APP_INVALID);
        assert_string_equal(apps[4].key_name, "Not A Guid");
        assert_true(vss_guid_is_null(&apps[4].writer_id));
        assert_non_null(strstr(apps[4].reason, "'Not A Guid' is not a writer class id"));
        assert_non_null(strstr(apps[4].reason, "'Application Identifier' is missing"));
        assert_non_null(strstr(apps[4].reason, "'CLSID' is REG_BINARY"));
        registry_app_array_free(apps, n);

        /* A key name that cannot even be part of a path spoils nothing else. */
        raw_exec(t->path, "INSERT INTO reg_keys (parent, name, fold) SELECT id, 'bad' || "
                          "char(10) || 'name', 'bad' || char(10) || 'name' FROM reg_keys WHERE "
                          "name = 'Application Support'");
        list(r, &apps, &n);
        assert_int_equal(n, 6);
        assert_int_equal(apps[5].status, REGISTRY_APP_INVALID);
        assert_non_null(strstr(apps[5].reason, "not a writer class id"));
        assert_int_equal(apps[1].status, REGISTRY_APP_OK);
        registry_app_array_free(apps, n);
        raw_exec(t->path, "DELETE FROM reg_keys WHERE name = 'bad' || char(10) || 'name'");

        /* find_app explains why an identifier is not selectable. */
        assert_int_equal(registry_find_app(r, long_id, &one, &m), -ENOENT);
        assert_non_null(strstr(m, "not selectable"));
        assert_non_null(strstr(m, "257 characters"));
        free(m);
        m = NULL;
        free(long_id);
        assert_int_equal(registry_find_app(r, "bad clsid", &one, &m), 0); /* B */
        assert_string_equal(one->key_name, GUID_B);
        registry_app_array_free(one, 1);

        /* A duplicate of an ignored registration names the one that is used. */
        assert_int_equal(
                        set_sz(r, KEY("{22222222-2222-3333-4444-555555555555}"),
                               REGISTRY_APP_IDENTIFIER, "BAD clsid"),
                        1);
        assert_int_equal(registry_find_app(r, "Bad Clsid", &one, &m), 0);
        assert_string_equal(one->key_name, GUID_B);
        registry_app_array_free(one, 1);
        list(r, &apps, &n);
        assert_int_equal(apps[5].status, REGISTRY_APP_IGNORED_DUPLICATE);
        assert_non_null(strstr(apps[5].reason, GUID_B));
        registry_app_array_free(apps, n);

        /* Ignored ones are not selectable, and find_app says which registration wins. */
        raw_exec(t->path, "UPDATE reg_values SET data = CAST('" CLSID_X "' AS BLOB) || x'00' "
                          "WHERE name = 'CLSID' AND type = 1");
        assert_int_equal(registry_find_app(r, "bad clsid", &one, &m), 0);
        assert_string_equal(one->key_name, GUID_A); /* A is valid again, and earlier */
        registry_app_array_free(one, 1);
        registry_free(r);
}

static void test_read_only_and_unprivileged(void **state) {
        TestDir *t = *state;
        Registry *ro = open_ro(t->path), *rw;
        RegistryApp *apps = NULL, *one = NULL;
        size_t n = 3;
        char *m = NULL;

        /* No file at all. */
        assert_int_equal(registry_list_apps(ro, &apps, &n), 0);
        assert_int_equal(n, 0);
        assert_int_equal(registry_find_app(ro, "x", &one, &m), -ENOENT);
        free(m);
        m = NULL;
        assert_int_equal(registry_writer_access(ro, "root", &m), REGISTRY_ACCESS_NOT_LISTED);

        rw = open_rw(t->path);
        assert_int_equal(set_sz(rw, KEY(GUID_A), REGISTRY_APP_IDENTIFIER, "App"), 1);
        fake_euid = 1000;
        assert_int_equal(set_sz(rw, KEY(GUID_B), REGISTRY_APP_IDENTIFIER, "App 2"), -EACCES);
        list(ro, &apps, &n); /* reading needs no privilege */
        assert_int_equal(n, 1);
        registry_app_array_free(apps, n);
        assert_int_equal(registry_find_app(ro, "APP", &one, NULL), 0);
        registry_app_array_free(one, 1);
        fake_euid = 0;
        registry_free(rw);
        registry_free(ro);
}

/* ---- writer access list --------------------------------------------------------------------- */

static void test_writer_access(void **state) {
        TestDir *t = *state;
        Registry *r = open_rw(t->path);
        char *m = NULL;

        assert_int_equal(registry_writer_access(r, "postgres", &m), REGISTRY_ACCESS_NOT_LISTED);
        assert_null(m);
        assert_int_equal(registry_create_key(r, REGISTRY_VSS_ACCESS_KEY), 1);
        assert_int_equal(registry_writer_access(r, "postgres", &m), REGISTRY_ACCESS_NOT_LISTED);

        assert_int_equal(set_dword(r, REGISTRY_VSS_ACCESS_KEY, "postgres", 1), 1);
        assert_int_equal(set_dword(r, REGISTRY_VSS_ACCESS_KEY, "Mallory", 0), 1);
        assert_int_equal(
                        set_dword(r, REGISTRY_VSS_ACCESS_KEY, "NT AUTHORITY\\NetworkService", 1),
                        1);
        assert_int_equal(registry_writer_access(r, "postgres", &m), REGISTRY_ACCESS_ALLOWED);
        assert_int_equal(registry_writer_access(r, "Mallory", &m), REGISTRY_ACCESS_DENIED);
        assert_int_equal(
                        registry_writer_access(r, "NT AUTHORITY\\NetworkService", &m),
                        REGISTRY_ACCESS_ALLOWED);
        /* User names are case-sensitive. */
        assert_int_equal(registry_writer_access(r, "Postgres", &m), REGISTRY_ACCESS_NOT_LISTED);
        assert_int_equal(registry_writer_access(r, "mallory", &m), REGISTRY_ACCESS_NOT_LISTED);
        assert_null(m);

        /* Through the HKLM alias and another spelling of the key path. */
        assert_int_equal(
                        set_dword(r,
                                  "hklm\\system\\currentcontrolset\\services\\vss\\"
                                  "vssaccesscontrol",
                                  "postgres", 0),
                        0);
        assert_int_equal(registry_writer_access(r, "postgres", &m), REGISTRY_ACCESS_DENIED);

        /* Entries that are neither 0 nor 1, or not a REG_DWORD. */
        assert_int_equal(set_dword(r, REGISTRY_VSS_ACCESS_KEY, "two", 2), 1);
        assert_int_equal(registry_writer_access(r, "two", &m), -EBADMSG);
        assert_non_null(m);
        assert_non_null(strstr(m, "'two'"));
        assert_non_null(strstr(m, "is 2"));
        free(m);
        m = NULL;
        assert_int_equal(set_sz(r, REGISTRY_VSS_ACCESS_KEY, "text", "1"), 1);
        assert_int_equal(registry_writer_access(r, "text", &m), -EBADMSG);
        assert_non_null(strstr(m, "REG_SZ"));
        free(m);
        m = NULL;
        assert_int_equal(
                        registry_set_value(
                                        r, REGISTRY_VSS_ACCESS_KEY, "q", REG_QWORD,
                                        "\1\0\0\0\0\0\0\0", 8, false),
                        1);
        assert_int_equal(registry_writer_access(r, "q", NULL), -EBADMSG);
        assert_non_null(strstr(registry_last_error(r), "REG_QWORD"));
        /* Others are unaffected by a bad entry. */
        assert_int_equal(registry_writer_access(r, "Mallory", &m), REGISTRY_ACCESS_DENIED);

        assert_int_equal(registry_writer_access(r, "", &m), -EINVAL);
        assert_int_equal(registry_writer_access(r, NULL, &m), -EINVAL);
        assert_int_equal(registry_writer_access(NULL, "x", &m), -EINVAL);
        registry_free(r);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                        cmocka_unit_test(test_status_names),
                        cmocka_unit_test_setup_teardown(
                                        test_seed_example, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_identifier_rules, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_key_name_rules, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_clsid_and_addin, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_duplicates, test_dir_setup, test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_invalid_registrations, test_dir_setup,
                                        test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_read_only_and_unprivileged, test_dir_setup,
                                        test_dir_teardown),
                        cmocka_unit_test_setup_teardown(
                                        test_writer_access, test_dir_setup, test_dir_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
