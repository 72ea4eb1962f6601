/* import_xml: mtr's --xml: <MTR SRC= DST= TOS= PSIZE= BITPATTERN= TESTS=>
 * holding one <HUB COUNT= HOST=> per hop, whose child elements (<Loss>,
 * <Snt>, <Last>, ...) carry the figures in -o order. A small reader for that
 * shape, not a general XML parser: entities &amp; &lt; &gt; &quot; &apos;
 * are decoded, comments and declarations skipped.
 * Tests: tests/unit/import/test_import_formats.c fuzz/fuzz_import_xml.c tests/golden/analyze. */
#ifndef HOPDOC_IMPORT_XML_H
#define HOPDOC_IMPORT_XML_H

#include "import/import_error.h"
#include "model/model.h"

int import_xml_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
