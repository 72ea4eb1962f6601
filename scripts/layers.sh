#!/usr/bin/env bash
# `make layers`: checks every quoted #include in src/ and tests/unit/ against
# the layer table below (docs/architecture.md explains it). A file in folder D
# may include:
#   - any header of D itself;
#   - a public header of a folder D may use (the table's third column);
# and the modules (a .c with its .h) must form no include cycle.
# Prints one line per violation and "PASS: layers" or "FAIL: layers".
set -u
cd "$(dirname "$0")/.."

# folder   may use                              public headers
table='
base       -                                    evloop.h num.h sink.h strbuf.h version.h
model      base                                 model.h finding.h event.h field.h history.h
probe      base,model                           probe.h privdrop.h probe_one.h probe_group.h
resolve    base,model                           dns.h target.h asn.h
stats      base,model                           collect.h
render     base,model                           render.h render_opts.h render_analysis.h render_raw.h render_split.h render_winmtr.h render_html.h render_prom.h
diag       base,model                           diag.h
import     base,model                           import.h import_error.h import_findings.h import_agent.h
host       base,model                           host.h host_parse.h host_sample.h host_rate.h host_render.h
tui        base,model,diag                      tui.h tui_layout.h tui_input.h tui_state.h tui_grid.h
oneway     base,model                           oneway_pkt.h oneway_count.h oneway_io.h oneway_clock.h
agent      base,model,oneway                    agent.h agent_query.h agent_limit.h agent_ndjson.h
metrics    base,model,render                    metrics.h metrics_batch.h
mtrpacket  base,model,probe                     mtrpacket.h mtrpacket_cmd.h mtrpacket_reply.h
monitor    base,model,probe,stats,diag          monitor.h monitor_db.h monitor_round.h monitor_episode.h monitor_html.h
cli        base,model,probe,resolve,stats,render,diag,import,host,tui,agent,metrics,oneway,mtrpacket,monitor   -
'

declare -A uses public
while read -r dir deps pub; do
	[ -n "$dir" ] || continue
	uses[$dir]=",$deps,"
	public[$dir]=" $pub "
done <<<"$table"

layers=$(echo "${!uses[@]}" | tr ' ' '|')
bad=0
report() { echo "layers: $*"; bad=$((bad + 1)); }

# check_file FILE DIR: every quoted include of FILE, seen from folder DIR.
check_file() {
	local file=$1 dir=$2 inc to hdr n=0
	while IFS=: read -r n inc; do
		inc=${inc#*\"}; inc=${inc%%\"*}
		case "$inc" in
		*/*) ;;
		*) [ "${file#tests/}" != "$file" ] && continue # a test's own helper header
		   report "$file:$n: \"$inc\" does not name its folder"; continue ;;
		esac
		to=${inc%%/*} hdr=${inc#*/}
		[ "${file#tests/}" != "$file" ] && [ "$to" = .. ] && continue
		case "$hdr" in
		*/* | *..*) report "$file:$n: \"$inc\" must be LAYER/HEADER.h"; continue ;;
		esac
		if [ -z "${uses[$to]+x}" ]; then
			report "$file:$n: \"$inc\": no such layer"; continue
		fi
		[ "$to" = "$dir" ] && continue
		case "${uses[$dir]}" in
		*",$to,"*) ;;
		*) report "$file:$n: $dir may not include $to/ (\"$inc\")"; continue ;;
		esac
		case "${public[$to]}" in
		*" $hdr "*) ;;
		*) report "$file:$n: \"$inc\" is internal to $to/" ;;
		esac
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$file")
	# <layer/x.h> would find the same files through -Isrc, unchecked.
	grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<('"$layers"')/' "$file" |
		while IFS=: read -r n inc; do
			echo "layers: $file:$n: a layer header in <>: write it with quotes"
		done | grep . && bad=$((bad + 1))
}

for dir in "${!uses[@]}"; do
	for f in src/"$dir"/*.[ch] tests/unit/"$dir"/*.[ch]; do
		[ -e "$f" ] && check_file "$f" "$dir"
	done
done
for f in src/*.[ch] src/*/*/*.[ch]; do
	[ -e "$f" ] && report "$f: outside the layer folders (src/<layer>/<module>.[ch])"
done
for d in src/*/; do
	d=${d%/} d=${d#src/}
	[ -n "${uses[$d]+x}" ] || report "src/$d/: a folder the layer table does not know"
done

# Module cycles: an edge from each module to every module its files include.
# tsort names the modules of a loop on stderr.
edges=$(for f in src/*/*.[ch]; do
	from=${f#src/}; from=${from%.*}
	grep -ho '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/[^"]*\.h"' "$f" |
		sed 's/.*"\(.*\)\.h"/\1/' | while read -r to; do
		[ "$to" != "$from" ] && echo "$from $to"
	done
done)
if ! loops=$(echo "$edges" | tsort 2>&1 >/dev/null) || [ -n "$loops" ]; then
	report "module cycle: $(echo "$loops" | sed -n 's/^tsort: //p' | tr '\n' ' ')"
fi

if [ "$bad" -eq 0 ]; then
	echo "PASS: layers"
else
	echo "FAIL: layers ($bad violations)"
	exit 1
fi
