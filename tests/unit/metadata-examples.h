/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Rich example documents built through the public builder API, with every field set, shared by
 * the metadata unit tests. tests/data/documents/ holds their canonical JSON. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

#define EXAMPLE_WRITER_CLASS  "{4DC3BDD4-AB48-4D07-ADB0-3BEE2926FD7F}"
#define EXAMPLE_WRITER_INST   "{9A5B1F0E-2C3D-4E5F-8A9B-0C1D2E3F4A5B}"
#define EXAMPLE_WRITER_INST2  "{11111111-2222-4333-8444-555555555555}"
#define EXAMPLE_REPORTS_CLASS "{7F0A3C2E-1B4D-4E6F-9A8B-7C6D5E4F3A2B}"
#define EXAMPLE_REPORTS_INST  "{0F1E2D3C-4B5A-4697-8879-6A5B4C3D2E1F}"
#define EXAMPLE_DOCUMENTS_DIR SOURCE_ROOT "/tests/data/documents"
#define EXAMPLE_WMD_PATH      EXAMPLE_DOCUMENTS_DIR "/writer-metadata.json"
#define EXAMPLE_BCD_PATH      EXAMPLE_DOCUMENTS_DIR "/backup-components.json"

static const unsigned char example_icon[] = {0x89, 'P',  'N',  'G',  0x0D,
                                             0x0A, 0x1A, 0x0A, 0x00, 0xFF};

static inline vss_guid example_guid(const char *s) {
        vss_guid g = {{0}};
        if (vss_guid_from_string(s, &g) < 0)
                abort();
        return g;
}

/* Aborts the test program when a builder call fails: the examples must always build. */
#define EX(call)                                                                             \
        do {                                                                                 \
                int ex_r_ = (call);                                                          \
                if (ex_r_ < 0) {                                                             \
                        (void) fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, \
                                       #call, vss_strerror(ex_r_));                          \
                        abort();                                                             \
                }                                                                            \
        } while (0)

/* The writer of a small database: a required configuration file group, a selectable database
 * with a subcomponent that is selectable for restore, and a file group with dependencies. */
static inline vss_wmd *example_wmd(void) {
        vss_guid class_id = example_guid(EXAMPLE_WRITER_CLASS);
        vss_guid instance_id = example_guid(EXAMPLE_WRITER_INST);
        vss_guid reports = example_guid(EXAMPLE_REPORTS_CLASS);
        vss_wmd *w = NULL;

        EX(vss_wmd_new(&w));
        EX(vss_wmd_set_writer_class_id(w, &class_id));
        EX(vss_wmd_set_writer_instance_id(w, &instance_id));
        EX(vss_wmd_set_instance_name(w, "ventes-\xC3\xA9t\xC3\xA9"));
        EX(vss_wmd_set_writer_name(w, "Example Database Writer"));
        EX(vss_wmd_set_version(w, 3, 14));
        EX(vss_wmd_set_usage_type(w, VSS_UT_USERDATA));
        EX(vss_wmd_set_source_type(w, VSS_ST_TRANSACTEDDB));
        EX(vss_wmd_set_application_level(w, VSS_APP_BACK_END));
        EX(vss_wmd_set_freeze_timeout(w, 30000));
        EX(vss_wmd_set_restore_method(
                        w, VSS_RME_STOP_RESTORE_START, "exampledb.service",
                        "Run 'exampledb-check --all' after the restore.", VSS_WRE_ALWAYS, true));
        EX(vss_wmd_set_backup_schema(
                        w, VSS_BS_DIFFERENTIAL | VSS_BS_INCREMENTAL | VSS_BS_LOG | VSS_BS_COPY |
                                           VSS_BS_TIMESTAMPED | VSS_BS_LAST_MODIFY |
                                           VSS_BS_WRITER_SUPPORTS_NEW_TARGET |
                                           VSS_BS_WRITER_SUPPORTS_RESTORE_WITH_MOVE |
                                           VSS_BS_ROLLFORWARD_RESTORE | VSS_BS_RESTORE_RENAME |
                                           VSS_BS_AUTHORITATIVE_RESTORE));

        EX(vss_wmd_add_component(
                        w, VSS_CT_FILEGROUP, "", "Config",
                        "Configuration \xE2\x80\x9C"
                        "example\xE2\x80\x9D",
                        example_icon, sizeof example_icon, false, false, false, false,
                        VSS_CF_NOT_SYSTEM_STATE));
        EX(vss_wmd_add_files_to_file_group(
                        w, "", "Config", "/etc/exampledb", "*.conf", true, NULL, VSS_FSBT_DEFAULT));
        EX(vss_wmd_add_files_to_file_group(
                        w, NULL, "Config", "/var/lib/exampledb/keys", "key?.pem", false,
                        "/var/lib/exampledb/staging/keys",
                        VSS_FSBT_FULL_BACKUP_REQUIRED | VSS_FSBT_FULL_SNAPSHOT_REQUIRED));

        EX(vss_wmd_add_component(
                        w, VSS_CT_DATABASE, "", "Sales", "Sales database", NULL, 0, true, true,
                        true, false, VSS_CF_BACKUP_RECOVERY | VSS_CF_APP_ROLLBACK_RECOVERY));
        EX(vss_wmd_add_database_files(w, "", "Sales", "/srv/db/sales", "*.db", VSS_FSBT_DEFAULT));
        EX(vss_wmd_add_database_log_files(
                        w, "", "Sales", "/srv/db/sales/wal", "*.wal",
                        VSS_FSBT_ALL_BACKUP_REQUIRED | VSS_FSBT_LOG_SNAPSHOT_REQUIRED |
                                        VSS_FSBT_CREATED_DURING_BACKUP));

        EX(vss_wmd_add_component(
                        w, VSS_CT_DATABASE, "Sales", "Archive", "Sales archive", NULL, 0, false,
                        false, false, true, 0));
        EX(vss_wmd_add_database_files(
                        w, "Sales", "Archive", "/srv/db/sales/archive", "*.db", VSS_FSBT_DEFAULT));

        EX(vss_wmd_add_component(
                        w, VSS_CT_FILEGROUP, "Sales", "Exports", NULL, NULL, 0, false, false, false,
                        false, 0));
        EX(vss_wmd_add_files_to_file_group(
                        w, "Sales", "Exports", "/srv/exports/sales", "*.csv", true, NULL, 0));
        EX(vss_wmd_add_component_dependency(w, "Sales", "Exports", &reports, "Reports", "Daily"));
        EX(vss_wmd_add_component_dependency(
                        w, "Sales", "Exports", &reports, "\\\\reportsrv\\Reports", "Weekly"));

        EX(vss_wmd_add_alternate_location_mapping(
                        w, "/srv/exports/sales", "*.csv", true, "/srv/restore/exports"));
        EX(vss_wmd_add_exclude_files(w, "/srv/db/sales", "*.tmp", true));
        EX(vss_wmd_add_exclude_files_from_snapshot(w, "/srv/db/sales", "*.lock", false));
        EX(vss_wmd_add_include_files(w, "/srv/db/shared", "*.dat", false, "/mnt/alternate/shared"));
        return w;
}

