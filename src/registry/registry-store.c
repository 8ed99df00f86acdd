/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* The registry store: one SQLite file with a table of keys and a table of values
 * (docs/REGISTRY.md, "Storage"). Every write is a transaction that starts with BEGIN IMMEDIATE,
 * so writers from any number of processes are serialized by SQLite's file lock and never lose
 * each other's updates; the rollback journal (not WAL) lets unprivileged readers read a
 * root-owned 0644 file. */

#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "registry-internal.h"
#include "strv.h"

/* ---- errors ---------------------------------------------------------------------------- */

void registry_error_clear(Registry *r) {
        assert(r);
        r->error = mfree(r->error);
}

int registry_error_take(Registry *r, int error, char *message) {
        assert(r);
        assert(error < 0);

        free(r->error);
        r->error = message ? message : strdup(error == -ENOMEM ? "Out of memory." : "Failed.");
        log_debug("registry: %s", r->error ? r->error : "out of memory");
        return error;
}

int registry_error(Registry *r, int error, const char *format, ...) {
        char *m = NULL;
        va_list ap;

        va_start(ap, format);
        if (vasprintf(&m, format, ap) < 0)
                m = NULL;
        va_end(ap);
        return registry_error_take(r, error, m);
}

const char *registry_last_error(Registry *r) {
        return r ? r->error : NULL;
}

static int sqlite_to_errno(sqlite3 *db, int rc) {
        int e;

        switch (rc & 0xFF) {
        case SQLITE_OK:
        case SQLITE_ROW:
        case SQLITE_DONE:
                return 0;
        case SQLITE_NOMEM:
                return -ENOMEM;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
                return -EBUSY;
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_AUTH:
                return -EACCES;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
        case SQLITE_FORMAT:
        case SQLITE_CONSTRAINT: /* our statements respect the schema's constraints */
        case SQLITE_ERROR:      /* our SQL is fixed: "no such table" means a foreign file */
                return -EBADMSG;
        case SQLITE_FULL:
                return -ENOSPC;
        case SQLITE_TOOBIG:
                return -E2BIG;
        case SQLITE_INTERRUPT:
                return -EINTR;
        case SQLITE_CANTOPEN:
        case SQLITE_IOERR:
                e = db ? sqlite3_system_errno(db) : 0;
                return e > 0 ? -e : -EIO;
        default:
                return -EIO;
        }
}

/* Sets r's last error for a failed SQLite call and returns the errno value. 'what' completes
 * "Failed to ...". */
static int sqlite_error(Registry *r, int rc, const char *what) {
        int e = sqlite_to_errno(r->db, rc);
        const char *m = r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc);

        if (e == 0)
                e = -EIO;
        if (rc == SQLITE_READONLY_ROLLBACK)
                return registry_error(
                                r, -EACCES,
                                "Failed to %s: the registry file '%s' holds an interrupted "
                                "write that only an administrator (root) can roll back; "
                                "opening the registry as root does it.",
                                what, r->path);
        if (e == -EBADMSG)
                return registry_error(
                                r, e,
                                "Failed to %s: the registry file '%s' is corrupt or not a "
                                "linvss registry (%s).",
                                what, r->path, m);
        if (e == -EBUSY)
                return registry_error(
                                r, e,
                                "Failed to %s: the registry '%s' stayed locked by other "
                                "writers for %d seconds.",
                                what, r->path, REGISTRY_BUSY_TIMEOUT_MS / 1000);
        return registry_error(r, e, "Failed to %s in the registry '%s': %s.", what, r->path, m);
}

static int exec_sql(Registry *r, const char *sql, const char *what) {
        int rc = sqlite3_exec(r->db, sql, NULL, NULL, NULL);
        return rc == SQLITE_OK ? 0 : sqlite_error(r, rc, what);
}

static int prepare(Registry *r, const char *sql, sqlite3_stmt **ret, const char *what) {
        int rc = sqlite3_prepare_v2(r->db, sql, -1, ret, NULL);
        return rc == SQLITE_OK ? 0 : sqlite_error(r, rc, what);
}

/* ---- privilege --------------------------------------------------------------------------- */

/* The one place that decides who may change the registry: root only, as on Windows only
 * administrators may write HKLM. */
static bool have_privilege(void) {
        return geteuid() == 0;
}

static int check_write_access(Registry *r) {
        if (!have_privilege())
                return registry_error(
                                r, -EACCES,
                                "Administrator privilege (root) is required to change the "
                                "registry '%s'.",
                                r->path);
        if (!r->writable)
                return registry_error(
                                r, -EROFS, "The registry '%s' was opened read-only.", r->path);
        return 0;
}

/* ---- opening -------------------------------------------------------------------------------- */

const char *registry_default_path(void) {
        const char *e = secure_getenv("VSS_REGISTRY_PATH");
        return e && *e ? e : VSS_REGISTRY_DEFAULT_PATH;
}

static const char schema_sql[] =
                "PRAGMA application_id = 1280725575;\n" /* REGISTRY_APPLICATION_ID */
                "PRAGMA user_version = 1;\n"            /* REGISTRY_FORMAT_VERSION */
                "CREATE TABLE reg_keys (\n"
                "        id INTEGER PRIMARY KEY,\n" /* creation order */
                "        parent INTEGER REFERENCES reg_keys (id),\n"
                "        name TEXT NOT NULL,\n" /* as created */
                "        fold TEXT NOT NULL,\n" /* case-folded, for lookups */
                "        UNIQUE (parent, fold)\n"
                ");\n"
                "CREATE TABLE reg_values (\n"
                "        id INTEGER PRIMARY KEY,\n"
                "        key INTEGER NOT NULL REFERENCES reg_keys (id),\n"
                "        name TEXT NOT NULL,\n"
                "        fold TEXT NOT NULL,\n"
                "        type INTEGER NOT NULL CHECK (type IN (0, 1, 2, 3, 4, 7, 11)),\n"
                "        data BLOB NOT NULL,\n"
                "        UNIQUE (key, fold)\n"
                ");\n"
                "INSERT INTO reg_keys (id, parent, name, fold)\n"
                "        VALUES (1, NULL, 'HKEY_LOCAL_MACHINE', 'hkey_local_machine');\n";

