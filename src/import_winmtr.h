/* import_winmtr: WinMTR's "Export TEXT" and "Export HTML". */
#ifndef HOPDOC_IMPORT_WINMTR_H
#define HOPDOC_IMPORT_WINMTR_H

#include "import.h"

int import_winmtr_text_parse(char *text, struct model_trace *t, struct import_error *err);
int import_winmtr_html_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
