#include "fmt.h"
void fmt_source(const struct source *src, struct buf *out) { buf_put(out, src->text, src->len); }
int fmt_main(int argc, char **argv) { (void)argc; (void)argv; return 64; }