/* The writer that the example database depends on. */
static inline vss_wmd *example_reports_wmd(void) {
        vss_guid class_id = example_guid(EXAMPLE_REPORTS_CLASS);
        vss_guid instance_id = example_guid(EXAMPLE_REPORTS_INST);
        vss_wmd *w = NULL;

        EX(vss_wmd_new(&w));
        EX(vss_wmd_set_writer_class_id(w, &class_id));
        EX(vss_wmd_set_writer_instance_id(w, &instance_id));
        EX(vss_wmd_set_writer_name(w, "Example Reports Writer"));
        EX(vss_wmd_set_usage_type(w, VSS_UT_OTHER));
        EX(vss_wmd_set_restore_method(
                        w, VSS_RME_RESTORE_IF_CAN_REPLACE, NULL, NULL, VSS_WRE_NEVER, false));
        EX(vss_wmd_add_component(
                        w, VSS_CT_FILEGROUP, "", "Reports", NULL, NULL, 0, false, false, true,
                        false, 0));
        EX(vss_wmd_add_component(
                        w, VSS_CT_FILEGROUP, "Reports", "Daily", NULL, NULL, 0, false, false, false,
                        false, 0));
        EX(vss_wmd_add_files_to_file_group(
                        w, "Reports", "Daily", "/srv/reports/daily", "*", true, NULL,
                        VSS_FSBT_DEFAULT));
        return w;
}

/* A backup components document of an incremental backup of the example writers that has since
 * been prepared for a restore: every field set. */
