/* libFuzzer harness for the listing importer (see fuzz_import.h). */
#include "fuzz_import.h"
#include "import/import_listing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, import_listing_parse);
}
