/* import_json: mtr's json output (and hopdoc's). */
#ifndef HOPDOC_IMPORT_JSON_H
#define HOPDOC_IMPORT_JSON_H

#include "import.h"

int import_json_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
