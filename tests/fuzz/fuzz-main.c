/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* main() for replaying a fuzz target's corpus without a fuzzing engine: every argument is a file
 * or a directory of files, each fed once to LLVMFuzzerTestOneInput(). A crash or a sanitizer
 * report fails the test; an empty corpus fails too, so a missing corpus cannot pass silently. */

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path) {
        FILE *f = fopen(path, "rbe");
        if (!f) {
                (void) fprintf(stderr, "Failed to open '%s': %m\n", path);
                return -1;
        }

        size_t size = 0, allocated = 4096;
        uint8_t *data = malloc(allocated);
        if (!data) {
                (void) fclose(f);
                return -1;
        }
        for (;;) {
                if (size == allocated) {
                        uint8_t *p = realloc(data, allocated * 2);
                        if (!p) {
                                free(data);
                                (void) fclose(f);
                                return -1;
                        }
                        data = p;
                        allocated *= 2;
                }
                size_t k = fread(data + size, 1, allocated - size, f);
                if (k == 0)
                        break;
                size += k;
        }
        (void) fclose(f);

        (void) LLVMFuzzerTestOneInput(data, size);
        free(data);
        return 0;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int run_dir(const char *path, unsigned *count) {
        DIR *d = opendir(path);
        if (!d) {
                (void) fprintf(stderr, "Failed to open corpus directory '%s': %m\n", path);
                return -1;
        }

        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                char **p = realloc(names, sizeof(char *) * (n + 1));
                if (!p)
                        break;
                names = p;
                names[n] = strdup(de->d_name);
                if (!names[n])
                        break;
                n++;
        }
        (void) closedir(d);

        qsort(names, n, sizeof(char *), compare_names);
        int r = 0;
        for (size_t i = 0; i < n; i++) {
                char full[4096];
                (void) snprintf(full, sizeof full, "%s/%s", path, names[i]);
                if (run_file(full) < 0)
                        r = -1;
                else
                        (*count)++;
                free(names[i]);
        }
        free(names);
        return r;
}

int main(int argc, char **argv) {
        unsigned count = 0;
        int r = 0;

        if (LLVMFuzzerInitialize)
                (void) LLVMFuzzerInitialize(&argc, &argv);

        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        (void) fprintf(stderr, "Failed to stat '%s': %m\n", argv[i]);
                        return EXIT_FAILURE;
                }
                if (S_ISDIR(st.st_mode)) {
                        if (run_dir(argv[i], &count) < 0)
                                r = -1;
                } else if (run_file(argv[i]) < 0)
                        r = -1;
                else
                        count++;
        }

        (void) printf("replayed %u input(s)\n", count);
        if (count == 0) {
                (void) fprintf(stderr, "No corpus inputs found.\n");
                return EXIT_FAILURE;
        }
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