static_assert(REGISTRY_APPLICATION_ID == 1280725575, "schema_sql has the application id");
static_assert(REGISTRY_FORMAT_VERSION == 1, "schema_sql has the format version");
static_assert(REGISTRY_ROOT_ID == 1, "schema_sql has the root key's id");

static int create_schema(Registry *r) {
        int k;

        k = exec_sql(r, "PRAGMA journal_mode = DELETE", "set the journal mode");
        if (k < 0)
                return k;
        k = exec_sql(r, "BEGIN IMMEDIATE", "create the registry");
        if (k < 0)
                return k;
        k = exec_sql(r, schema_sql, "create the registry");
        if (k >= 0)
                k = exec_sql(r, "COMMIT", "create the registry");
        if (k < 0)
                (void) sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        return k;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        (void) clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* Called by SQLite while another connection holds the lock it needs; returns 0 to give up.
 * SQLite's own busy timeout sleeps longer and longer (up to 100 ms between tries); trying
 * every 1-2 ms gives a waiter more chances to find the lock free (see begin_immediate()), at
 * the cost of a few cheap fcntl() calls. Gives up after REGISTRY_BUSY_TIMEOUT_MS. */
static int busy_handler(void *userdata, int count) {
        Registry *r = userdata;
        uint64_t now = now_usec();

        r->contended = true;
        if (count == 0)
                r->busy_since = now;
        else if (now - r->busy_since >= (uint64_t) REGISTRY_BUSY_TIMEOUT_MS * 1000)
                return 0;

        /* Vary the pause a little so that waiters do not wake in lockstep. */
        struct timespec pause = {.tv_nsec = (long) (1000000 + (now % 1000) * 1000)};
        (void) nanosleep(&pause, NULL);
        return 1;
}

static int connect_db(Registry *r, const char *path, int flags) {
        int rc;

        assert(!r->db);

        rc = sqlite3_open_v2(path, &r->db, flags, NULL);
        if (r->db)
                (void) sqlite3_extended_result_codes(r->db, 1);
        if (rc != SQLITE_OK) {
                int k = sqlite_error(r, rc, "open the registry file");
                (void) sqlite3_close(r->db);
                r->db = NULL;
                return k;
        }
        rc = sqlite3_busy_handler(r->db, busy_handler, r);
        if (rc != SQLITE_OK)
                return sqlite_error(r, rc, "set the lock handler");
        return exec_sql(r, "PRAGMA foreign_keys = ON", "enable foreign keys");
}

static void disconnect_db(Registry *r) {
        if (!r->db)
                return;
        if (sqlite3_close(r->db) != SQLITE_OK) /* cannot happen: every statement is finalized */
                log_debug("registry: closing '%s' failed: %s", r->path, sqlite3_errmsg(r->db));
        r->db = NULL;
}

/* Creates each missing directory of 'dir' with mode 0755 (whatever the umask). */
static int mkdir_parents(char *dir) {
        for (char *p = dir + 1;; p++) {
                if (*p != '/' && *p != 0)
                        continue;
                char saved = *p;
                *p = 0;
                if (mkdir(dir, 0755) >= 0) {
                        if (chmod(dir, 0755) < 0) {
                                *p = saved;
                                return -errno;
                        }
                } else if (errno != EEXIST) {
                        *p = saved;
                        return -errno;
                }
                *p = saved;
                if (saved == 0)
                        return 0;
        }
}

static int fsync_directory(const char *dir) {
        vss_autoclose int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return RET_NERRNO(fsync(fd));
}

/* Creates a new registry file at r->path atomically: the schema is written to a temporary file
 * in the same directory, which is then linked into place. So a registry file is never seen
 * empty or half-made, and a zero-length file is always a damaged one. Returns 0 also when
 * another process created the file first. */
static int create_file(Registry *r) {
        char *copy = strdup(r->path), *dir = NULL, *tmp = NULL;
        int k, fd;

        /* dirname() may return a static "." or "/": work on a copy of what it returns. */
        if (copy)
                dir = strdup(dirname(copy));
        if (!dir || asprintf(&tmp, "%s.new-XXXXXX", r->path) < 0) {
                tmp = NULL;
                k = registry_error(r, -ENOMEM, "Out of memory.");
                goto finish;
        }

        k = mkdir_parents(dir);
        if (k < 0) {
                (void) registry_error(
                                r, k, "Failed to create the directory '%s' of the registry: %s.",
                                dir, strerror(-k));
                goto finish;
        }

        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0) {
                k = -errno;
                (void) registry_error(
                                r, k, "Failed to create the registry file '%s': %s.", r->path,
                                strerror(-k));
                tmp = mfree(tmp); /* nothing to remove */
                goto finish;
        }
        k = RET_NERRNO(fchmod(fd, 0644));
        (void) safe_close(fd);
        if (k < 0) {
                (void) registry_error(
                                r, k, "Failed to set the mode of '%s': %s.", tmp, strerror(-k));
                goto finish;
        }

        k = connect_db(r, tmp, SQLITE_OPEN_READWRITE);
        if (k >= 0)
                k = create_schema(r);
        disconnect_db(r);
        if (k < 0)
                goto finish;

        k = RET_NERRNO(link(tmp, r->path));
        if (k == -EEXIST) /* another process made it first: use theirs */
                k = 0;
        else if (k < 0)
                (void) registry_error(
                                r, k, "Failed to create the registry file '%s': %s.", r->path,
                                strerror(-k));
        else
                k = fsync_directory(dir);

finish:
        if (tmp)
                (void) unlink(tmp);
        free(tmp);
        free(dir);
        free(copy);
        return k;
}

