/* import_json: mtr's --json ({"report": {"mtr": {...}, "hubs": [...]}}) and
 * hopdoc's, which adds keys (Rcv, Drop, jitter, "hosts", "diagnosis") and
 * renames none. Hub keys are read by name, in any order; "count" may be a
 * number or, as older mtr printed it, a string.
 * Tests: tests/unit/import/test_import_formats.c fuzz/fuzz_import_json.c tests/golden/analyze. */
#ifndef HOPDOC_IMPORT_JSON_H
#define HOPDOC_IMPORT_JSON_H

#include "import/import_error.h"
#include "model/model.h"

int import_json_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
