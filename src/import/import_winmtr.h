/* import_winmtr: WinMTR's "Export TEXT" and "Export HTML".
 *
 * TEXT: a '|'-framed table, CRLF line ends, a "WinMTR statistics" title row,
 * the header "Host - % | Sent | Recv | Best | Avrg | Wrst | Last", one row per
 * hop in order ("host - loss | ..." with the host right-aligned in 40
 * characters and whole milliseconds), "No response from host" for silent
 * hops, a "|____|" footer and a version line.
 * HTML: a <table> whose first row names the columns (Hostname, Nr, Loss %,
 * Sent, Recv, Best, Avrg, Worst, Last; older versions lack Nr) and one <tr>
 * per hop. Neither has StDev or Last-but-one figures; Loss% comes from Sent
 * and Recv.
 * Tests: tests/unit/import/test_import_formats.c fuzz/fuzz_import_winmtr.c tests/golden/analyze. */
#ifndef HOPDOC_IMPORT_WINMTR_H
#define HOPDOC_IMPORT_WINMTR_H

#include "import/import_error.h"
#include "model/model.h"

int import_winmtr_text_parse(char *text, struct model_trace *t, struct import_error *err);
int import_winmtr_html_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