/* Reads an integer PRAGMA. */
static int pragma_int(Registry *r, const char *sql, sqlite3_int64 *ret) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        int k, rc;

        k = prepare(r, sql, &st, "read the registry header");
        if (k < 0)
                return k;
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return sqlite_error(r, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "read the header");
        *ret = sqlite3_column_int64(st, 0);
        return 0;
}

static int check_file_locked(Registry *r) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        sqlite3_int64 app_id = 0, version = 0, pages = 0, page_size = 0, size = 0;
        sqlite3_file *file = NULL;
        int k, rc;

        k = pragma_int(r, "PRAGMA application_id", &app_id);
        if (k < 0)
                return k;
        k = pragma_int(r, "PRAGMA user_version", &version);
        if (k < 0)
                return k;
        k = pragma_int(r, "PRAGMA page_count", &pages);
        if (k < 0)
                return k;
        k = pragma_int(r, "PRAGMA page_size", &page_size);
        if (k < 0)
                return k;

        if (app_id != REGISTRY_APPLICATION_ID) {
                if (pages == 0)
                        return registry_error(
                                        r, -EBADMSG,
                                        "The registry file '%s' is empty (truncated?): it is not "
                                        "a linvss registry.",
                                        r->path);
                return registry_error(
                                r, -EBADMSG,
                                "The file '%s' is an SQLite database but not a linvss registry.",
                                r->path);
        }
        if (version > REGISTRY_FORMAT_VERSION)
                return registry_error(
                                r, -EBADMSG,
                                "The registry file '%s' has format version %lld, which is newer "
                                "than this linvss supports (%d).",
                                r->path, (long long) version, REGISTRY_FORMAT_VERSION);
        if (version < 1)
                return registry_error(
                                r, -EBADMSG, "The registry file '%s' has no format version.",
                                r->path);

        /* SQLite reads what is missing at the end of a file as zeroes, which can look like valid
         * data: a file cut anywhere but at a page boundary is only caught by its size. */
        rc = sqlite3_file_control(r->db, "main", SQLITE_FCNTL_FILE_POINTER, &file);
        if (rc != SQLITE_OK || !file || !file->pMethods)
                return sqlite_error(r, rc == SQLITE_OK ? SQLITE_CANTOPEN : rc, "check the file");
        rc = file->pMethods->xFileSize(file, &size);
        if (rc != SQLITE_OK)
                return sqlite_error(r, rc, "check the file size");
        if (size != pages * page_size)
                return registry_error(
                                r, -EBADMSG,
                                "The registry file '%s' is truncated or damaged: it has %lld "
                                "bytes but should have %lld pages of %lld bytes.",
                                r->path, (long long) size, (long long) pages,
                                (long long) page_size);

        k = prepare(r, "PRAGMA quick_check", &st, "check the file");
        if (k < 0)
                return k;
        rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return sqlite_error(r, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "check the file");
        const char *verdict = (const char *) sqlite3_column_text(st, 0);
        if (!verdict || !streq(verdict, "ok"))
                return registry_error(
                                r, -EBADMSG, "The registry file '%s' is corrupt: %s.", r->path,
                                verdict ? verdict : "no verdict");
        st = stmt_finalize(st);

        /* Both tables with every column we use; preparing fails on anything else. */
        k = prepare(r, "SELECT id, key, name, fold, type, data FROM reg_values LIMIT 0", &st,
                    "check the file");
        if (k < 0)
                return k;
        st = stmt_finalize(st);
        k = prepare(r,
                    "SELECT id, parent, name, fold FROM reg_keys WHERE id = 1 AND parent IS NULL",
                    &st, "check the file");
        if (k < 0)
                return k;
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return registry_error(
                                r, -EBADMSG,
                                "The registry file '%s' is damaged: its root key is missing.",
                                r->path);
        if (rc != SQLITE_ROW)
                return sqlite_error(r, rc, "check the file");
        return 0;
}

/* Checks that the open file is a linvss registry of a version we know, intact. */
static int check_file(Registry *r) {
        int k;

        k = exec_sql(r, "BEGIN", "check the file");
        if (k < 0)
                return k;
        k = check_file_locked(r);
        (void) sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
        if (k < 0 || !r->writable)
                return k;

        /* A registry is always created in DELETE mode; this turns back a registry that someone
         * switched to WAL, which unprivileged readers could not read. Only after the checks:
         * another program's database is never changed. */
        return exec_sql(r, "PRAGMA journal_mode = DELETE", "set the journal mode");
}

