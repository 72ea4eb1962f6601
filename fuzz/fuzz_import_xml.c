/* libFuzzer harness for the xml importer (see fuzz_import.h). */
#include "fuzz_import.h"
#include "import/import_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_import(data, size, import_xml_parse);
}
