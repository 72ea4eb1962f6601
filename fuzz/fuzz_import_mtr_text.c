/* libFuzzer harness for the mtr_text importer (see fuzz_import.h). */
#include "fuzz_import.h"
#include "import/import_mtr_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, import_mtr_text_parse);
}
