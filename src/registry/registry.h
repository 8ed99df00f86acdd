/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The application registry: a store with the Windows registry model (keys with case-insensitive,
 * case-preserving names, typed values, creation order kept), kept in SQLite at
 * /var/lib/linvss/registry.db or $VSS_REGISTRY_PATH. Everyone may read it; every write needs
 * root. On top of the store: the Windows Server Backup application registrations
 * (registry-apps.c) and the VSS writer access list (registry-acl.c).
 *
 * Key paths are '\'-separated and start with a root key: "HKLM" or "HKEY_LOCAL_MACHINE" (any
 * case). "HKCR"/"HKEY_CLASSES_ROOT" is an alias of HKLM\SOFTWARE\Classes. Other roots (HKCU,
 * HKU, HKCC) and remote paths ("\\machine\HKLM\...") are refused with -EOPNOTSUPP. A trailing '\'
 * is ignored; empty components ("a\\b") are -EINVAL. Value names are case-insensitive too; the
 * empty name "" is the key's default (unnamed) value. Names and string data are UTF-8.
 *
 * Errors: -EACCES when a write is attempted without root (the message to show says that
 * administrator privilege is required); -EROFS for a write through a registry opened read-only;
 * -ENOENT for a missing key or value; -EINVAL for a malformed path, name or data; -EBADMSG when
 * the database file is corrupt, truncated, not a linvss registry or of a newer format
 * (registry_last_error() names the file and what is wrong); -E2BIG when a limit below is
 * exceeded; -EBUSY if the database stayed locked by other writers for 10 s.
 *
 * Key and value names are 1..255 (keys) or 0..16383 (values) code points of UTF-8 without
 * control characters; key names cannot contain '\'. A Registry object is used by one thread at
 * a time; separate objects (and processes) may share the file. Calls block while another
 * process writes, at most 10 s. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vss/vss.h>

#include "macro.h"

/* Value types, with the numbers Windows gives them (they appear in .reg files as hex(N)). */
typedef enum RegType {
        REG_NONE = 0,
        REG_SZ = 1,
        REG_EXPAND_SZ = 2,
        REG_BINARY = 3,
        REG_DWORD = 4,
        REG_MULTI_SZ = 7,
        REG_QWORD = 11,
} RegType;

const char *reg_type_to_string(RegType t);             /* "REG_SZ", or NULL */
int reg_type_from_string(const char *s, RegType *ret); /* "REG_SZ" (any case); -EINVAL */

/* Limits (Windows' own, where it has one). */
#define REGISTRY_KEY_NAME_MAX   255           /* characters in one key name */
#define REGISTRY_KEY_DEPTH_MAX  512           /* components in a key path, the root included */
#define REGISTRY_VALUE_NAME_MAX 16383         /* characters in a value name */
#define REGISTRY_VALUE_DATA_MAX (1024 * 1024) /* bytes of one value's data */

/* A value as stored. For REG_SZ and REG_EXPAND_SZ, 'data' is the UTF-8 string with its NUL
 * (size = strlen + 1). For REG_MULTI_SZ it is the strings, each with its NUL, followed by one
 * more NUL ("a\0b\0\0"; the empty list is "\0"). REG_DWORD is 4 and REG_QWORD 8 bytes,
 * little-endian. REG_BINARY and REG_NONE are raw bytes. */
typedef struct RegValue {
        char *name; /* as created (case preserved); "" for the default value */
        RegType type;
        uint8_t *data;
        size_t size;
} RegValue;

RegValue *reg_value_free(RegValue *v);
DEFINE_CLEANUP_FUNC(RegValue, reg_value_free)
void reg_value_array_free(RegValue *v, size_t n); /* frees the members and the array */

/* Helpers to read typed data; -EINVAL if the type or size does not match. The returned strings
 * are borrowed from 'v'. */
int reg_value_get_string(const RegValue *v, const char **ret); /* REG_SZ, REG_EXPAND_SZ */
int reg_value_get_dword(const RegValue *v, uint32_t *ret);
int reg_value_get_qword(const RegValue *v, uint64_t *ret);
int reg_value_get_multi_string(const RegValue *v, char ***ret); /* you now own the strv */

typedef struct Registry Registry;

