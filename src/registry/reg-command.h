/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The arguments of the reg command (reg add, query, delete, export, import) with Windows'
 * syntax: switches written /x or -x in any case, values as given. Parsing checks everything
 * that can be checked without the store, including the data of "reg add", so that a batch file
 * can be refused before any of it runs. docs/VSS-REG.md has the synopsis. Pure: no I/O. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"
#include "registry.h"

typedef enum RegVerb {
        REG_VERB_ADD,
        REG_VERB_QUERY,
        REG_VERB_DELETE,
        REG_VERB_EXPORT,
        REG_VERB_IMPORT,
        REG_VERB_MAX,
        REG_VERB_INVALID = -EINVAL,
} RegVerb;

/* "add", ...; NULL for an invalid verb. */
const char *reg_verb_to_string(RegVerb v);
/* Any case; REG_VERB_INVALID if unknown. */
RegVerb reg_verb_from_string(const char *s);

typedef struct RegCommand {
        RegVerb verb;
        bool help; /* "/?" (or /h, -?, -h) alone: show the verb's usage, nothing else */

        char *key;  /* add, query, delete, export: the key name as given */
        char *file; /* export, import: the file name as given */

        bool value;       /* /v given */
        char *value_name; /* its argument; NULL only for "query ... /f ... /v" without one */
        bool value_empty; /* /ve: the default (unnamed) value */
        bool value_all;   /* delete /va: every value of the key */

        bool has_type;   /* /t given */
        RegType type;    /* add: the value type (REG_SZ if not given); query: the type filter */
        char *separator; /* add /s, query /se: one character; NULL means \0 */
        char *data;      /* add /d as given; NULL if not given */
        bool force;      /* add, delete /f: no confirmation */

        /* add: what to write. set_value false means "create the key only" (no /v, /ve, /t or
         * /d). value_data is in the store's layout (registry.h, RegValue). */
        bool set_value;
        uint8_t *value_data;
        size_t value_size;

        bool recursive; /* query /s */
        bool find;      /* query /f */
        char *pattern;  /* its argument; NULL means "*" (everything) */
        bool find_keys, find_data, find_case, find_exact; /* query /k /d /c /e */
        bool verbose;                                     /* query /z: show the type number too */

        bool overwrite; /* export /y: replace an existing file without asking */
} RegCommand;

RegCommand *reg_command_free(RegCommand *c);
DEFINE_CLEANUP_FUNC(RegCommand, reg_command_free)

/* Parses the arguments of one reg command: argv[0] is the operation (add, query, delete,
 * export, import; any case), the rest its arguments. On success you now own *ret. Errors:
 * -EINVAL for a syntax error, an unknown or repeated switch, bad data; -EOPNOTSUPP for something
 * Windows has and linvss does not (/reg:32, REG_DWORD_BIG_ENDIAN, ...); -EILSEQ for an argument
 * that is not UTF-8; -E2BIG for data over the size limit; -ENOMEM. On failure, if
 * 'reterr_message' is not NULL, it receives a sentence (no final period) saying what is wrong,
 * which you now own. */
int reg_command_parse(char *const *argv, RegCommand **ret, char **reterr_message);

/* Writes the command back as canonical arguments (argv[0] the operation), which parse to an
 * equal command. You now own *ret. -ENOMEM. */
int reg_command_to_argv(const RegCommand *c, char ***ret);

/* Whether two parsed commands are the same. */
bool reg_command_equal(const RegCommand *a, const RegCommand *b);

/* The one-line synopsis of an operation, as "reg add /?" shows it. Static storage. */
const char *reg_command_usage(RegVerb v);
