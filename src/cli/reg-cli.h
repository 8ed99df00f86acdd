/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of vss-reg share: the reg operations (reg-verbs.c), the application listing
 * (reg-apps.c) and the output helpers (reg-output.c), which print messages in reg.exe's style
 * ("ERROR: ...") with the batch file and line in front while a batch file runs. */

#include <stdbool.h>

#include "macro.h"
#include "reg-command.h"
#include "registry.h"

/* Messages for reg operations go to stderr as "[FILE:LINE: ]ERROR: ...". A final period is
 * added when the message has none. reg_output_error() returns 'error' (or -EIO if it is 0). */
int reg_output_error(int error, const char *format, ...) VSS_PRINTF(2, 3);
void reg_output_warning(const char *format, ...) VSS_PRINTF(1, 2);

/* "ERROR: Invalid syntax. DETAIL." as reg.exe starts its syntax errors. Returns 'error'. */
int reg_output_syntax_error(int error, const char *detail);

/* Reports a failed store call: registry_last_error() when there is one, else a message for the
 * error code. Returns 'error'. */
int reg_output_store_error(Registry *r, int error);

/* The place of the command being run, put in front of messages: "FILE:LINE: ". NULL clears it.
 * The string is copied. */
void reg_output_set_context(const char *file, unsigned line);

/* Asks a question that ends in "(Yes/No)?" on stderr and reads the answer from stdin, as
 * reg.exe does (so "echo y | vss-reg delete ..." works). Returns true for Yes/Y, false for No/N
 * and at end of input; asks again after anything else. */
bool reg_output_confirm(const char *format, ...) VSS_PRINTF(1, 2);

/* "The operation completed successfully." on stdout. */
void reg_output_success(void);

/* Runs one parsed reg command. Returns 0 on success (also when the user cancelled), a negative
 * errno after reporting the failure. */
int reg_verbs_run(const RegCommand *c);

/* vss-reg apps [--json]: argv[0] is "apps". */
int verb_apps(int argc, char *argv[]);
