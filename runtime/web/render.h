/*
 * render.h - the bodies of the web API, rendered on the main thread from a
 * statistics snapshot (internal).
 */
#ifndef SW_WEB_RENDER_H
#define SW_WEB_RENDER_H

#include <stddef.h>
#include "hdr.h"
#include "report.h"
#include "stats.h"
#include "web.h"

/* Locust 2.x caps the entries of /stats/requests at 500. */
#define SW_WEB_MAX_ENTRIES 500

/* GET /stats/requests as Locust 2.x renders it (same keys): stats[] sorted
 * by (name, method) with the Aggregated entry last, errors[], total_rps,
 * fail_ratio, current_response_time_percentile_50/95 (of `window`, the
 * last ~10 s; null when empty), user_count, state.  With `extra`, one more
 * key, "swarmc", with what the page shows beyond Locust (docs/webui.md).
 * owns: the JSON text; NULL when out of memory. */
char *sw__web_render_stats(const struct sw__stats *s,
                           const struct sw__run_info *ri,
                           const struct sw__web_view *view,
                           const struct sw__hdr *window, int extra,
                           size_t *len);

/* "ready", "spawning", ... */
const char *sw__web_state_name(enum sw__web_state st);

#endif /* SW_WEB_RENDER_H */
