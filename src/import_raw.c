#include "import_raw.h"

int import_raw_parse(char *text, struct model_trace *t, struct import_error *err)
{
	(void)text;
	(void)t;
	return import_fail(err, 1, "expected a format hopdoc reads: raw is not supported yet");
}
