/*
 * resp.c - one response parsed by libhttp-parser into a struct
 * sw__nv_result, and the engine's error classes (see nv.h).
 *
 * The header block is rebuilt as libcurl hands it to the libcurl engine's
 * header callback (status line, "Name: value" lines, blank line, CRLF
 * endings), so sw_resp_header and checks read it the same way.  Interim
 * 1xx responses are dropped, as the libcurl engine keeps only the final
 * response's headers.  Framing follows libcurl where the two parsers could
 * disagree: HEAD, 204 and 304 have no body whatever Content-Length says,
 * and Transfer-Encoding: chunked wins over a Content-Length.
 *
 * The size of a header block is limited as libcurl 7.88 limits it (nv.h:
 * SW_NV_MAX_HEADERS for the block, SW_NV_MAX_LINE for one line), in raw
 * bytes received, line by line, so the response that fails in one engine
 * fails in the other, with the same message.  libhttp-parser's own limit
 * (HTTP_MAX_HEADER_SIZE, 80 KB, counted differently) is raised out of the
 * way.  Counting costs nothing on the usual response: a line's start is
 * noted in the header-name callback, which libcurl's per-line checks need
 * anyway, and only a head that may be longer than SW_NV_MAX_LINE (more
 * bytes than that fed before its end) pauses the parser at its blank
 * line to measure its last line.
 */
#include <pthread.h>
#include <stdio.h>
#include <strings.h>
#include "nv_int.h"

/* libcurl 7.88's curl_easy_strerror text for the code it returns in the
 * same case (checked against the curl tool in tests/t-engines.sh). */
static const char *const curl_text[SW_NV_ERR_COUNT] = {
    [SW_NV_OK] = "No error",
    [SW_NV_ERR_RESOLVE] = "Couldn't resolve host name",
    [SW_NV_ERR_CONNECT] = "Couldn't connect to server",
    [SW_NV_ERR_TIMEOUT] = "Timeout was reached",
    [SW_NV_ERR_SEND] = "Failed sending data to the peer",
    [SW_NV_ERR_RESET] = "Failure when receiving data from the peer",
    [SW_NV_ERR_EMPTY] = "Server returned nothing (no headers, no data)",
    [SW_NV_ERR_BAD_STATUS] = "Unsupported protocol",
    [SW_NV_ERR_BAD_HEADER] = "Weird server reply",
    [SW_NV_ERR_BAD_CHUNK] = "Failure when receiving data from the peer",
    [SW_NV_ERR_PARTIAL] = "Transferred a partial file",
    [SW_NV_ERR_BAD_LENGTH] = "Weird server reply",
    [SW_NV_ERR_REDIRECTS] = "Number of redirects hit maximum amount",
    [SW_NV_ERR_BAD_REDIRECT] = "URL using bad/illegal format or missing URL",
    [SW_NV_ERR_UPGRADE] = "Unsupported protocol",
    [SW_NV_ERR_HEADERS_SIZE] = "Failure when receiving data from the peer",
    [SW_NV_ERR_HEADER_LINE] = "Out of memory",
    [SW_NV_ERR_HANDOVER] = "No error",
    [SW_NV_ERR_DECODE] = "Unrecognized or bad HTTP Content or "
                         "Transfer-Encoding",
};

