/* import_listing: hop lines pasted from guides and tickets, e.g.
 *   Host                               Loss%   Snt   Last   Avg  Best  Wrst StDev
 *   3. 172.16.0.1                       0.0%   20   25.1   26.0  24.8   27.2  0.6
 * with or without "|--", with or without a header (mtr's titles in any order;
 * a header in another language is ignored and mtr's default order assumed),
 * names with blanks ("Ziel-IP (Server)"), "# " prefixes and trailing notes
 * ("<- your gateway"). Prose around the listing is skipped.
 * Tests: tests/unit/import/test_import_formats.c fuzz/fuzz_import_listing.c tests/golden/analyze. */
#ifndef HOPDOC_IMPORT_LISTING_H
#define HOPDOC_IMPORT_LISTING_H

#include "import/import_error.h"
#include "model/model.h"

int import_listing_parse(char *text, struct model_trace *t, struct import_error *err);

#endif