typedef enum RegistryOpenFlags {
        REGISTRY_OPEN_READ_ONLY = 0,
        REGISTRY_OPEN_READ_WRITE = 1 << 0, /* needs root; creates the file (0644) and its
                                            * directory (0755) when missing */
} RegistryOpenFlags;

/* The database file used when 'path' is NULL: $VSS_REGISTRY_PATH if set and not empty, else
 * /var/lib/linvss/registry.db. Static storage or the environment's. */
const char *registry_default_path(void);

/* Opens the registry. Read-only opening of a file that does not exist yet gives an empty
 * registry (every key missing), not an error. Read-write opening without root is -EACCES. On
 * failure, if 'reterr_message' is not NULL, it receives a description for people (which file,
 * what is wrong) that you now own. */
int registry_open(const char *path, RegistryOpenFlags flags, Registry **ret, char **reterr_message);
Registry *registry_free(Registry *r); /* NULL-safe; rolls back an open transaction */
DEFINE_CLEANUP_FUNC(Registry, registry_free)

/* A description for people of the last failure of an operation on 'r' (which file or key, what
 * was wrong), or NULL. Borrowed; valid until the next call on 'r'. */
const char *registry_last_error(Registry *r);

/* Canonicalizes a key path: root spelled "HKEY_LOCAL_MACHINE", HKCR expanded, no trailing
 * separator; the other names keep the case given. You now own *ret. */
int registry_path_normalize(const char *path, char **ret);

/* Every write below is one transaction: it happens completely or not at all, and concurrent
 * writers (other processes too) never lose each other's updates. A failed write changes
 * nothing, also inside registry_begin()..registry_commit(). */

/* Creates the key and any missing parents. Returns 1 if created, 0 if it existed. */
int registry_create_key(Registry *r, const char *path);

/* Deletes the key with all its subkeys and values. -ENOENT if missing. Deleting a root key is
 * -EPERM. */
int registry_delete_key(Registry *r, const char *path);

/* Sets a value, creating the key (and parents) if needed. Returns 1 if the value was created, 0
 * if an existing one was replaced (it keeps its place in the creation order and the case of its
 * name as first created). With 'no_replace' an existing value gives -EEXIST. The data must
 * satisfy the type's layout above (-EINVAL otherwise). Writes under the Windows Server Backup
 * "Application Support" key are checked by registry_apps_check_write() first. */
int registry_set_value(
                Registry *r,
                const char *key,
                const char *name,
                RegType type,
                const void *data,
                size_t size,
                bool no_replace);

/* Deletes one value (name "" = the default value). -ENOENT if the key or value is missing. */
int registry_delete_value(Registry *r, const char *key, const char *name);

/* Deletes every value of the key, keeping the key and its subkeys. Returns the number deleted. */
int registry_delete_all_values(Registry *r, const char *key);

/* Returns 1 if the key exists, 0 if not. */
int registry_key_exists(Registry *r, const char *key);

/* Looks up one value. You now own *ret. -ENOENT if the key or value does not exist. */
int registry_get_value(Registry *r, const char *key, const char *name, RegValue **ret);

/* Lists the values of a key in creation order. You now own the array
 * (reg_value_array_free()). -ENOENT if the key does not exist. */
int registry_list_values(Registry *r, const char *key, RegValue **ret, size_t *ret_n);

/* Lists the names of the direct subkeys in creation order, as created. You now own the strv.
 * -ENOENT if the key does not exist. */
int registry_list_subkeys(Registry *r, const char *key, char ***ret);

/* Runs several writes as one transaction (e.g. a whole .reg import). Between begin and commit
 * the single-write functions above join this transaction instead of making their own. rollback
 * undoes everything since begin. Nesting is -EBUSY; commit or rollback without begin is
 * -EINVAL. begin holds the write lock until commit or rollback (other writers wait). A failed
 * commit rolls everything back; so does registry_free() of a registry with a transaction open.
 * If SQLite itself abandons the transaction after an error (disk full, I/O error), the failing
 * call says so in registry_last_error() and the transaction is over. */
int registry_begin(Registry *r);
int registry_commit(Registry *r);
int registry_rollback(Registry *r);

/* ---- Windows Server Backup application registrations (registry-apps.c) ------------------ */