static const char *const detail_text[SW_NV_ERR_COUNT] = {
    [SW_NV_OK] = "no error",
    [SW_NV_ERR_RESOLVE] = "the host name does not resolve",
    [SW_NV_ERR_CONNECT] = "the connection was refused",
    [SW_NV_ERR_TIMEOUT] = "no complete response within the timeout",
    [SW_NV_ERR_SEND] = "the request could not be written",
    [SW_NV_ERR_RESET] = "the connection was reset during the response",
    [SW_NV_ERR_EMPTY] = "the server closed without answering",
    [SW_NV_ERR_BAD_STATUS] = "malformed status line",
    [SW_NV_ERR_BAD_HEADER] = "malformed response header",
    [SW_NV_ERR_BAD_CHUNK] = "bad chunk size in a chunked body",
    [SW_NV_ERR_PARTIAL] = "the server closed before the end of the body",
    [SW_NV_ERR_BAD_LENGTH] = "invalid Content-Length",
    [SW_NV_ERR_REDIRECTS] = "more than 30 redirects",
    [SW_NV_ERR_BAD_REDIRECT] = "a redirect the native engine cannot follow",
    [SW_NV_ERR_UPGRADE] = "the server switched protocols",
    [SW_NV_ERR_HEADERS_SIZE] = "response headers over 307200 bytes",
    [SW_NV_ERR_HEADER_LINE] = "a response header line over 102399 bytes",
    [SW_NV_ERR_HANDOVER] = "a redirect handed over to libcurl",
    [SW_NV_ERR_DECODE] = "a body its Content-Encoding does not decode",
};

const char *sw__nv_strerror(int err)
{
    return err >= 0 && err < SW_NV_ERR_COUNT ? curl_text[err] : "Unknown error";
}

const char *sw__nv_errdetail(int err)
{
    return err >= 0 && err < SW_NV_ERR_COUNT ? detail_text[err]
                                             : "unknown error";
}

/* ---- header size limits ------------------------------------------------- */

/* (libcurl 7.88 reports a line over its limit as CURLE_OUT_OF_MEMORY,
 * "Out of memory"; the engines' message for it is SW__HEADER_LINE_MSG,
 * engine.h.) */
static int line_too_long(struct sw__nv_resp *r)
{
    return r->limit_err = SW_NV_ERR_HEADER_LINE;
}

/* The line being read ends at raw offset `off` of the response (the next
 * one starts there): libcurl's two checks, the line's first.  Sets
 * r->limit_err and returns it, or 0. */
static int line_end(struct sw__nv_resp *r, uint64_t off)
{
    if (r->line_start >= 0 && off - (uint64_t)r->line_start > SW_NV_MAX_LINE)
        return line_too_long(r);
    if (off > SW_NV_MAX_HEADERS) {
        /* libcurl's words, with the same count */
        snprintf(r->res->errmsg, sizeof r->res->errmsg,
                 "Too large response headers: %llu > %d",
                 (unsigned long long)off, SW_NV_MAX_HEADERS);
        return r->limit_err = SW_NV_ERR_HEADERS_SIZE;
    }
    r->line_start = (long)off;
    return 0;
}

/* The parser paused at the final LF of a head, seg[n] (exact mode): the
 * last line and the blank line end here. */
static int head_end(struct sw__nv_resp *r, const char *seg, size_t n)
{
    int cr = n ? seg[n - 1] == '\r' : r->last_cr;
    uint64_t end = r->fed + n + 1;
    if (line_end(r, end - (cr ? 2 : 1)) || line_end(r, end))
        return r->limit_err;
    return 0;
}

/* ---- parser callbacks ---------------------------------------------------- */

/* "HTTP/1.1 200 " (snprintf would cost more than the rest of the line) */
static void status_line(struct sw__nv_resp *r)
{
    if (r->status_written)
        return;
    char line[24] = "HTTP/x.x ";
    line[5] = (char)('0' + r->parser.http_major % 10);
    line[7] = (char)('0' + r->parser.http_minor % 10);
    unsigned code = r->parser.status_code;
    size_t n = 9;
    if (code >= 100)
        line[n++] = (char)('0' + code / 100 % 10);
    if (code >= 10)
        line[n++] = (char)('0' + code / 10 % 10);
    line[n++] = (char)('0' + code % 10);
    line[n++] = ' ';
    sw__buf_add(&r->res->headers, line, n);
    r->status_written = 1;
}

static void end_status_line(struct sw__nv_resp *r)
{
    status_line(r);
    if (r->status_written == 1) {
        struct sw__buf *h = &r->res->headers;
        /* "HTTP/1.1 200 " without a reason phrase: as received */
        if (h->len && h->ptr[h->len - 1] == ' ')
            h->ptr[--h->len] = 0;
        sw__buf_add(h, "\r\n", 2);
        r->status_written = 2;
    }
}

