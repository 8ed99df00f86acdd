/* SPDX-License-Identifier: LGPL-2.1-or-later */

#include "reg-command.h"

#include <errno.h>
#include <string.h>

#include "reg-data.h"
#include "reg-util.h"
#include "strv.h"
#include "utf8.h"

static const char *const verb_names[REG_VERB_MAX] = {
                [REG_VERB_ADD] = "add",       [REG_VERB_QUERY] = "query",
                [REG_VERB_DELETE] = "delete", [REG_VERB_EXPORT] = "export",
                [REG_VERB_IMPORT] = "import",
};

static const char *const verb_usages[REG_VERB_MAX] = {
                [REG_VERB_ADD] = "REG ADD KeyName [{/v ValueName | /ve}] [/t Type] [/s Separator] "
                                 "[/d Data] [/f] [/reg:64]",
                [REG_VERB_QUERY] = "REG QUERY KeyName [{/v [ValueName] | /ve}] [/s] [/f Data [/k] "
                                   "[/d] "
                                   "[/c] [/e]] [/t Type] [/z] [/se Separator] [/reg:64]",
                [REG_VERB_DELETE] =
                                "REG DELETE KeyName [{/v ValueName | /ve | /va}] [/f] [/reg:64]",
                [REG_VERB_EXPORT] = "REG EXPORT KeyName FileName [/y] [/reg:64]",
                [REG_VERB_IMPORT] = "REG IMPORT FileName [/reg:64]",
};

const char *reg_verb_to_string(RegVerb v) {
        if (v < 0 || v >= REG_VERB_MAX)
                return NULL;
        return verb_names[v];
}

RegVerb reg_verb_from_string(const char *s) {
        assert(s);

        for (RegVerb v = 0; v < REG_VERB_MAX; v++)
                if (reg_util_ascii_equal(s, verb_names[v]))
                        return v;
        return REG_VERB_INVALID;
}

const char *reg_command_usage(RegVerb v) {
        if (v < 0 || v >= REG_VERB_MAX)
                return NULL;
        return verb_usages[v];
}

RegCommand *reg_command_free(RegCommand *c) {
        if (!c)
                return NULL;
        free(c->key);
        free(c->file);
        free(c->value_name);
        free(c->separator);
        free(c->data);
        free(c->value_data);
        free(c->pattern);
        free(c);
        return NULL;
}

typedef enum Switch {
        SW_V,
        SW_VE,
        SW_VA,
        SW_T,
        SW_S,
        SW_SE,
        SW_D,
        SW_F,
        SW_K,
        SW_C,
        SW_E,
        SW_Z,
        SW_Y,
        SW_REG32,
        SW_REG64,
        SW_MAX,
} Switch;

static const char *const switch_names[SW_MAX] = {
                [SW_V] = "v", [SW_VE] = "ve",        [SW_VA] = "va",        [SW_T] = "t",
                [SW_S] = "s", [SW_SE] = "se",        [SW_D] = "d",          [SW_F] = "f",
                [SW_K] = "k", [SW_C] = "c",          [SW_E] = "e",          [SW_Z] = "z",
                [SW_Y] = "y", [SW_REG32] = "reg:32", [SW_REG64] = "reg:64",
};

typedef enum ArgKind {
        ARG_NONE,     /* not accepted by this verb */
        ARG_FLAG,     /* no argument */
        ARG_REQUIRED, /* takes the next argument, whatever it is (as reg.exe does) */
        ARG_OPTIONAL, /* takes the next argument unless there is none or it is a switch */
} ArgKind;

