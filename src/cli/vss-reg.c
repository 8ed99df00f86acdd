/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* vss-reg: the application registry with the Windows reg command's syntax, so that the
 * registration lines documented for Windows Server Backup work as written. docs/VSS-REG.md is
 * the manual. */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "reg-batch.h"
#include "reg-cli.h"
#include "reg-command.h"
#include "reg-file.h"
#include "reg-syntax.h"
#include "strv.h"

#define VERB_ANY UINT_MAX

typedef struct Verb {
        const char *name;
        unsigned min_args, max_args; /* counting the verb itself */
        int (*run)(int argc, char *argv[]);
} Verb;

static int help(void) {
        (void) printf("vss-reg - the linvss application registry, with Windows' reg syntax\n"
                      "\n"
                      "Usage:\n"
                      "  vss-reg add KeyName [{/v ValueName | /ve}] [/t Type] [/s Separator] "
                      "[/d Data] [/f]\n"
                      "  vss-reg query KeyName [{/v [ValueName] | /ve}] [/s] [/f Data [/k] [/d] "
                      "[/c] [/e]] [/t Type] [/z] [/se Separator]\n"
                      "  vss-reg delete KeyName [{/v ValueName | /ve | /va}] [/f]\n"
                      "  vss-reg export KeyName FileName [/y]\n"
                      "  vss-reg import FileName\n"
                      "  vss-reg -c \"reg add ...\"     run one reg command line\n"
                      "  vss-reg run FILE.bat          run a batch file of reg commands (- reads "
                      "standard input)\n"
                      "  vss-reg FILE.bat              the same\n"
                      "  vss-reg apps [--json]         list the Windows Server Backup "
                      "registrations\n"
                      "  vss-reg --help | --version\n"
                      "\n"
                      "Switches are written /x or -x, in any case. \"vss-reg OPERATION /?\" shows "
                      "an operation's syntax.\n"
                      "The registry is %s (set VSS_REGISTRY_PATH to use another).\n"
                      "Changing it needs root. See docs/VSS-REG.md.\n",
                      registry_default_path());
        return 0;
}

/* Parses and runs one reg command; reports syntax errors as reg.exe does. */
static int run_reg_argv(char **argv) {
        VSS_CLEANUP(reg_command_freep) RegCommand *c = NULL;
        vss_autofree char *message = NULL;

        /* "reg add ..." and "reg.exe add ..." as well as "add ...". */
        if (argv[0] && (strcasecmp(argv[0], "reg") == 0 || strcasecmp(argv[0], "reg.exe") == 0))
                argv++;

        int r = reg_command_parse(argv, &c, &message);
        if (r == -EINVAL) {
                RegVerb v = argv[0] ? reg_verb_from_string(argv[0]) : REG_VERB_INVALID;
                r = reg_output_syntax_error(r, message);
                if (v >= 0)
                        (void) fprintf(stderr, "Type \"vss-reg %s /?\" for the syntax.\n",
                                       reg_verb_to_string(v));
                return r;
        }
        if (r < 0)
                return reg_output_error(r, "%s", message ? message : strerror(-r));

        return reg_verbs_run(c);
}

/* vss-reg add|query|delete|export|import ...: the arguments as the shell split them. */
static int verb_reg(int argc, char *argv[]) {
        (void) argc;
        return run_reg_argv(argv);
}

/* vss-reg -c "LINE": one line, split as cmd.exe would. */
static int verb_command(int argc, char *argv[]) {
        vss_autostrv char **args = NULL;
        vss_autofree char *message = NULL;

        (void) argc;

        int r = reg_syntax_split(argv[1], strlen(argv[1]), 0, &args, &message);
        if (r < 0)
                return reg_output_error(
                                r, "Invalid command line: %s", message ? message : strerror(-r));
        if (!args[0])
                return reg_output_error(-EINVAL, "The command line is empty");
        return run_reg_argv(args);
}