static int on_status(http_parser *p, const char *at, size_t len)
{
    struct sw__nv_resp *r = p->data;
    status_line(r);
    sw__buf_add(&r->res->headers, at, len);
    return 0;
}

/* After a header's name: Set-Cookie and Location are looked for after the
 * headers only when a response has them. */
static void name_done(struct sw__nv_resp *r)
{
    const struct sw__buf *h = &r->res->headers;
    size_t n = h->len - (size_t)r->name_start;
    const char *name = h->ptr + r->name_start;
    if ((n == 10 && (name[0] | 0x20) == 's' &&
         !strncasecmp(name, "set-cookie", 10)) ||
        (n == 8 && (name[0] | 0x20) == 'l' &&
         !strncasecmp(name, "location", 8)))
        r->res->has_special = 1;
    else if (n == 16 && (name[0] | 0x20) == 'c' &&
             !strncasecmp(name, "content-encoding", 16))
        r->has_ce = 1;
    r->name_start = -1;
}

/* Ends the header line in progress: a value ends with CRLF; a name whose
 * value never came (libhttp-parser does not call back for an empty value)
 * ends as "Name:" CRLF, as it was received. */
static void end_line(struct sw__nv_resp *r)
{
    if (r->name_start >= 0) {
        name_done(r);
        sw__buf_add(&r->res->headers, ":\r\n", 3);
    } else if (r->in_value) {
        sw__buf_add(&r->res->headers, "\r\n", 2);
    }
    r->in_value = 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    struct sw__nv_resp *r = p->data;
    end_status_line(r);
    /* the parser calls back twice for one name only when it is split
     * between two reads: the second piece then starts the read */
    if (r->name_start >= 0 && at != r->feed_start)
        end_line(r);            /* the previous header had no value */
    else if (r->in_value)
        end_line(r);
    if (r->name_start < 0) {    /* a new line: the name starts here */
        r->name_start = (long)r->res->headers.len;
        /* (a trailer of a chunked body is no header line for the limit) */
        if (!r->headers_done &&
            line_end(r, r->fed + (uint64_t)(at - r->feed_start)))
            return -1;
    }
    sw__buf_add(&r->res->headers, at, len);
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    struct sw__nv_resp *r = p->data;
    if (!r->in_value) {
        if (r->name_start >= 0)
            name_done(r);
        /* an empty value comes as one empty call: "Name:" as received */
        sw__buf_add(&r->res->headers, ": ", len ? 2 : 1);
        r->in_value = 1;
    }
    sw__buf_add(&r->res->headers, at, len);
    return 0;
}

/* The final response's Content-Encoding decides how its body is decoded.
 * libcurl stacks every coding of every such header; the native engine
 * decodes one: a list of several fails (docs/runtime.md). */
static void start_decoding(struct sw__nv_resp *r)
{
    const char *v = NULL, *one = NULL;
    size_t vlen = 0, one_len = 0;
    int codings = 0;
    while ((v = sw__nv_header_find(&r->res->headers, "Content-Encoding", v,
                                   &vlen))) {
        const char *p = v, *end = v + vlen;
        while (p < end) {
            const char *comma = memchr(p, ',', (size_t)(end - p));
            const char *ce = comma ? comma : end;
            const char *a = p, *b = ce;
            while (a < b && (*a == ' ' || *a == '\t'))
                a++;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
                b--;
            if (b > a && !(b - a == 8 && !strncasecmp(a, "identity", 8))) {
                codings++;
                one = a;
                one_len = (size_t)(b - a);
            }
            p = comma ? comma + 1 : end;
        }
    }
    if (codings == 0)
        return;
    /* a coding not decoded fails at the body's first byte, as libcurl's
     * error writer does (an empty body passes) */
    r->decoding = codings > 1 ? -1
                  : sw__nv_inflate_begin(&r->res->inflate, one, one_len);
}

