#include "import_winmtr.h"

int import_winmtr_text_parse(char *text, struct model_trace *t, struct import_error *err)
{
	(void)text;
	(void)t;
	return import_fail(err, 1, "expected a format hopdoc reads: WinMTR text is not supported yet");
}

int import_winmtr_html_parse(char *text, struct model_trace *t, struct import_error *err)
{
	(void)text;
	(void)t;
	return import_fail(err, 1, "expected a format hopdoc reads: WinMTR HTML is not supported yet");
}