/* An empty registry in memory, for reading a file that does not exist yet. */
static int connect_placeholder(Registry *r) {
        int k = connect_db(r, ":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY);
        if (k >= 0)
                k = exec_sql(r, schema_sql, "create an empty registry");
        if (k < 0) {
                disconnect_db(r);
                return k;
        }
        r->placeholder = true;
        return 0;
}

/* A writer that died in a transaction larger than SQLite's page cache leaves a "hot" journal
 * next to a half-written file. Only a connection that may write can roll it back, and until then
 * read-only connections fail (SQLITE_READONLY_ROLLBACK), root's as well. So a read-only
 * registry opened by root rolls it back through a short-lived read-write connection. (A journal
 * also exists while any writer is in a transaction; then this connection only reads.) */
static void recover_interrupted_write(Registry *r) {
        vss_autofree char *journal = NULL;
        sqlite3 *db = NULL;

        if (r->writable || !have_privilege())
                return;
        if (asprintf(&journal, "%s-journal", r->path) < 0 || access(journal, F_OK) < 0)
                return;
        if (sqlite3_open_v2(r->path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
            sqlite3_busy_timeout(db, REGISTRY_BUSY_TIMEOUT_MS) == SQLITE_OK &&
            sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK)
                log_debug("registry: recovering '%s' failed: %s", r->path, sqlite3_errmsg(db));
        (void) sqlite3_close(db);
}

static int connect_file(Registry *r) {
        struct stat st;
        int k;

        k = RET_NERRNO(stat(r->path, &st));
        if (k == -ENOENT) {
                if (!r->writable)
                        return connect_placeholder(r);
                k = create_file(r);
                if (k < 0)
                        return k;
                k = RET_NERRNO(stat(r->path, &st));
        }
        if (k < 0)
                return registry_error(
                                r, k, "Failed to access the registry file '%s': %s.", r->path,
                                strerror(-k));
        if (!S_ISREG(st.st_mode))
                return registry_error(
                                r, -EBADMSG, "'%s' is %s, not a registry file.", r->path,
                                S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");

        recover_interrupted_write(r);
        k = connect_db(r, r->path, r->writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY);
        /* SQLite quietly opens a file it cannot write read-only; say so now, not at the first
         * write. */
        if (k >= 0 && r->writable && sqlite3_db_readonly(r->db, "main") == 1) {
                k = access(r->path, W_OK) < 0 && errno == EROFS ? -EROFS : -EACCES;
                (void) registry_error(
                                r, k, "The registry file '%s' cannot be written: %s.", r->path,
                                strerror(-k));
        }
        if (k >= 0)
                k = check_file(r);
        if (k < 0)
                disconnect_db(r);
        return k;
}

/* Before each read. For a read-only registry whose file did not exist: switches to the file
 * once it appears, so that a long-lived reader sees what was registered after it started. */
static int refresh(Registry *r) {
        if (!r->placeholder) {
                /* Not while this connection holds a lock: the recovery would wait for it. */
                if (sqlite3_get_autocommit(r->db))
                        recover_interrupted_write(r);
                return 0;
        }
        if (!sqlite3_get_autocommit(r->db) || access(r->path, F_OK) < 0)
                return 0; /* keep reading what the enclosing read began with */
        disconnect_db(r);
        r->placeholder = false;
        int k = connect_file(r);
        if (k < 0) {
                /* Stay an empty registry, and try the file again at the next read. */
                char *m = TAKE_PTR(r->error);
                (void) connect_placeholder(r);
                return registry_error_take(r, k, m);
        }
        return 0;
}

static Registry *registry_new(const char *path, bool writable) {
        Registry *r = calloc(1, sizeof *r);

        if (!r)
                return NULL;
        r->path = strdup(path);
        if (!r->path) {
                free(r);
                return NULL;
        }
        r->writable = writable;
        return r;
}

int registry_open(
                const char *path, RegistryOpenFlags flags, Registry **ret, char **reterr_message) {
        Registry *r;
        int k;

        vss_assert_return(ret, -EINVAL);
        vss_assert_return((flags & ~REGISTRY_OPEN_READ_WRITE) == 0, -EINVAL);

        if (!path)
                path = registry_default_path();
        vss_assert_return(*path, -EINVAL);

        r = registry_new(path, flags & REGISTRY_OPEN_READ_WRITE);
        if (!r)
                return -ENOMEM;

        r->locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t) 0);
        if (!r->locale)
                k = registry_error(
                                r, errno == ENOMEM ? -ENOMEM : -ENOENT,
                                "The C.UTF-8 locale is not available; the registry needs it "
                                "to compare names case-insensitively.");
        else if (r->writable && !have_privilege())
                k = check_write_access(r);
        else
                k = connect_file(r);
        if (k < 0) {
                if (reterr_message)
                        *reterr_message = TAKE_PTR(r->error);
                registry_free(r);
                return k;
        }

        *ret = r;
        return 0;
}

Registry *registry_free(Registry *r) {
        if (!r)
                return NULL;
        if (r->db && r->in_transaction)
                (void) sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        disconnect_db(r);
        if (r->locale)
                freelocale(r->locale);
        free(r->path);
        free(r->error);
        free(r);
        return NULL;
}

/* ---- transactions ----------------------------------------------------------------------- */

/* After a failure inside registry_begin()..registry_commit(), SQLite may have rolled back the
 * whole transaction (it does after SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM or SQLITE_BUSY).
 * Notices that and says so. */
static void note_lost_transaction(Registry *r) {
        if (!r->in_transaction || !sqlite3_get_autocommit(r->db))
                return;
        r->in_transaction = false;
        if (r->error) {
                char *m = NULL;
                if (asprintf(&m, "%s The whole transaction was rolled back.", r->error) >= 0) {
                        free(r->error);
                        r->error = m;
                }
        }
}

/* Takes the write lock. SQLite's locks are not queued: a process that commits and begins its
 * next transaction at once takes the lock again before waiters, which poll, notice it was free;
 * with 8 processes writing back to back some waited nearly 4 s. So a process that had to wait
 * itself (others are busy too) leaves the lock free for a moment after its commit; the longest
 * wait is then about 0.3 s (tests/unit/test-registry.c, test_concurrent_writers). */
static int begin_immediate(Registry *r, const char *what) {
        if (r->contended && r->last_commit != 0) {
                uint64_t since = now_usec() - r->last_commit;
                if (since < REGISTRY_COURTESY_USEC) {
                        struct timespec pause = {
                                        .tv_nsec = (long) (REGISTRY_COURTESY_USEC - since) * 1000};
                        (void) nanosleep(&pause, NULL);
                }
        }
        r->contended = false;
        return exec_sql(r, "BEGIN IMMEDIATE", what);
}

static int commit(Registry *r) {
        int rc = sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
                r->last_commit = now_usec();
        return rc;
}

static int write_begin(Registry *r, const char *what) {
        int k = check_write_access(r);
        if (k < 0)
                return k;
        if (r->in_transaction)
                return exec_sql(r, "SAVEPOINT registry_write", what);
        return begin_immediate(r, what);
}

/* Ends what write_begin() started: commits when k >= 0, else undoes everything the write did.
 * Returns k, or the error of committing. */
static int write_end(Registry *r, int k, const char *what) {
        int rc;

        if (r->in_transaction) {
                if (k >= 0) {
                        rc = sqlite3_exec(r->db, "RELEASE registry_write", NULL, NULL, NULL);
                        if (rc != SQLITE_OK)
                                k = sqlite_error(r, rc, what);
                } else if (!sqlite3_get_autocommit(r->db))
                        (void) sqlite3_exec(
                                        r->db, "ROLLBACK TO registry_write; RELEASE registry_write",
                                        NULL, NULL, NULL);
                if (k < 0)
                        note_lost_transaction(r);
                return k;
        }

        if (k >= 0) {
                rc = commit(r);
                if (rc == SQLITE_OK)
                        return k;
                k = sqlite_error(r, rc, what);
        }
        if (!sqlite3_get_autocommit(r->db))
                (void) sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        return k;
}

int registry_read_begin(Registry *r, const char *what) {
        if (!r->db)
                return registry_error(r, -ENOMEM, "Out of memory.");
        int k = refresh(r);
        if (k < 0)
                return k;
        return exec_sql(r, "SAVEPOINT registry_read", what);
}

int registry_read_end(Registry *r, int k) {
        int rc = sqlite3_exec(r->db, "RELEASE registry_read", NULL, NULL, NULL);
        if (rc != SQLITE_OK && k >= 0)
                k = sqlite_error(r, rc, "finish reading");
        if (k < 0)
                note_lost_transaction(r);
        return k;
}

int registry_begin(Registry *r) {
        int k;

        vss_assert_return(r, -EINVAL);
        registry_error_clear(r);

        k = check_write_access(r);
        if (k < 0)
                return k;
        if (r->in_transaction)
                return registry_error(
                                r, -EBUSY,
                                "A transaction is already in progress on the registry '%s'.",
                                r->path);
        k = begin_immediate(r, "begin a transaction");
        if (k < 0)
                return k;
        r->in_transaction = true;
        return 0;
}

int registry_commit(Registry *r) {
        int rc;

        vss_assert_return(r, -EINVAL);
        registry_error_clear(r);

        if (!r->in_transaction)
                return registry_error(r, -EINVAL, "No transaction is in progress.");
        r->in_transaction = false;
        rc = commit(r);
        if (rc == SQLITE_OK)
                return 0;
        int k = sqlite_error(r, rc, "commit the transaction");
        if (!sqlite3_get_autocommit(r->db))
                (void) sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        return k;
}

int registry_rollback(Registry *r) {
        int rc;

        vss_assert_return(r, -EINVAL);
        registry_error_clear(r);

        if (!r->in_transaction)
                return registry_error(r, -EINVAL, "No transaction is in progress.");
        r->in_transaction = false;
        if (sqlite3_get_autocommit(r->db))
                return 0;
        rc = sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
        return rc == SQLITE_OK ? 0 : sqlite_error(r, rc, "roll back the transaction");
}

/* ---- keys -------------------------------------------------------------------------------- */

/* Parses 'path' into *ret_components, and the canonical form into *ret_normalized (if not
 * NULL), setting r's error on failure. */
static int
split_path(Registry *r, const char *path, char ***ret_components, char **ret_normalized) {
        vss_autostrv char **l = NULL;
        char *m = NULL;
        int k;

        k = registry_path_split(path, &l, &m);
        if (k < 0)
                return registry_error_take(r, k, m);
        if (ret_normalized) {
                *ret_normalized = registry_path_join(l);
                if (!*ret_normalized)
                        return registry_error(r, -ENOMEM, "Out of memory.");
        }
        *ret_components = TAKE_PTR(l);
        return 0;
}

static int fold_or_fail(Registry *r, const char *s, char **ret) {
        int k = registry_fold(r, s, ret);
        if (k < 0)
                return registry_error(
                                r, k, k == -ENOMEM ? "Out of memory." : "'%s' is not valid UTF-8.",
                                s);
        return 0;
}

/* Finds the key named by 'components' (as registry_path_split() gives them) and stores its row
 * id. With 'create', makes the missing keys and returns 1 if it made any; else returns 0, or
 * -ENOENT (with r's error set) when the key does not exist. */
static int key_resolve(Registry *r, char *const *components, bool create, sqlite3_int64 *ret_id) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *sel = NULL;
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *ins = NULL;
        sqlite3_int64 id = REGISTRY_ROOT_ID;
        bool created = false;
        int k, rc;

        assert(components && components[0]);

        k = prepare(r, "SELECT id FROM reg_keys WHERE parent = ?1 AND fold = ?2", &sel,
                    "look up a key");
        if (k < 0)
                return k;

        for (size_t i = 1; components[i]; i++) {
                vss_autofree char *fold = NULL;

                k = fold_or_fail(r, components[i], &fold);
                if (k < 0)
                        return k;
                (void) sqlite3_reset(sel);
                if (sqlite3_bind_int64(sel, 1, id) != SQLITE_OK ||
                    sqlite3_bind_text(sel, 2, fold, -1, SQLITE_STATIC) != SQLITE_OK)
                        return sqlite_error(r, sqlite3_errcode(r->db), "look up a key");
                rc = sqlite3_step(sel);
                if (rc == SQLITE_ROW) {
                        id = sqlite3_column_int64(sel, 0);
                        continue;
                }
                if (rc != SQLITE_DONE)
                        return sqlite_error(r, rc, "look up a key");
                (void) sqlite3_reset(sel);

                if (!create) {
                        vss_autofree char *p = registry_path_join(components);
                        return registry_error(
                                        r, -ENOENT, "The key '%s' does not exist.",
                                        p ? p : components[i]);
                }
                if (!ins) {
                        k = prepare(r,
                                    "INSERT INTO reg_keys (parent, name, fold) VALUES (?1, ?2, ?3)",
                                    &ins, "create a key");
                        if (k < 0)
                                return k;
                }
                (void) sqlite3_reset(ins);
                if (sqlite3_bind_int64(ins, 1, id) != SQLITE_OK ||
                    sqlite3_bind_text(ins, 2, components[i], -1, SQLITE_STATIC) != SQLITE_OK ||
                    sqlite3_bind_text(ins, 3, fold, -1, SQLITE_STATIC) != SQLITE_OK)
                        return sqlite_error(r, sqlite3_errcode(r->db), "create a key");
                rc = sqlite3_step(ins);
                if (rc != SQLITE_DONE)
                        return sqlite_error(r, rc, "create a key");
                id = sqlite3_last_insert_rowid(r->db);
                created = true;
        }

        *ret_id = id;
        return created;
}

