/* SPDX-License-Identifier: LGPL-2.1-or-later */

/* Writer Metadata Document JSON reader. Oracle: no crash; failures only with the documented codes
 * and, for document errors, a message; anything accepted validates and saves, the saved text
 * loads again and saves to the same bytes; and the selection algebra holds on it: a BCD built
 * only through the selection rules, plus the required components, passes the selection check. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <vss/vss-metadata.h>
#include <vss/vss.h>

#include "fuzz.h"

static void check_selection_algebra(const vss_wmd *w) {
        const vss_wm_component **list = NULL;
        const vss_wm_dependency **deps = NULL;
        size_t n = 0, count = vss_wmd_get_component_count(w);
        vss_bcd *b = NULL;

        if (vss_bcd_new(&b) < 0)
                abort();
        for (size_t i = 0; i < count; i++) {
                const vss_wm_component *c = vss_wmd_get_component(w, i);
                const char *lp = vss_wm_component_get_logical_path(c),
                           *name = vss_wm_component_get_name(c);
                const vss_wm_component *a = vss_wmd_get_selectable_ancestor(w, c);

                if (vss_wmd_find_component(w, lp, name) != c)
                        abort();
                if (a && (vss_wm_component_is_member_of(c, a) != 1 ||
                          !vss_wm_component_get_selectable(a)))
                        abort();
                if (vss_wm_component_get_selectable(c)) {
                        if (vss_wmd_get_component_set(w, c, &list, &n) < 0)
                                abort();
                        for (size_t k = 0; k < n; k++)
                                if (list[k] == c || vss_wm_component_is_member_of(list[k], c) != 1)
                                        abort();
                        free(list);
                }

                /* Every component is either accepted or refused with a documented code. */
                int r = vss_bcd_add_component(b, w, lp, name, NULL, NULL);
                if (r < 0 && r != -VSS_E_OBJECT_ALREADY_EXISTS && r != -EINVAL)
                        abort();
                if (r == -EINVAL && (vss_wm_component_get_selectable(c) || !a))
                        abort();
                if (vss_bcd_resolve_component(b, w, lp, name, NULL) < 0 && r >= 0)
                        abort();
        }
        if (vss_bcd_add_required_components(b, w) < 0)
                abort();
        if (vss_bcd_check_selection(b, w, NULL) != 0)
                abort();
        if (vss_bcd_validate(b, NULL) != 0)
                abort();

        if (vss_wmd_get_required_components(w, &list, &n) < 0)
                abort();
        free(list);
        if (vss_bcd_get_needed_dependencies(b, w, &deps, &n) < 0)
                abort();
        for (size_t k = 0; k < n; k++) {
                char *machine = NULL, *lp = NULL, *name = NULL;
                int r = vss_wm_dependency_get_remote(deps[k], &machine, &lp, &name);
                if (r < 0 || (r > 0 && (!machine || !*machine || !lp || !name || !*name)))
                        abort();
                free(machine);
                free(lp);
                free(name);
        }
        free(deps);
        vss_bcd_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        vss_wmd *w = NULL, *again = NULL;
        char *a = NULL, *b = NULL, *err = NULL;
        size_t na = 0, nb = 0;

        int r = vss_wmd_from_json((const char *) data, size, &w, &err);
        if (r < 0) {
                if (w)
                        abort();
                if (r != -VSS_E_CORRUPT_XML_DOCUMENT && r != -VSS_E_INVALID_XML_DOCUMENT &&
                    r != -EPROTONOSUPPORT && r != -E2BIG && r != -ENOMEM)
                        abort();
                if (r != -ENOMEM && !err)
                        abort();
                free(err);
                return 0;
        }
        if (err)
                abort();

        if (vss_wmd_validate(w, NULL) != 0)
                abort();
        if (vss_wmd_to_json(w, &a, &na, NULL) != 0 || strlen(a) != na)
                abort();
        if (vss_wmd_from_json(a, na, &again, NULL) != 0)
                abort();
        if (vss_wmd_to_json(again, &b, &nb, NULL) != 0)
                abort();
        if (na != nb || memcmp(a, b, na) != 0)
                abort();

        check_selection_algebra(w);

        free(a);
        free(b);
        vss_wmd_free(again);
        vss_wmd_free(w);
        return 0;
}