/* Which switches each verb takes, and how. */
static const ArgKind verb_switches[REG_VERB_MAX][SW_MAX] = {
                [REG_VERB_ADD] =
                                {
                                                [SW_V] = ARG_REQUIRED,
                                                [SW_VE] = ARG_FLAG,
                                                [SW_T] = ARG_REQUIRED,
                                                [SW_S] = ARG_REQUIRED,
                                                [SW_D] = ARG_REQUIRED,
                                                [SW_F] = ARG_FLAG,
                                                [SW_REG32] = ARG_FLAG,
                                                [SW_REG64] = ARG_FLAG,
                                },
                [REG_VERB_QUERY] =
                                {
                                                [SW_V] = ARG_OPTIONAL,
                                                [SW_VE] = ARG_FLAG,
                                                [SW_S] = ARG_FLAG,
                                                [SW_F] = ARG_OPTIONAL,
                                                [SW_K] = ARG_FLAG,
                                                [SW_D] = ARG_FLAG,
                                                [SW_C] = ARG_FLAG,
                                                [SW_E] = ARG_FLAG,
                                                [SW_T] = ARG_REQUIRED,
                                                [SW_Z] = ARG_FLAG,
                                                [SW_SE] = ARG_REQUIRED,
                                                [SW_REG32] = ARG_FLAG,
                                                [SW_REG64] = ARG_FLAG,
                                },
                [REG_VERB_DELETE] =
                                {
                                                [SW_V] = ARG_REQUIRED,
                                                [SW_VE] = ARG_FLAG,
                                                [SW_VA] = ARG_FLAG,
                                                [SW_F] = ARG_FLAG,
                                                [SW_REG32] = ARG_FLAG,
                                                [SW_REG64] = ARG_FLAG,
                                },
                [REG_VERB_EXPORT] =
                                {
                                                [SW_Y] = ARG_FLAG,
                                                [SW_REG32] = ARG_FLAG,
                                                [SW_REG64] = ARG_FLAG,
                                },
                [REG_VERB_IMPORT] =
                                {
                                                [SW_REG32] = ARG_FLAG,
                                                [SW_REG64] = ARG_FLAG,
                                },
};

static bool is_switch_syntax(const char *a) {
        return a[0] == '/' || a[0] == '-';
}

static bool is_help(const char *a) {
        return is_switch_syntax(a) && (streq(a + 1, "?") || reg_util_ascii_equal(a + 1, "h"));
}

/* The switch 'a' names for verb 'v', or SW_MAX. */
static Switch switch_of(RegVerb v, const char *a) {
        if (!is_switch_syntax(a))
                return SW_MAX;
        for (Switch s = 0; s < SW_MAX; s++)
                if (verb_switches[v][s] != ARG_NONE && reg_util_ascii_equal(a + 1, switch_names[s]))
                        return s;
        return SW_MAX;
}

static int dup_to(char **dst, const char *s) {
        char *d = strdup(s);
        if (!d)
                return -ENOMEM;
        free(*dst);
        *dst = d;
        return 0;
}

static int parse_type(const char *s, RegType *ret, char **reterr_message) {
        int r = reg_data_type_from_string(s, ret);
        if (r == -EOPNOTSUPP)
                return reg_util_fail(
                                reterr_message, r,
                                "the value type %s is not supported: linvss keeps REG_SZ, "
                                "REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY and "
                                "REG_NONE",
                                s);
        if (r < 0)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "'%s' is not a value type: use REG_SZ, REG_EXPAND_SZ, "
                                "REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY or REG_NONE",
                                s);
        return 0;
}

static int check_separator(const char *s, const char *sw, char **reterr_message) {
        uint32_t cp;
        size_t n = strlen(s);
        int k = utf8_decode(s, n, &cp);

        if (n == 0 || k < 0 || (size_t) k != n)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "the separator given with %s must be a single character, not '%s'",
                                sw, s);
        return 0;
}