#define REGISTRY_WSB_KEY \
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\WindowsServerBackup"
#define REGISTRY_APP_SUPPORT_KEY    REGISTRY_WSB_KEY "\\Application Support"
#define REGISTRY_APP_IDENTIFIER     "Application Identifier"
#define REGISTRY_APP_CLSID          "CLSID"
#define REGISTRY_APP_IDENTIFIER_MAX 256 /* characters (code points), not bytes */

typedef enum RegistryAppStatus {
        REGISTRY_APP_OK,                /* selectable by its identifier */
        REGISTRY_APP_IGNORED_DUPLICATE, /* an earlier registration has the same identifier */
        REGISTRY_APP_INVALID,           /* malformed: see 'reason' */
} RegistryAppStatus;

const char *registry_app_status_to_string(RegistryAppStatus s); /* "ok", "ignored", "invalid" */

typedef struct RegistryApp {
        char *key_name;     /* the subkey name as stored, e.g. "{CE4EF7DC-...}" */
        vss_guid writer_id; /* the writer class id; null when the key name is not a GUID */
        char *identifier;   /* NULL when missing or unusable */
        bool has_clsid;
        vss_guid clsid;   /* the add-in's class id, when has_clsid */
        char *addin_path; /* HKLM\SOFTWARE\Classes\CLSID\{clsid}\LocalServer32, or NULL */
        RegistryAppStatus status;
        char *reason; /* why ignored or invalid, for people; NULL when OK */
} RegistryApp;

void registry_app_array_free(RegistryApp *apps, size_t n);

/* Lists every registration under "Application Support", in creation order of their keys, each
 * checked: key name a GUID, "Application Identifier" a REG_SZ of 1..256 characters, "CLSID" (if
 * present) a REG_SZ GUID. Identifiers are compared case-insensitively; of two registrations
 * with the same identifier the later one is IGNORED_DUPLICATE, naming the earlier. You now own
 * the array. An absent "Application Support" key gives 0 applications. */
int registry_list_apps(Registry *r, RegistryApp **ret, size_t *ret_n);

/* Finds the selectable (OK) application with this identifier (case-insensitive). You now own
 * *ret (free with registry_app_array_free(*ret, 1)). -ENOENT if there is none; when the
 * identifier only matches an ignored or invalid registration, -ENOENT too, and *reterr_message
 * (if given) says why it is not selectable. */
int registry_find_app(
                Registry *r, const char *identifier, RegistryApp **ret, char **reterr_message);

/* Called by the store before a write under "Application Support": refuses, with -EINVAL and a
 * message naming the rule, a subkey whose name is not a "{GUID}", an "Application Identifier"
 * that is not REG_SZ or is empty or longer than 256 characters, and a "CLSID" that is not a
 * REG_SZ GUID. 'key' is normalized; 'name' NULL means the write only creates the key. A
 * duplicate identifier is accepted (and later reported as ignored); the write returns 1 in that
 * case so that tools can warn, 0 otherwise. On 1, *reterr_message (if not NULL) receives a
 * warning that names the other registration; on failure, the rule that was broken. You now own
 * it. Writes elsewhere return 0. registry_set_value() and registry_create_key() call this and
 * return its -EINVAL (message in registry_last_error()); a tool that wants to warn about a
 * duplicate calls it itself before the write. */
int registry_apps_check_write(
                Registry *r,
                const char *key,
                const char *name,
                RegType type,
                const void *data,
                size_t size,
                char **reterr_message);

/* ---- The VSS writer access list (registry-acl.c) ---------------------------------------- */

#define REGISTRY_VSS_ACCESS_KEY \
        "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\VSS\\VssAccessControl"

typedef enum RegistryAccess {
        REGISTRY_ACCESS_NOT_LISTED = 0,
        REGISTRY_ACCESS_ALLOWED = 1,
        REGISTRY_ACCESS_DENIED = 2,
} RegistryAccess;

/* Looks 'user' (a user name; compared case-sensitively, as Linux user names are) up in the
 * VssAccessControl list: a REG_DWORD value named after the user, 1 = allow, 0 = deny. A value of
 * another type or another number is -EBADMSG with a message naming it. Returns the
 * RegistryAccess (>= 0); a missing key means nobody is listed. On failure *reterr_message (if
 * not NULL) receives a description you now own. */
int registry_writer_access(Registry *r, const char *user, char **reterr_message);