static int on_headers_complete(http_parser *p)
{
    struct sw__nv_resp *r = p->data;
    end_status_line(r);
    end_line(r);
    sw__buf_add(&r->res->headers, "\r\n", 2);
    r->headers_done = 1;
    if (r->exact) {
        r->at_head_end = 1;     /* sw__nv_resp_feed measures the end */
        http_parser_pause(p, 1);
    }
    unsigned code = p->status_code;
    if (code == 101 || p->upgrade) {
        r->upgrade = 1;
        return 1;
    }
    if (r->head || code == 204 || code == 304)
        return 1;               /* no body, whatever the headers say */
    if (r->has_ce && r->decode && code >= 200)
        start_decoding(r);
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct sw__nv_resp *r = p->data;
    struct sw__nv_result *res = r->res;
    if (r->decoding) {
        if (r->decoding < 0 ||
            sw__nv_inflate_feed(res->inflate, res, r->body_cap, at, len)) {
            r->decode_err = SW_NV_ERR_DECODE;
            return 1;
        }
        return 0;
    }
    res->bytes += (int64_t)len;
    if (res->body.len < r->body_cap) {
        size_t room = r->body_cap - res->body.len;
        sw__buf_add(&res->body, at, len < room ? len : room);
    }
    return 0;
}

static int on_message_complete(http_parser *p)
{
    struct sw__nv_resp *r = p->data;
    if (p->status_code >= 100 && p->status_code < 200 && !r->upgrade) {
        /* an interim response: the final one follows on this stream */
        r->interim++;
        r->res->headers.len = 0;
        if (r->res->headers.ptr)
            r->res->headers.ptr[0] = 0;
        r->status_written = 0;
        r->name_start = -1;
        r->headers_done = 0;
        if (!r->exact)
            r->line_start = -1; /* where the next head starts is unknown */
        r->has_ce = 0;
        return 0;
    }
    r->complete = 1;
    r->res->status = (long)p->status_code;
    r->keep_alive = http_should_keep_alive(p);
    /* stop here: what follows belongs to no request of ours */
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_status = on_status,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* libhttp-parser's limit is one global for the process: high enough never
 * to act before the limits counted here, a bound on what it reads
 * without a callback (chunk extensions, trailers) all the same. */
static void raise_parser_limit(void)
{
    http_parser_set_max_header_size(4 * SW_NV_MAX_HEADERS);
}

void sw__nv_resp_start(struct sw__nv_resp *r, struct sw__nv_result *res,
                       int head, size_t body_cap)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, raise_parser_limit);
    memset(r, 0, sizeof *r);
    res->has_special = 0;
    r->name_start = -1;
    http_parser_init(&r->parser, HTTP_RESPONSE);
    /* libcurl takes chunked framing and ignores the Content-Length */
    r->parser.allow_chunked_length = 1;
    r->parser.data = r;
    r->res = res;
    r->head = head;
    r->body_cap = body_cap;
}

static int map_error(const struct sw__nv_resp *r, enum http_errno e)
{
    switch (e) {
    case HPE_INVALID_CHUNK_SIZE:
        return SW_NV_ERR_BAD_CHUNK;
    case HPE_INVALID_CONTENT_LENGTH:
        /* http_parser says this of a chunk size that overflows 64 bits
         * too: in a chunked body it is a bad chunk, as libcurl has it */
        if (r->headers_done && (r->parser.flags & F_CHUNKED))
            return SW_NV_ERR_BAD_CHUNK;
        return SW_NV_ERR_BAD_LENGTH;
    case HPE_UNEXPECTED_CONTENT_LENGTH:
        return SW_NV_ERR_BAD_LENGTH;
    case HPE_HEADER_OVERFLOW:
        if (!r->headers_done)
            return SW_NV_ERR_HEADERS_SIZE;
        break;
    case HPE_INVALID_CONSTANT:
    case HPE_INVALID_VERSION:
    case HPE_INVALID_STATUS:
        if (!r->status_written)
            return SW_NV_ERR_BAD_STATUS;
        break;
    default:
        break;
    }
    if (!r->status_written)
        return SW_NV_ERR_BAD_STATUS;
    if (!r->headers_done)
        return SW_NV_ERR_BAD_HEADER;
    if (r->parser.flags & F_CHUNKED)
        return SW_NV_ERR_BAD_CHUNK;
    return SW_NV_ERR_BAD_HEADER;
}