/* Runs the Windows Server Backup rules on a write (registry_apps_check_write()). */
static int
apps_check(Registry *r,
           const char *normalized,
           const char *name,
           RegType type,
           const void *data,
           size_t size) {
        char *m = NULL;
        int k;

        k = registry_apps_check_write(r, normalized, name, type, data, size, &m);
        if (k < 0)
                return registry_error_take(r, k, m);
        free(m); /* a duplicate identifier is only a warning */
        return 0;
}

int registry_create_key(Registry *r, const char *path) {
        vss_autostrv char **components = NULL;
        vss_autofree char *normalized = NULL;
        sqlite3_int64 id = 0;
        int k;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(path, -EINVAL);
        registry_error_clear(r);

        k = split_path(r, path, &components, &normalized);
        if (k < 0)
                return k;
        k = write_begin(r, "create a key");
        if (k < 0)
                return k;
        k = apps_check(r, normalized, NULL, REG_NONE, NULL, 0);
        if (k >= 0)
                k = key_resolve(r, components, true, &id);
        return write_end(r, k, "create a key");
}

/* Deletes the key with row id 'id', its subkeys and all their values. */
static int key_delete_tree(Registry *r, sqlite3_int64 id) {
        static const char *const sql[] = {
                        "WITH RECURSIVE tree (id) AS (SELECT ?1 UNION ALL "
                        "SELECT k.id FROM reg_keys k JOIN tree ON k.parent = tree.id) "
                        "DELETE FROM reg_values WHERE key IN tree",
                        "WITH RECURSIVE tree (id) AS (SELECT ?1 UNION ALL "
                        "SELECT k.id FROM reg_keys k JOIN tree ON k.parent = tree.id) "
                        "DELETE FROM reg_keys WHERE id IN tree",
        };

        for (size_t i = 0; i < ELEMENTSOF(sql); i++) {
                VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
                int k = prepare(r, sql[i], &st, "delete a key");
                if (k < 0)
                        return k;
                if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
                        return sqlite_error(r, sqlite3_errcode(r->db), "delete a key");
                int rc = sqlite3_step(st);
                if (rc != SQLITE_DONE)
                        return sqlite_error(r, rc, "delete a key");
        }
        return 0;
}

