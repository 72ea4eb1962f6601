/* import_raw: mtr's --raw (-l) stream: "x HOP SEQ" (probe sent), "h HOP ADDR"
 * (responder), "p HOP MICROSECONDS SEQ" (reply), "d HOP NAME" (DNS name);
 * HOP counts from 0; hopdoc's "m" (MPLS) and old mtr's "t" lines are skipped. The statistics are rebuilt from the lines: Snt from x,
 * Recv, Last, Avg, Best, Wrst and StDev from p. Older mtr printed no x lines;
 * then Snt is taken as the most replies any hop got (documented guess).
 * The TTLs past the target that mtr probes in its first rounds only (far
 * fewer probes than the path's hops) are dropped.
 * Tests: tests/unit/import/test_import_formats.c fuzz/fuzz_import_raw.c tests/golden/analyze. */
#ifndef HOPDOC_IMPORT_RAW_H
#define HOPDOC_IMPORT_RAW_H

#include "import/import_error.h"
#include "model/model.h"

int import_raw_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