int sw__nv_resp_feed(struct sw__nv_resp *r, const char *data, size_t len,
                     size_t *used)
{
    *used = 0;
    if (!len)
        return 0;
    r->got_bytes = 1;
    if (!r->exact && !r->headers_done && r->fed + len > SW_NV_MAX_LINE)
        r->exact = 1;
    size_t done = 0;
    for (;;) {
        const char *seg = data + done;
        r->feed_start = seg;
        size_t n = http_parser_execute(&r->parser, &settings, seg, len - done);
        enum http_errno e = HTTP_PARSER_ERRNO(&r->parser);
        if (e == HPE_PAUSED)
            http_parser_pause(&r->parser, 0);
        if (r->limit_err)
            return r->limit_err;
        if (r->upgrade)
            return SW_NV_ERR_UPGRADE;
        if (r->decode_err)
            return r->decode_err;
        if (e == HPE_PAUSED && r->at_head_end) {
            /* exact mode: the parser stopped before a head's final LF */
            r->at_head_end = 0;
            if (head_end(r, seg, n))
                return r->limit_err;
            r->fed += n;
            done += n;
            continue;
        }
        if (e != HPE_OK && e != HPE_PAUSED)
            return map_error(r, e);
        r->fed += n;
        *used = done + n;
        break;
    }
    if (r->exact && !r->headers_done) {
        /* libcurl gives up on a line as soon as it is too long.  A line
         * that ends in this feed without the next one's name (the blank
         * line, or a name still to come) is measured here: its LF is the
         * feed's last; the line being read then starts after it. */
        size_t i = len;
        while (i > 0 && data[i - 1] != '\n')
            i--;
        uint64_t lf_end = r->fed - len + i;
        if (i > 0 && (long)lf_end > r->line_start) {
            if (r->line_start >= 0 &&
                lf_end - (uint64_t)r->line_start > SW_NV_MAX_LINE)
                return line_too_long(r);
            r->line_start = (long)lf_end;
        }
        if (r->line_start >= 0 &&
            r->fed - (uint64_t)r->line_start > SW_NV_MAX_LINE)
            return line_too_long(r);
        r->last_cr = data[len - 1] == '\r';
    }
    return 0;
}

int sw__nv_resp_eof(struct sw__nv_resp *r)
{
    if (r->complete)
        return 0;
    if (!r->got_bytes)
        return SW_NV_ERR_EMPTY;
    http_parser_execute(&r->parser, &settings, NULL, 0);
    enum http_errno e = HTTP_PARSER_ERRNO(&r->parser);
    if (e == HPE_PAUSED)
        http_parser_pause(&r->parser, 0);
    if (r->complete)
        return 0;               /* a body delimited by the close */
    return SW_NV_ERR_PARTIAL;
}

int sw__nv_resp_keep_alive(const struct sw__nv_resp *r)
{
    return r->complete && r->keep_alive && !r->upgrade;
}

const char *sw__nv_header_find(const struct sw__buf *h, const char *name,
                               const char *from, size_t *vlen)
{
    size_t nl = strlen(name);
    const char *p = h->ptr;
    if (!p)
        return NULL;            /* (NULL + 0 would be undefined) */
    const char *end = p + h->len;
    /* skip the status line, or resume after the previous hit's line */
    const char *eol = memchr(from ? from : p, '\n',
                             (size_t)(end - (from ? from : p)));
    while (eol && eol + 1 < end) {
        p = eol + 1;
        eol = memchr(p, '\n', (size_t)(end - p));
        size_t len = (size_t)((eol ? eol : end) - p);
        if (len > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            const char *v = p + nl + 1, *ve = p + len;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' ||
                              ve[-1] == '\t'))
                ve--;
            *vlen = (size_t)(ve - v);
            return v;
        }
    }
    return NULL;
}