static int validate_add(RegCommand *c, char **reterr_message) {
        int r;

        if (c->value && c->value_empty)
                return reg_util_fail(reterr_message, -EINVAL, "/v and /ve cannot be used together");
        if (!c->has_type)
                c->type = REG_SZ;
        if (c->separator) {
                if (c->type != REG_MULTI_SZ)
                        return reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "/s (the separator) applies only to /t REG_MULTI_SZ");
                r = check_separator(c->separator, "/s", reterr_message);
                if (r < 0)
                        return r;
        }

        /* Without /v, /ve, /t and /d, reg add only creates the key. (reg.exe also sets the
         * default value to an empty string then; linvss does not, so that keys which must have
         * no value, like the Windows Server Backup ones, can be created this way.) */
        c->set_value = c->value || c->value_empty || c->has_type || c->data;
        if (!c->set_value)
                return 0;

        return reg_data_from_string(
                        c->type, c->data, c->separator, &c->value_data, &c->value_size,
                        reterr_message);
}

static int validate_query(RegCommand *c, char **reterr_message) {
        if (c->value && c->value_empty)
                return reg_util_fail(reterr_message, -EINVAL, "/v and /ve cannot be used together");
        if (c->value && !c->value_name && !c->find)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "/v needs a value name (it may be left out only with /f)");
        if (!c->find && (c->find_keys || c->find_data || c->find_case || c->find_exact))
                return reg_util_fail(reterr_message, -EINVAL, "/k, /d, /c and /e need /f");
        if (c->find && c->value_name)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "/f cannot search one named value: use /v without a name to "
                                "search value names");
        if (c->find && c->value_empty)
                return reg_util_fail(reterr_message, -EINVAL, "/f and /ve cannot be used together");
        if (c->separator)
                return check_separator(c->separator, "/se", reterr_message);
        return 0;
}

static int validate_delete(RegCommand *c, char **reterr_message) {
        if ((c->value ? 1 : 0) + (c->value_empty ? 1 : 0) + (c->value_all ? 1 : 0) > 1)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "only one of /v, /ve and /va may be given");
        return 0;
}

static int set_switch(RegCommand *c, Switch s, const char *arg, char **reterr_message) {
        switch (s) {
        case SW_V:
                c->value = true;
                return arg ? dup_to(&c->value_name, arg) : 0;
        case SW_VE:
                c->value_empty = true;
                return 0;
        case SW_VA:
                c->value_all = true;
                return 0;
        case SW_T:
                c->has_type = true;
                return parse_type(arg, &c->type, reterr_message);
        case SW_S:
                if (c->verb == REG_VERB_QUERY) {
                        c->recursive = true;
                        return 0;
                }
                return dup_to(&c->separator, arg);
        case SW_SE:
                return dup_to(&c->separator, arg);
        case SW_D:
                if (c->verb == REG_VERB_QUERY) {
                        c->find_data = true;
                        return 0;
                }
                return dup_to(&c->data, arg);
        case SW_F:
                if (c->verb == REG_VERB_QUERY) {
                        c->find = true;
                        return arg ? dup_to(&c->pattern, arg) : 0;
                }
                c->force = true;
                return 0;
        case SW_K:
                c->find_keys = true;
                return 0;
        case SW_C:
                c->find_case = true;
                return 0;
        case SW_E:
                c->find_exact = true;
                return 0;
        case SW_Z:
                c->verbose = true;
                return 0;
        case SW_Y:
                c->overwrite = true;
                return 0;
        case SW_REG32:
                return reg_util_fail(
                                reterr_message, -EOPNOTSUPP,
                                "/reg:32 (the 32-bit registry view) is not supported: linvss has "
                                "a single view, which /reg:64 names");
        case SW_REG64: /* the only view there is */
                return 0;
        case SW_MAX:
                break;
        }
        return -EINVAL;
}

