/* import_csv: mtr's --csv. The header names the columns
 * (Mtr_Version,Start_Time,Status,Host,Hop,Ip,[Asn,]Loss%,Snt, ,Last,...);
 * the " " column is mtr's gap column and holds Drop. One row per hop.
 * Tests: tests/unit/import/test_import_formats.c fuzz/fuzz_import_csv.c tests/golden/analyze. */
#ifndef HOPDOC_IMPORT_CSV_H
#define HOPDOC_IMPORT_CSV_H

#include "import/import_error.h"
#include "model/model.h"

int import_csv_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
