/* import_mtr_text: mtr's report (-r) and wide report (-w), and hopdoc's.
 * The HOST: line names the columns (any -o choice); rows are
 * " N.|-- host  figures" (" N. AS123 host  figures" with -z, "name (ip)" with
 * -b); extra responders of a hop follow on indented lines without figures;
 * words before the report are skipped, anything after the table (hopdoc's
 * Diagnosis section) is ignored, but a second report in the file is an error.
 * Tests: tests/unit/import/test_import_formats.c fuzz/fuzz_import_mtr_text.c tests/golden/analyze. */
#ifndef HOPDOC_IMPORT_MTR_TEXT_H
#define HOPDOC_IMPORT_MTR_TEXT_H

#include "import/import_error.h"
#include "model/model.h"

int import_mtr_text_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
