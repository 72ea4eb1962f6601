/* import_raw: mtr's raw output (and hopdoc's). */
#ifndef HOPDOC_IMPORT_RAW_H
#define HOPDOC_IMPORT_RAW_H

#include "import.h"

int import_raw_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
