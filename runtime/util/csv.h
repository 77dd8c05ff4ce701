/*
 * csv.h - CSV parsing (RFC 4180), shared by the runtime's feeders (every
 * record) and the compiler's checker (the header record only), so that a
 * column the checker finds is one the runtime finds (internal).
 *
 * The dialect: comma separator; CRLF or LF line ends; double-quoted fields
 * with "" for a quote and line breaks inside quotes; an unquoted field
 * takes a stray quote literally (as Python's csv module); a UTF-8 BOM is
 * skipped; blank lines are no records (as Python's csv.DictReader).
 */
#ifndef SW_UTIL_CSV_H
#define SW_UTIL_CSV_H

#include <stddef.h>

/* A reader over CSV text; the text is borrowed for the reader's life. */
struct sw__csv {
    const char *text;
    size_t len;
    size_t pos;                 /* where the next record starts */
    size_t line;                /* 1-based line of pos */
    size_t record_line;         /* line the last record read starts on */
};

/* Starts reading text[0..len), after its BOM if any. */
void sw__csv_init(struct sw__csv *c, const char *text, size_t len);

/*
 * Reads the next record.  Its fields are written unquoted to out at *o
 * onwards, each NUL-terminated (*o advances past them); out (borrowed)
 * must have room for c->len - c->pos + 1 more bytes, which is always
 * enough since unquoting only shrinks a field and each NUL takes the place
 * of a separator.  The offset in out of each field is appended to
 * (*offs)[*noffs...] (owned by the caller, grown with sw__grow, *cap its
 * capacity).  Returns 1 with *nfields set, 0 at the end of the text, or
 * -1 with "line N: reason" in err.
 */
int sw__csv_record(struct sw__csv *c, char *out, size_t *o, size_t **offs,
                   size_t *noffs, size_t *cap, size_t *nfields, char *err,
                   size_t errlen);

/*
 * Parses whole CSV text: every record must have the header's field count.
 * On success returns 0 and sets *cells (owned: free(*cells) frees every
 * field too) to nrecords * nfields field pointers, header record first.
 * On failure returns -1 with "line N: reason" in err.
 */
int sw__csv_parse(const char *text, size_t len, char ***cells,
                  size_t *nrecords, size_t *nfields, char *err,
                  size_t errlen);

/*
 * A header field as a column name: s without the spaces and tabs around
 * it.  Returns where the name starts in s (borrowed) and its length in *n.
 */
const char *sw__csv_trim(const char *s, size_t *n);

#endif /* SW_UTIL_CSV_H */
