/*
 * csv.c - CSV parsing (see csv.h).
 */
#include "csv.h"
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sw__csv_init(struct sw__csv *c, const char *text, size_t len)
{
    c->text = text;
    c->len = len;
    c->pos = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    c->line = 1;
    c->record_line = 1;
}

/* Past the line end at i (CRLF or LF or a lone CR). */
static size_t after_eol(const char *text, size_t len, size_t i)
{
    return i + ((text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
                    ? 2 : 1);
}

int sw__csv_record(struct sw__csv *c, char *out, size_t *o, size_t **offs,
                   size_t *noffs, size_t *cap, size_t *nfields, char *err,
                   size_t errlen)
{
    const char *text = c->text;
    size_t len = c->len;
    size_t i = c->pos;
    size_t line = c->line;

    while (i < len && (text[i] == '\n' || text[i] == '\r')) {
        i = after_eol(text, len, i);
        line++;
    }
    if (i >= len) {
        c->pos = i;
        c->line = line;
        return 0;
    }
    c->record_line = line;
    size_t count = 0;
    for (;;) {
        *offs = sw__grow(*offs, cap, *noffs + 1, sizeof **offs);
        (*offs)[(*noffs)++] = *o;
        count++;
        if (i < len && text[i] == '"') {
            size_t quote_line = line;
            i++;
            for (;;) {
                if (i >= len) {
                    snprintf(err, errlen,
                             "line %zu: unterminated quoted field",
                             quote_line);
                    return -1;
                }
                if (text[i] == '"') {
                    if (i + 1 < len && text[i + 1] == '"') {
                        out[(*o)++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                if (text[i] == '\n')
                    line++;
                out[(*o)++] = text[i++];
            }
            if (i < len && text[i] != ',' && text[i] != '\n' &&
                text[i] != '\r') {
                snprintf(err, errlen,
                         "line %zu: unexpected '%c' after a closing quote "
                         "(a quote inside a quoted field is written \"\")",
                         line, text[i]);
                return -1;
            }
        } else {
            /* An unquoted field takes a stray quote literally, as
             * Python's csv module does. */
            while (i < len && text[i] != ',' && text[i] != '\n' &&
                   text[i] != '\r')
                out[(*o)++] = text[i++];
        }
        out[(*o)++] = '\0';
        if (i < len && text[i] == ',') {
            i++;
            continue;
        }
        /* The end of the record: a line end or the end of the text. */
        if (i < len) {
            i = after_eol(text, len, i);
            line++;
        }
        break;
    }
    c->pos = i;
    c->line = line;
    *nfields = count;
    return 1;
}

int sw__csv_parse(const char *text, size_t len, char ***cells,
                  size_t *nrecords, size_t *nfields, char *err,
                  size_t errlen)
{
    struct sw__csv c;
    size_t *offs = NULL;
    size_t noffs = 0, cap = 0;
    size_t o = 0;
    size_t width = 0;           /* fields per record, from the header */
    size_t records = 0;
    char *out = malloc(len + 1);

    if (out == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    sw__csv_init(&c, text, len);
    for (;;) {
        size_t count = 0;
        int rc = sw__csv_record(&c, out, &o, &offs, &noffs, &cap, &count,
                                err, errlen);
        if (rc < 0)
            goto fail;
        if (rc == 0)
            break;
        if (records == 0) {
            width = count;
        } else if (count != width) {
            snprintf(err, errlen,
                     "line %zu: %zu field%s, but the header has %zu",
                     c.record_line, count, count == 1 ? "" : "s", width);
            goto fail;
        }
        records++;
    }
    if (records == 0) {
        snprintf(err, errlen, "line 1: no header (the file is empty)");
        goto fail;
    }

    /* One block: the pointer array, then the text it points into. */
    size_t ptrs = noffs * sizeof(char *);
    char **block = malloc(ptrs + o);
    if (block == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    char *base = (char *)block + ptrs;
    memcpy(base, out, o);
    for (size_t k = 0; k < noffs; k++)
        block[k] = base + offs[k];
    free(out);
    free(offs);
    *cells = block;
    *nrecords = records;
    *nfields = width;
    return 0;

fail:
    free(out);
    free(offs);
    return -1;
}

const char *sw__csv_trim(const char *s, size_t *n)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t k = strlen(s);
    while (k > 0 && (s[k - 1] == ' ' || s[k - 1] == '\t'))
        k--;
    *n = k;
    return s;
}
