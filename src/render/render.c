#include "render/render.h"

#include "render/render_csv.h"
#include "render/render_json.h"
#include "render/render_text.h"
#include "render/render_xml.h"

render_fn render_for(enum render_format out)
{
	static const struct {
		enum render_format out;
		render_fn fn;
	} table[] = {
		{ RENDER_REPORT, render_text_report },
		{ RENDER_JSON, render_json_report },
		{ RENDER_CSV, render_csv_report },
		{ RENDER_XML, render_xml_report },
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].out == out)
			return table[i].fn;
	return NULL;
}

int render_findings(const struct finding_list *l, struct sink *out)
{
	return render_text_findings(l, out);
}