int registry_delete_key(Registry *r, const char *path) {
        vss_autostrv char **components = NULL;
        vss_autofree char *normalized = NULL;
        sqlite3_int64 id = 0;
        int k;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(path, -EINVAL);
        registry_error_clear(r);

        k = split_path(r, path, &components, &normalized);
        if (k < 0)
                return k;
        /* A path of one name is a root: HKLM, or HKCR, which stands for HKLM\SOFTWARE\Classes
         * but is a root all the same. */
        const char *sep = strchr(path, '\\');
        if (!sep || sep[1] == 0)
                return registry_error(r, -EPERM, "The root key '%s' cannot be deleted.", path);

        k = write_begin(r, "delete a key");
        if (k < 0)
                return k;
        k = key_resolve(r, components, false, &id);
        if (k >= 0)
                k = key_delete_tree(r, id);
        return write_end(r, k, "delete a key");
}

int registry_key_exists(Registry *r, const char *key) {
        vss_autostrv char **components = NULL;
        sqlite3_int64 id = 0;
        int k;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(key, -EINVAL);
        registry_error_clear(r);

        k = split_path(r, key, &components, NULL);
        if (k < 0)
                return k;
        k = registry_read_begin(r, "look up a key");
        if (k < 0)
                return k;
        k = key_resolve(r, components, false, &id);
        if (k == -ENOENT) {
                registry_error_clear(r);
                k = 0;
        } else if (k >= 0)
                k = 1;
        return registry_read_end(r, k);
}

/* Reads the names a statement returns into a strv (empty, not NULL, when there are none). */
static int collect_names(Registry *r, sqlite3_stmt *st, char ***ret) {
        char **names = calloc(1, sizeof(char *));
        int k = 0;

        if (!names)
                return registry_error(r, -ENOMEM, "Out of memory.");
        for (;;) {
                int rc = sqlite3_step(st);
                if (rc == SQLITE_DONE)
                        break;
                if (rc != SQLITE_ROW) {
                        k = sqlite_error(r, rc, "list subkeys");
                        break;
                }
                const char *name = (const char *) sqlite3_column_text(st, 0);
                if (!name) {
                        k = sqlite_error(r, SQLITE_CORRUPT, "list subkeys");
                        break;
                }
                if (strv_extend(&names, name) < 0) {
                        k = registry_error(r, -ENOMEM, "Out of memory.");
                        break;
                }
        }
        if (k < 0) {
                strv_free(names);
                return k;
        }
        *ret = names;
        return 0;
}