static inline vss_bcd *example_bcd(void) {
        vss_guid move_to = example_guid(EXAMPLE_WRITER_INST2);
        vss_wmd *wmd = example_wmd(), *reports = example_reports_wmd();
        vss_bcd_component *sales = NULL;
        vss_bcd *b = NULL;

        EX(vss_bcd_new(&b));
        EX(vss_bcd_set_backup_state(b, true, false, VSS_BT_INCREMENTAL, true));
        EX(vss_bcd_set_restore_type(b, VSS_RTYPE_BY_COPY));
        EX(vss_bcd_set_snapshot_context(b, VSS_CTX_APP_ROLLBACK | VSS_VOLSNAP_ATTR_TRANSPORTABLE));

        EX(vss_bcd_add_component(b, wmd, "", "Sales", &sales, NULL));
        if (vss_bcd_add_required_components(b, wmd) != 1)
                abort();
        EX(vss_bcd_add_component(b, reports, "", "Reports", NULL, NULL));

        EX(vss_bcd_component_set_backup_succeeded(sales, true));
        EX(vss_bcd_component_set_backup_options(sales, "compress=zstd"));
        EX(vss_bcd_component_set_restore_options(
                        sales, "\"Roll "
                               "Forward\"=\"Partial:2024-01-01T00:00Z\",\"Archive\":"
                               "\"Authoritative\"=\"All\""));
        EX(vss_bcd_component_set_backup_metadata(sales, "checkpoint=41\nsegments=7"));
        EX(vss_bcd_component_set_restore_metadata(sales, "verify-after-restore"));
        EX(vss_bcd_component_set_backup_stamp(sales, "lsn:0/16B3740"));
        EX(vss_bcd_component_set_previous_backup_stamp(sales, "lsn:0/1600000"));
        EX(vss_bcd_component_add_partial_file(
                        sales, "/srv/db/sales", "sales.db", "0:4096,0x100000:65536",
                        "crc32c=1a2b3c4d"));
        EX(vss_bcd_component_add_partial_file(
                        sales, "/srv/db/sales", "index.db",
                        "/var/lib/exampledb/ranges/index.ranges", NULL));
        EX(vss_bcd_component_add_differenced_files_by_last_modify_time(
                        sales, "/srv/db/sales/wal", "*.wal", false, 1700000000123456789LL));
        EX(vss_bcd_component_add_differenced_files_by_last_modify_lsn(
                        sales, "/srv/db/sales", "*.idx", true, "0/16B3740"));
        EX(vss_bcd_set_selected_for_restore(b, wmd, "", "Sales", true, &move_to, NULL));
        EX(vss_bcd_add_restore_subcomponent(b, wmd, "", "Sales", "Sales", "Archive", false, NULL));
        EX(vss_bcd_component_set_additional_restores(sales, true));
        EX(vss_bcd_component_set_restore_target(sales, VSS_RT_DIRECTED));
        EX(vss_bcd_component_add_directed_target(
                        sales, "/srv/db/sales", "sales.db", "0:4096,0x100000:65536",
                        "/srv/db/sales-restored", "sales.db", "0:69632"));
        EX(vss_bcd_component_add_new_target(
                        sales, "/srv/db/sales/archive", "*.db", false, "/srv/restore/archive"));
        EX(vss_bcd_component_add_alternate_location_mapping(
                        sales, "/srv/exports/sales", "*.csv", true, "/srv/restore/exports"));
        EX(vss_bcd_component_set_file_restore_status(sales, VSS_RS_ALL));
        EX(vss_bcd_component_set_prepare_for_backup_failure_message(
                        sales, "prepare: nothing to report"));
        EX(vss_bcd_component_set_post_snapshot_failure_message(
                        sales, "post-snapshot: 2 temporary files left"));
        EX(vss_bcd_component_set_pre_restore_failure_message(
                        sales, "pre-restore: service stopped late"));
        EX(vss_bcd_component_set_post_restore_failure_message(
                        sales, "post-restore: log replay pending"));
        EX(vss_bcd_component_set_failure(sales, 0x800423F3U, 0x80004005U, "database busy"));
        EX(vss_bcd_component_set_roll_forward(sales, VSS_RF_PARTIAL, "2024-01-01T00:00:00Z"));
        EX(vss_bcd_component_set_restore_name(sales, "Sales (restored)"));
        EX(vss_bcd_component_set_authoritative_restore(sales, true));

        vss_wmd_free(wmd);
        vss_wmd_free(reports);
        return b;
}

/* Reads a whole file into a NUL-terminated buffer; aborts on failure. */
static inline char *example_read_file(const char *path, size_t *ret_size) {
        FILE *f = fopen(path, "rbe");
        if (!f) {
                (void) fprintf(stderr, "cannot open %s\n", path);
                abort();
        }
        size_t n = 0, allocated = 65536;
        char *buf = malloc(allocated + 1);
        if (!buf)
                abort();
        for (;;) {
                size_t k = fread(buf + n, 1, allocated - n, f);
                n += k;
                if (k == 0)
                        break;
                if (n == allocated) {
                        char *p = realloc(buf, allocated * 2 + 1);
                        if (!p)
                                abort();
                        buf = p;
                        allocated *= 2;
                }
        }
        (void) fclose(f);
        buf[n] = 0;
        if (ret_size)
                *ret_size = n;
        return buf;
}
