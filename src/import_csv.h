/* import_csv: mtr's csv output (and hopdoc's). */
#ifndef HOPDOC_IMPORT_CSV_H
#define HOPDOC_IMPORT_CSV_H

#include "import.h"

int import_csv_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
