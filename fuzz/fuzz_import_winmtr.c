/* libFuzzer harness for the WinMTR importers (see fuzz_import.h): the first
 * byte's low bit picks the text or the HTML export parser. */
#include "fuzz_import.h"
#include "import/import_winmtr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	return fuzz_import(data + 1, size - 1,
			   data[0] & 1 ? import_winmtr_html_parse : import_winmtr_text_parse);
}