/* vss-reg run FILE.bat, vss-reg run - (standard input). */
static int run_batch(const char *path) {
        VSS_CLEANUP(reg_batch_freep) RegBatch *batch = NULL;
        vss_autofree char *data = NULL, *message = NULL;
        bool is_stdin = streq(path, "-");
        const char *name = is_stdin ? "<stdin>" : path;
        RegCommand **commands = NULL;
        size_t size = 0;
        unsigned line = 0;
        int r;

        if (is_stdin)
                r = reg_file_read_fd(STDIN_FILENO, REG_BATCH_SIZE_MAX, &data, &size);
        else
                r = reg_file_read(path, REG_BATCH_SIZE_MAX, &data, &size);
        if (r == -EFBIG)
                return log_error_errno(
                                r,
                                "Failed to read '%s': it is larger than the limit of %zu MiB "
                                "for batch files.",
                                name, REG_BATCH_SIZE_MAX / 1024 / 1024);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", name);

        r = reg_batch_parse(data, size, &batch, &line, &message);
        if (r < 0) {
                reg_output_set_context(name, line);
                r = reg_output_error(r, "%s", message ? message : strerror(-r));
                reg_output_set_context(NULL, 0);
                return r;
        }

        /* Every command is checked before the first one runs. */
        commands = calloc(batch->n_commands + 1, sizeof(RegCommand *));
        if (!commands)
                return log_oom();
        for (size_t i = 0; i < batch->n_commands; i++) {
                const RegBatchCommand *b = batch->commands + i;
                vss_autofree char *m = NULL;

                r = reg_command_parse(b->argv, commands + i, &m);
                if (r < 0) {
                        reg_output_set_context(name, b->line);
                        if (r == -EINVAL)
                                (void) reg_output_syntax_error(r, m);
                        else
                                (void) reg_output_error(r, "%s", m ? m : strerror(-r));
                        goto finish;
                }
        }

        for (size_t i = 0; i < batch->n_commands; i++) {
                reg_output_set_context(name, batch->commands[i].line);
                r = reg_verbs_run(commands[i]);
                if (r < 0)
                        goto finish;
        }
        r = 0;

finish:
        reg_output_set_context(NULL, 0);
        for (size_t i = 0; i < batch->n_commands; i++)
                reg_command_free(commands[i]);
        free(commands);
        return r;
}

static int verb_run(int argc, char *argv[]) {
        (void) argc;
        return run_batch(argv[1]);
}

static const Verb verbs[] = {
                {"add", 1, VERB_ANY, verb_reg},
                {"query", 1, VERB_ANY, verb_reg},
                {"delete", 1, VERB_ANY, verb_reg},
                {"export", 1, VERB_ANY, verb_reg},
                {"import", 1, VERB_ANY, verb_reg},
                {"reg", 1, VERB_ANY, verb_reg},
                {"reg.exe", 1, VERB_ANY, verb_reg},
                {"-c", 2, 2, verb_command},
                {"run", 2, 2, verb_run},
                {"apps", 1, 2, verb_apps},
};

static bool is_batch_file_name(const char *s) {
        size_t n = strlen(s);
        return n > 4 && (strcasecmp(s + n - 4, ".bat") == 0 || strcasecmp(s + n - 4, ".cmd") == 0);
}

static int dispatch(int argc, char *argv[]) {
        if (argc < 2)
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL),
                                "Missing command: give a reg operation (add, query, delete, "
                                "export, import), -c LINE, run FILE.bat or apps. See "
                                "'vss-reg --help'.");

        const char *name = argv[1];
        if (streq(name, "--help") || streq(name, "-h") || streq(name, "/?"))
                return help();
        if (streq(name, "--version")) {
                (void) printf("vss-reg %s\n", PACKAGE_VERSION);
                return 0;
        }

        for (size_t i = 0; i < ELEMENTSOF(verbs); i++) {
                const Verb *v = verbs + i;
                unsigned n = (unsigned) argc - 1;

                if (strcasecmp(name, v->name) != 0)
                        continue;
                if (n < v->min_args || n > v->max_args) {
                        if (streq(v->name, "-c"))
                                return log_error_errno(
                                                SYNTHETIC_ERRNO(EINVAL),
                                                "-c takes exactly one argument: the whole reg "
                                                "command line, quoted for the shell.");
                        if (streq(v->name, "run"))
                                return log_error_errno(
                                                SYNTHETIC_ERRNO(EINVAL),
                                                "run takes exactly one argument: the batch file, "
                                                "or - for standard input.");
                        return log_error_errno(
                                        SYNTHETIC_ERRNO(EINVAL),
                                        "Too many arguments for %s: it takes only --json.",
                                        v->name);
                }
                return v->run(argc - 1, argv + 1);
        }

        if (is_batch_file_name(name)) {
                if (argc > 2)
                        return log_error_errno(
                                        SYNTHETIC_ERRNO(EINVAL),
                                        "Unexpected argument '%s' after the batch file '%s'.",
                                        argv[2], name);
                return run_batch(name);
        }

        if (name[0] == '-')
                return log_error_errno(
                                SYNTHETIC_ERRNO(EINVAL),
                                "Unknown option '%s'. See 'vss-reg --help'.", name);
        return log_error_errno(
                        SYNTHETIC_ERRNO(EINVAL),
                        "Unknown command '%s': expected add, query, delete, export, import, -c, "
                        "run, apps or a .bat file. See 'vss-reg --help'.",
                        name);
}

int main(int argc, char *argv[]) {
        log_open_console("vss-reg", LOG_TARGET_CONSOLE, LOG_INFO);

        int r = dispatch(argc, argv);
        (void) fflush(stdout);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
