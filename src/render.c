#include "render.h"

#include "render_csv.h"
#include "render_json.h"
#include "render_text.h"
#include "render_xml.h"

render_fn render_for(enum config_output out)
{
	static const struct {
		enum config_output out;
		render_fn fn;
	} table[] = {
		{ CONFIG_OUT_REPORT, render_text_report },
		{ CONFIG_OUT_JSON, render_json_report },
		{ CONFIG_OUT_CSV, render_csv_report },
		{ CONFIG_OUT_XML, render_xml_report },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].out == out)
			return table[i].fn;
	return NULL;
}
