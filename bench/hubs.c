/* hubs: the per-hop figures of an mtr-style JSON report (mtr -j, hopdoc -j)
 * as text for the benchmark script:  HOP HOST AVG_MS SNT LOSS_PCT
 * Reads the report on stdin. */
#include <jansson.h>
#include <stdio.h>

static double number(const json_t *hub, const char *key)
{
	return json_number_value(json_object_get(hub, key));
}

int main(void)
{
	json_error_t err;
	json_t *root = json_loadf(stdin, 0, &err);
	if (!root) {
		fprintf(stderr, "hubs: not JSON: %s (line %d)\n", err.text, err.line);
		return 1;
	}
	json_t *hubs = json_object_get(json_object_get(root, "report"), "hubs");
	if (!json_is_array(hubs)) {
		fprintf(stderr, "hubs: no report.hubs array\n");
		json_decref(root);
		return 1;
	}
	size_t i;
	json_t *hub;
	json_array_foreach(hubs, i, hub) {
		const char *host = json_string_value(json_object_get(hub, "host"));
		printf("%.0f %s %.3f %.0f %.1f\n", number(hub, "count"), host ? host : "???",
		       number(hub, "Avg"), number(hub, "Snt"), number(hub, "Loss%"));
	}
	json_decref(root);
	return 0;
}