/* Fills 'c' (its verb set) from the arguments after the operation. */
static int parse_arguments(RegCommand *c, char *const *argv, size_t n, char **reterr_message) {
        RegVerb verb = c->verb;
        bool seen[SW_MAX] = {};
        size_t n_positional;
        int r;

        if (n == 2 && is_help(argv[1])) {
                c->help = true;
                return 0;
        }

        /* The positional arguments come first, right after the operation, as reg.exe wants. */
        n_positional = verb == REG_VERB_EXPORT ? 2 : 1;
        for (size_t i = 1; i <= n_positional; i++) {
                bool is_file = verb == REG_VERB_IMPORT || (verb == REG_VERB_EXPORT && i == 2);
                const char *what = is_file ? "file name" : "key name";

                if (i >= n)
                        return reg_util_fail(
                                        reterr_message, -EINVAL, "the %s is missing (it comes %s)",
                                        what,
                                        i == 2                    ? "after the key name"
                                        : verb == REG_VERB_IMPORT ? "right after import"
                                                                  : "right after the operation");
                if (is_help(argv[i]))
                        return reg_util_fail(
                                        reterr_message, -EINVAL, "%s must be given alone", argv[i]);
                /* A file name may start with '/' (an absolute path); a key name never does. */
                if (!is_file && is_switch_syntax(argv[i]))
                        return reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "the key name must come right after %s, but '%s' came "
                                        "first",
                                        verb_names[verb], argv[i]);
                if (argv[i][0] == '\0')
                        return reg_util_fail(reterr_message, -EINVAL, "the %s is empty", what);

                r = dup_to(is_file ? &c->file : &c->key, argv[i]);
                if (r < 0)
                        return r;
        }

        for (size_t i = n_positional + 1; i < n; i++) {
                const char *a = argv[i], *arg = NULL;

                if (!is_switch_syntax(a))
                        return reg_util_fail(
                                        reterr_message, -EINVAL,
                                        "unexpected argument '%s' (only switches may follow the "
                                        "%s)",
                                        a,
                                        n_positional == 2 || verb == REG_VERB_IMPORT ? "file name"
                                                                                     : "key name");
                if (is_help(a))
                        return reg_util_fail(reterr_message, -EINVAL, "%s must be given alone", a);

                Switch s = switch_of(verb, a);
                if (s == SW_MAX)
                        return reg_util_fail(
                                        reterr_message, -EINVAL, "'%s' is not a switch of %s", a,
                                        verb_names[verb]);
                if (seen[s])
                        return reg_util_fail(reterr_message, -EINVAL, "%s is given twice", a);
                seen[s] = true;

                switch (verb_switches[verb][s]) {
                case ARG_REQUIRED:
                        if (i + 1 >= n)
                                return reg_util_fail(
                                                reterr_message, -EINVAL, "%s needs an argument", a);
                        arg = argv[++i];
                        break;
                case ARG_OPTIONAL:
                        if (i + 1 < n && switch_of(verb, argv[i + 1]) == SW_MAX &&
                            !is_help(argv[i + 1]))
                                arg = argv[++i];
                        break;
                case ARG_FLAG:
                case ARG_NONE:
                        break;
                }

                r = set_switch(c, s, arg, reterr_message);
                if (r < 0)
                        return r;
        }

        switch (verb) {
        case REG_VERB_ADD:
                r = validate_add(c, reterr_message);
                break;
        case REG_VERB_QUERY:
                r = validate_query(c, reterr_message);
                break;
        case REG_VERB_DELETE:
                r = validate_delete(c, reterr_message);
                break;
        case REG_VERB_EXPORT:
        case REG_VERB_IMPORT:
        case REG_VERB_MAX:
        case REG_VERB_INVALID:
                r = 0;
                break;
        }
        if (r < 0)
                return r;

        return 0;
}

