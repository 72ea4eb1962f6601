/* libFuzzer harness for the raw importer (see fuzz_import.h). */
#include "fuzz_import.h"
#include "import/import_raw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, import_raw_parse);
}
