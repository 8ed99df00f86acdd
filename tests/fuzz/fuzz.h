/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The libFuzzer entry points a fuzz target defines (LLVMFuzzerInitialize is optional). */

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
