/*
 * upload.c - POST /upload: a multipart/form-data body parsed by
 * libmicrohttpd's post processor, answered with what it found, so a test
 * can compare every field and file byte for byte:
 *
 *   {"parts":[{"name":"…","filename":"…"|null,"content_type":"…"|null,
 *              "size":N,"hex":"…"}, …]}
 *
 * Parts come in body order; a part's data may arrive in several pieces
 * (off > 0 continues the current part).
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "demo.h"

struct upload {
    json_t *parts;              /* owned */
    json_t *cur;                /* borrowed from parts: the open part */
    char *hex;                  /* the open part's data, in hex (owned) */
    size_t hex_len;
    size_t size;
    int failed;
};

static void close_part(struct upload *up)
{
    if (up->cur == NULL)
        return;
    json_object_set_new(up->cur, "size", json_integer((json_int_t)up->size));
    json_object_set_new(up->cur, "hex",
                        json_stringn(up->hex ? up->hex : "", up->hex_len));
    free(up->hex);
    up->hex = NULL;
    up->hex_len = up->size = 0;
    up->cur = NULL;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static enum MHD_Result
on_data(void *cls, enum MHD_ValueKind kind, const char *key,
        const char *filename, const char *content_type,
        const char *transfer_encoding, const char *data, uint64_t off,
        size_t size)
{
    static const char digits[] = "0123456789abcdef";
    struct upload *up = cls;
    (void)kind;
    (void)transfer_encoding;
    if (off == 0) {
        close_part(up);
        up->cur = json_object();
        if (up->cur == NULL || json_array_append_new(up->parts, up->cur)) {
            up->failed = 1;
            return MHD_NO;
        }
        json_object_set_new(up->cur, "name", str_or_null(key));
        json_object_set_new(up->cur, "filename", str_or_null(filename));
        json_object_set_new(up->cur, "content_type",
                            str_or_null(content_type));
    }
    char *h = realloc(up->hex, up->hex_len + 2 * size + 1);
    if (h == NULL) {
        up->failed = 1;
        return MHD_NO;
    }
    up->hex = h;
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)data[i];
        h[up->hex_len++] = digits[c >> 4];
        h[up->hex_len++] = digits[c & 15];
    }
    up->size += size;
    return MHD_YES;
}

int
demo_route_upload(const struct demo_request *req, struct demo_reply *rep)
{
    struct upload up = { 0 };
    up.parts = json_array();
    if (up.parts == NULL)
        return -1;
    struct MHD_PostProcessor *pp =
        MHD_create_post_processor(req->conn, 4096, on_data, &up);
    if (pp == NULL) {
        json_decref(up.parts);
        rep->status = 400;
        rep->content_type = "text/plain; charset=utf-8";
        rep->body = strdup("not a form body\n");
        rep->body_len = rep->body ? strlen(rep->body) : 0;
        return rep->body ? 0 : -1;
    }
    enum MHD_Result ok = MHD_post_process(pp, req->body, req->body_len);
    MHD_destroy_post_processor(pp);
    close_part(&up);
    if (up.failed) {
        json_decref(up.parts);
        return -1;
    }
    char *s = json_dumps(json_pack("{s:o,s:b}", "parts", up.parts, "ok",
                                   ok == MHD_YES), JSON_COMPACT);
    if (s == NULL)
        return -1;
    rep->status = 200;
    rep->content_type = "application/json";
    rep->body = s;
    rep->body_len = strlen(s);
    return 0;
}