int registry_list_subkeys(Registry *r, const char *key, char ***ret) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        vss_autostrv char **components = NULL;
        char **names = NULL;
        sqlite3_int64 id = 0;
        int k;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(key, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        registry_error_clear(r);

        k = split_path(r, key, &components, NULL);
        if (k < 0)
                return k;
        k = registry_read_begin(r, "list subkeys");
        if (k < 0)
                return k;
        k = key_resolve(r, components, false, &id);
        if (k >= 0)
                k = prepare(r, "SELECT name FROM reg_keys WHERE parent = ?1 ORDER BY id", &st,
                            "list subkeys");
        if (k >= 0 && sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
                k = sqlite_error(r, sqlite3_errcode(r->db), "list subkeys");
        if (k >= 0)
                k = collect_names(r, st, &names);
        st = stmt_finalize(st);
        k = registry_read_end(r, k);
        if (k < 0) {
                strv_free(names);
                return k;
        }
        *ret = names;
        return 0;
}

/* ---- values -------------------------------------------------------------------------------- */

/* Fills 'v' from a row (name, type, data), checking the data as a write would: a row that
 * breaks the rules was not written by us and is reported as damage. */
static int value_from_row(Registry *r, sqlite3_stmt *st, RegValue *v) {
        const char *name = (const char *) sqlite3_column_text(st, 0);
        sqlite3_int64 type = sqlite3_column_int64(st, 1);
        const void *data = sqlite3_column_blob(st, 2);
        int size = sqlite3_column_bytes(st, 2);

        if (!name || size < 0 || type < 0 || type > REG_QWORD ||
            reg_value_check_data((RegType) type, data, (size_t) size, NULL) < 0)
                return registry_error(
                                r, -EBADMSG,
                                "The registry file '%s' is damaged: the value '%s' has a "
                                "malformed type or data.",
                                r->path, name ? name : "?");

        *v = (RegValue){.type = (RegType) type, .size = (size_t) size};
        v->name = strdup(name);
        if (size > 0) {
                v->data = malloc((size_t) size);
                if (v->data)
                        memcpy(v->data, data, (size_t) size);
        }
        if (!v->name || (size > 0 && !v->data)) {
                v->name = mfree(v->name);
                free(v->data);
                v->data = NULL;
                return registry_error(r, -ENOMEM, "Out of memory.");
        }
        return 0;
}

static int name_check(Registry *r, const char *name) {
        char *m = NULL;
        int k = registry_value_name_check(name, &m);
        return k < 0 ? registry_error_take(r, k, m) : 0;
}

int registry_set_value(
                Registry *r,
                const char *key,
                const char *name,
                RegType type,
                const void *data,
                size_t size,
                bool no_replace) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        vss_autostrv char **components = NULL;
        vss_autofree char *normalized = NULL, *fold = NULL;
        sqlite3_int64 key_id, value_id = 0;
        char *m = NULL;
        int k, rc;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(key, -EINVAL);
        vss_assert_return(name, -EINVAL);
        vss_assert_return(data || size == 0, -EINVAL);
        registry_error_clear(r);

        k = split_path(r, key, &components, &normalized);
        if (k < 0)
                return k;
        k = name_check(r, name);
        if (k < 0)
                return k;
        k = reg_value_check_data(type, data, size, &m);
        if (k < 0)
                return registry_error_take(r, k, m);
        k = fold_or_fail(r, name, &fold);
        if (k < 0)
                return k;

        k = write_begin(r, "set a value");
        if (k < 0)
                return k;
        k = apps_check(r, normalized, name, type, data, size);
        if (k >= 0)
                k = key_resolve(r, components, true, &key_id);
        if (k >= 0)
                k = prepare(r, "SELECT id FROM reg_values WHERE key = ?1 AND fold = ?2", &st,
                            "set a value");
        if (k >= 0 && (sqlite3_bind_int64(st, 1, key_id) != SQLITE_OK ||
                       sqlite3_bind_text(st, 2, fold, -1, SQLITE_STATIC) != SQLITE_OK))
                k = sqlite_error(r, sqlite3_errcode(r->db), "set a value");
        if (k >= 0) {
                rc = sqlite3_step(st);
                if (rc == SQLITE_ROW)
                        value_id = sqlite3_column_int64(st, 0);
                else if (rc != SQLITE_DONE)
                        k = sqlite_error(r, rc, "set a value");
        }
        st = stmt_finalize(st);
        if (k >= 0 && value_id != 0 && no_replace)
                k =
                                registry_error(r, -EEXIST, "The value '%s' already exists in '%s'.",
                                               name, normalized);
        if (k >= 0) {
                /* Replacing updates the row in place: the value keeps its position and the
                 * spelling of its name. */
                k = prepare(r,
                            value_id != 0 ? "UPDATE reg_values SET type = ?4, data = ?5 "
                                            "WHERE id = ?1"
                                          : "INSERT INTO reg_values (key, name, fold, type, "
                                            "data) VALUES (?1, ?2, ?3, ?4, ?5)",
                            &st, "set a value");
        }
        if (k >= 0) {
                rc = value_id != 0 ? sqlite3_bind_int64(st, 1, value_id)
                                   : sqlite3_bind_int64(st, 1, key_id);
                if (rc == SQLITE_OK && value_id == 0)
                        rc = sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
                if (rc == SQLITE_OK && value_id == 0)
                        rc = sqlite3_bind_text(st, 3, fold, -1, SQLITE_STATIC);
                if (rc == SQLITE_OK)
                        rc = sqlite3_bind_int(st, 4, (int) type);
                if (rc == SQLITE_OK)
                        rc = size > 0 ? sqlite3_bind_blob64(st, 5, data, size, SQLITE_STATIC)
                                      : sqlite3_bind_zeroblob(st, 5, 0);
                if (rc == SQLITE_OK)
                        rc = sqlite3_step(st);
                if (rc != SQLITE_DONE)
                        k = sqlite_error(r, rc, "set a value");
                else
                        k = value_id == 0;
        }
        st = stmt_finalize(st);
        return write_end(r, k, "set a value");
}

/* Checks and prepares the arguments that name one value: the key's path split into
 * components and normalized, and the value name checked and case-folded. */
static int
value_args(Registry *r,
           const char *key,
           const char *name,
           char ***ret_components,
           char **ret_normalized,
           char **ret_fold) {
        int k = split_path(r, key, ret_components, ret_normalized);
        if (k < 0)
                return k;
        k = name_check(r, name);
        if (k < 0)
                return k;
        return fold_or_fail(r, name, ret_fold);
}