int reg_command_parse(char *const *argv, RegCommand **ret, char **reterr_message) {
        size_t n;

        assert(argv);
        assert(ret);

        if (reterr_message)
                *reterr_message = NULL;

        n = strv_length(argv);
        if (n == 0)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "the operation is missing: use ADD, QUERY, DELETE, EXPORT or "
                                "IMPORT");
        for (size_t i = 0; i < n; i++)
                if (!utf8_is_valid(argv[i]))
                        return reg_util_fail(
                                        reterr_message, -EILSEQ, "argument %zu is not valid UTF-8",
                                        i + 1);

        RegVerb verb = reg_verb_from_string(argv[0]);
        if (verb < 0)
                return reg_util_fail(
                                reterr_message, -EINVAL,
                                "'%s' is not an operation: use ADD, QUERY, DELETE, EXPORT or "
                                "IMPORT",
                                argv[0]);

        RegCommand *c = calloc(1, sizeof(RegCommand));
        if (!c)
                return -ENOMEM;
        c->verb = verb;
        c->type = REG_SZ;

        int r = parse_arguments(c, argv, n, reterr_message);
        if (r < 0) {
                reg_command_free(c);
                return r;
        }
        *ret = c;
        return 0;
}

static int push(char ***l, const char *s) {
        return strv_extend(l, s);
}

static int push_switch(char ***l, const char *name, const char *arg) {
        int r = push(l, name);
        if (r >= 0 && arg)
                r = push(l, arg);
        return r;
}

int reg_command_to_argv(const RegCommand *c, char ***ret) {
        vss_autostrv char **l = NULL;
        int r;

        assert(c);
        assert(ret);

        r = push(&l, verb_names[c->verb]);
        if (r < 0)
                return r;

        if (c->help) {
                r = push(&l, "/?");
                if (r < 0)
                        return r;
                *ret = TAKE_PTR(l);
                return 0;
        }

        if (c->key)
                r = push(&l, c->key);
        if (r >= 0 && c->file)
                r = push(&l, c->file);
        if (r >= 0 && c->value)
                r = push_switch(&l, "/v", c->value_name);
        if (r >= 0 && c->value_empty)
                r = push(&l, "/ve");
        if (r >= 0 && c->value_all)
                r = push(&l, "/va");
        if (r >= 0 && c->has_type)
                r = push_switch(&l, "/t", reg_data_type_to_string(c->type));
        if (r >= 0 && c->separator)
                r = push_switch(&l, c->verb == REG_VERB_QUERY ? "/se" : "/s", c->separator);
        if (r >= 0 && c->data)
                r = push_switch(&l, "/d", c->data);
        if (r >= 0 && c->force)
                r = push(&l, "/f");
        if (r >= 0 && c->recursive)
                r = push(&l, "/s");
        if (r >= 0 && c->find)
                r = push_switch(&l, "/f", c->pattern);
        if (r >= 0 && c->find_keys)
                r = push(&l, "/k");
        if (r >= 0 && c->find_data)
                r = push(&l, "/d");
        if (r >= 0 && c->find_case)
                r = push(&l, "/c");
        if (r >= 0 && c->find_exact)
                r = push(&l, "/e");
        if (r >= 0 && c->verbose)
                r = push(&l, "/z");
        if (r >= 0 && c->overwrite)
                r = push(&l, "/y");
        if (r < 0)
                return r;

        *ret = TAKE_PTR(l);
        return 0;
}

bool reg_command_equal(const RegCommand *a, const RegCommand *b) {
        assert(a);
        assert(b);

        return a->verb == b->verb && a->help == b->help && streq_ptr(a->key, b->key) &&
               streq_ptr(a->file, b->file) && a->value == b->value &&
               streq_ptr(a->value_name, b->value_name) && a->value_empty == b->value_empty &&
               a->value_all == b->value_all && a->has_type == b->has_type && a->type == b->type &&
               streq_ptr(a->separator, b->separator) && streq_ptr(a->data, b->data) &&
               a->force == b->force && a->set_value == b->set_value &&
               a->value_size == b->value_size &&
               (a->value_size == 0 || memcmp(a->value_data, b->value_data, a->value_size) == 0) &&
               a->recursive == b->recursive && a->find == b->find &&
               streq_ptr(a->pattern, b->pattern) && a->find_keys == b->find_keys &&
               a->find_data == b->find_data && a->find_case == b->find_case &&
               a->find_exact == b->find_exact && a->verbose == b->verbose &&
               a->overwrite == b->overwrite;
}
