/*
 * assets.h - the page's files, embedded at build time from
 * runtime/web/assets/ (scripts/embed-assets.sh writes build/gen/
 * web_assets.c; nothing generated is committed).
 */
#ifndef SW_WEB_ASSETS_H
#define SW_WEB_ASSETS_H

#include <stddef.h>

struct sw__web_asset {
    const char *path;           /* "/" for index.html, else "/assets/F" */
    const char *type;           /* Content-Type */
    const unsigned char *data;
    size_t len;
};

extern const struct sw__web_asset sw__web_assets[];
extern const int sw__web_nassets;

#endif /* SW_WEB_ASSETS_H */