int registry_delete_value(Registry *r, const char *key, const char *name) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        vss_autostrv char **components = NULL;
        vss_autofree char *normalized = NULL, *fold = NULL;
        sqlite3_int64 key_id = 0;
        int k, rc;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(key, -EINVAL);
        vss_assert_return(name, -EINVAL);
        registry_error_clear(r);

        k = value_args(r, key, name, &components, &normalized, &fold);
        if (k < 0)
                return k;

        k = write_begin(r, "delete a value");
        if (k < 0)
                return k;
        k = key_resolve(r, components, false, &key_id);
        if (k >= 0)
                k = prepare(r, "DELETE FROM reg_values WHERE key = ?1 AND fold = ?2", &st,
                            "delete a value");
        if (k >= 0) {
                rc = sqlite3_bind_int64(st, 1, key_id);
                if (rc == SQLITE_OK)
                        rc = sqlite3_bind_text(st, 2, fold, -1, SQLITE_STATIC);
                if (rc == SQLITE_OK)
                        rc = sqlite3_step(st);
                if (rc != SQLITE_DONE)
                        k = sqlite_error(r, rc, "delete a value");
                else if (sqlite3_changes(r->db) == 0)
                        k = registry_error(
                                        r, -ENOENT,
                                        *name ? "The value '%s' does not exist in '%s'."
                                              : "The default value%s of '%s' is not set.",
                                        name, normalized);
        }
        st = stmt_finalize(st);
        return write_end(r, k, "delete a value");
}

int registry_delete_all_values(Registry *r, const char *key) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        vss_autostrv char **components = NULL;
        sqlite3_int64 key_id = 0;
        int k, rc;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(key, -EINVAL);
        registry_error_clear(r);

        k = split_path(r, key, &components, NULL);
        if (k < 0)
                return k;
        k = write_begin(r, "delete values");
        if (k < 0)
                return k;
        k = key_resolve(r, components, false, &key_id);
        if (k >= 0)
                k = prepare(r, "DELETE FROM reg_values WHERE key = ?1", &st, "delete values");
        if (k >= 0) {
                rc = sqlite3_bind_int64(st, 1, key_id);
                if (rc == SQLITE_OK)
                        rc = sqlite3_step(st);
                if (rc != SQLITE_DONE)
                        k = sqlite_error(r, rc, "delete values");
                else
                        k = sqlite3_changes(r->db);
        }
        st = stmt_finalize(st);
        return write_end(r, k, "delete values");
}

int registry_get_value(Registry *r, const char *key, const char *name, RegValue **ret) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        VSS_CLEANUP(reg_value_freep) RegValue *v = NULL;
        vss_autostrv char **components = NULL;
        vss_autofree char *normalized = NULL, *fold = NULL;
        sqlite3_int64 key_id = 0;
        int k, rc;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(key, -EINVAL);
        vss_assert_return(name, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        registry_error_clear(r);

        k = value_args(r, key, name, &components, &normalized, &fold);
        if (k < 0)
                return k;

        k = registry_read_begin(r, "read a value");
        if (k < 0)
                return k;
        k = key_resolve(r, components, false, &key_id);
        if (k >= 0)
                k = prepare(r,
                            "SELECT name, type, data FROM reg_values WHERE key = ?1 AND fold = ?2",
                            &st, "read a value");
        if (k >= 0) {
                rc = sqlite3_bind_int64(st, 1, key_id);
                if (rc == SQLITE_OK)
                        rc = sqlite3_bind_text(st, 2, fold, -1, SQLITE_STATIC);
                if (rc == SQLITE_OK)
                        rc = sqlite3_step(st);
                if (rc == SQLITE_DONE)
                        k = registry_error(
                                        r, -ENOENT,
                                        *name ? "The value '%s' does not exist in '%s'."
                                              : "The default value%s of '%s' is not set.",
                                        name, normalized);
                else if (rc != SQLITE_ROW)
                        k = sqlite_error(r, rc, "read a value");
                else {
                        v = calloc(1, sizeof *v);
                        k = v ? value_from_row(r, st, v)
                              : registry_error(r, -ENOMEM, "Out of memory.");
                }
        }
        st = stmt_finalize(st);
        k = registry_read_end(r, k);
        if (k < 0)
                return k;
        *ret = TAKE_PTR(v);
        return 0;
}

int registry_list_values(Registry *r, const char *key, RegValue **ret, size_t *ret_n) {
        VSS_CLEANUP(sqlite3_finalizep) sqlite3_stmt *st = NULL;
        vss_autostrv char **components = NULL;
        RegValue *values = NULL;
        size_t n = 0, allocated = 0;
        sqlite3_int64 key_id = 0;
        int k, rc;

        vss_assert_return(r, -EINVAL);
        vss_assert_return(key, -EINVAL);
        vss_assert_return(ret, -EINVAL);
        vss_assert_return(ret_n, -EINVAL);
        registry_error_clear(r);

        k = split_path(r, key, &components, NULL);
        if (k < 0)
                return k;
        k = registry_read_begin(r, "list values");
        if (k < 0)
                return k;
        k = key_resolve(r, components, false, &key_id);
        if (k >= 0)
                k = prepare(r, "SELECT name, type, data FROM reg_values WHERE key = ?1 ORDER BY id",
                            &st, "list values");
        if (k >= 0 && sqlite3_bind_int64(st, 1, key_id) != SQLITE_OK)
                k = sqlite_error(r, sqlite3_errcode(r->db), "list values");
        while (k >= 0) {
                rc = sqlite3_step(st);
                if (rc == SQLITE_DONE)
                        break;
                if (rc != SQLITE_ROW) {
                        k = sqlite_error(r, rc, "list values");
                        break;
                }
                if (n == allocated) {
                        size_t a = allocated ? allocated * 2 : 8;
                        RegValue *p = reallocarray(values, a, sizeof *values);
                        if (!p) {
                                k = registry_error(r, -ENOMEM, "Out of memory.");
                                break;
                        }
                        values = p;
                        allocated = a;
                }
                k = value_from_row(r, st, &values[n]);
                if (k >= 0)
                        n++;
        }
        st = stmt_finalize(st);
        k = registry_read_end(r, k);
        if (k < 0) {
                reg_value_array_free(values, n);
                return k;
        }
        *ret = values;
        *ret_n = n;
        return 0;
}
