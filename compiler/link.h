/*
 * link.h - what `swarmc build` links a scenario with, and the CA bundle it
 * may carry.
 *
 * The link line is written once, in the Makefile: make records it in
 * libswarm.link next to libswarm.a (build tree and install alike), one line
 * per mode ("static WORDS", "dynamic WORDS"; "static-error MESSAGE" when
 * this machine could not build the static libcurl).  The driver reads it.
 */
#ifndef SWC_LINK_H
#define SWC_LINK_H

#include <stddef.h>
#include "arena.h"
#include "util/buf.h"

enum link_mode { LINK_STATIC, LINK_DYNAMIC };

/* The recorded words for mode (in a), or NULL after one error line on
 * stderr: the record is missing or unreadable, or it says why there is no
 * static link on this machine. */
char *link_words(struct arena *a, const char *record, enum link_mode mode);

/* Drops from the linker's output (in place) the warnings a static glibc
 * gives for functions that would need its shared NSS or dlopen at run
 * time (gethostbyname, getservbyname, dlopen): they are linked in by
 * OpenSSL and c-ares but never called on the runtime's paths
 * (docs/distributed.md), so each build would repeat them for nothing.
 * Every other line stays. */
void link_drop_static_warnings(struct sw__buf *out);

/* Reads path (--embed-ca) and checks it is a PEM certificate bundle, with
 * the parser the binary loads it with.  0 with *pem and *len (in a), or the
 * exit status after one error line naming the file. */
int link_embed_ca(struct arena *a, const char *path, char **pem,
                  size_t *len);

#endif
