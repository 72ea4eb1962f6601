#!/usr/bin/env bash
# bench/import_gen.sh: hostile inputs for `hopdoc analyze`, one format and
# shape at a time, about BYTES long, written to standard output. Each starts
# like a real report of its format (so detection picks that parser) and then
# repeats what a parser could handle badly: deep nesting, one huge line,
# millions of hop-like or filler lines, huge attribute values or cells,
# many reports in one file.
# Used by bench/import.sh; needs only coreutils.
#
#   bench/import_gen.sh list            the shapes, one a line
#   bench/import_gen.sh SHAPE BYTES     the input
set -euo pipefail

# N copies of LINE, one a line, about BYTES in all.
lines() { # LINE BYTES
	local n=$(($2 / (${#1} + 1))) k
	k=$(printf '%s\n' "$1" | wc -l) # LINE may hold several
	{ yes -- "$1" || true; } | head -n $((n * k)) # yes ends on SIGPIPE
}

# Copies of WORD with no line break, about BYTES in all.
run() { # WORD BYTES
	local n=$(($2 / ${#1}))
	{ yes -- "$1" || true; } | head -n "$n" | tr -d '\n'
}

# BYTES of the letter a, no line break.
blob() { # BYTES
	head -c "$1" /dev/zero | tr '\0' a
}

MTR_HEAD='Start: 2026-11-22T03:24:26+0000
HOST: vm                          Loss%   Snt   Last   Avg  Best  Wrst StDev'
MTR_ROW='  1.|-- 10.77.0.2                  0.0%     3    0.1   0.2   0.1   0.4   0.2'
JSON_HUB='{"count": %d, "host": "10.0.0.%d", "Loss%%": 0.0, "Snt": 10, "Last": 1.0, "Avg": 1.0, "Best": 1.0, "Wrst": 1.0, "StDev": 0.0'
XML_HEAD='<?xml version="1.0"?>
<MTR SRC="vm" DST="10.0.0.1" TOS="0x0" PSIZE="64" BITPATTERN="0x00" TESTS="10">'
XML_HUB='<HUB COUNT="1" HOST="10.0.0.1"><Loss%>0.0</Loss%><Snt>10</Snt><Avg>1.0</Avg><Best>1.0</Best><Wrst>1.0</Wrst></HUB>'
CSV_HEAD='Mtr_Version,Start_Time,Status,Host,Hop,Ip,Loss%,Snt, ,Last,Avg,Best,Wrst,StDev,'
WIN_HEAD='|------------------------------------------------------------------------------------------|
|                                      WinMTR statistics                                   |
|                       Host              -   %  | Sent | Recv | Best | Avrg | Wrst | Last |
|------------------------------------------------|------|------|------|------|------|------|'
WIN_ROW='|                10.0.0.1 -    0 |   10 |   10 |    1 |    1 |    1 |    1 |'
HTML_HEAD='<html><body><table border="1">
<tr><td>Hostname</td><td>Nr</td><td>Loss %</td><td>Sent</td><td>Recv</td><td>Best</td><td>Avrg</td><td>Worst</td><td>Last</td></tr>'
HTML_ROW='<tr><td>10.0.0.1</td><td>1</td><td>0</td><td>10</td><td>10</td><td>1</td><td>1</td><td>1</td><td>1</td></tr>'

shapes="mtr-prose mtr-responders mtr-hugeline mtr-reports
json-nest json-values json-hubs json-hugestring json-reports
xml-tags xml-nest xml-attr xml-reports
csv-hugeline csv-commas csv-reports
raw-lines raw-hugeline
winmtr-rules winmtr-hugeline winmtr-reports
html-rows html-tags html-cell html-reports
listing-lines listing-hugeline listing-reports"

gen() { # SHAPE BYTES
	local b=$2
	case $1 in
	mtr-prose) # a ticket's prose, then the report
		lines 'we see loss since monday, here is the output of mtr -r:' "$b"
		printf '%s\n%s\n' "$MTR_HEAD" "$MTR_ROW" ;;
	mtr-responders) # one hop, millions of indented extra-responder lines
		printf '%s\n%s\n' "$MTR_HEAD" "$MTR_ROW"
		lines '    10.77.0.3' "$b" ;;
	mtr-reports) # many whole reports, one after the other
		lines "$MTR_HEAD
$MTR_ROW
" "$b" ;;
	mtr-hugeline) # one row whose host is one huge word
		printf '%s\n  1.|-- ' "$MTR_HEAD"
		blob "$b"
		printf '  0.0%%  3  0.1  0.2  0.1  0.4  0.2\n' ;;
	json-nest) # [[[[... as deep as the file
		printf '{"report": '
		run '[' "$b" ;;
	json-values) # a real report, then millions of numbers in one array
		printf '{"report": {"mtr": {"dst": "10.0.0.1"}, "hubs": ['
		# shellcheck disable=SC2059
		printf "$JSON_HUB}], \"pad\": [" 1 1
		run '0,' "$b"
		printf '0]}}\n' ;;
	json-hubs) # 255 hubs, each padded with a long string (the line finder walks them)
		local per=$((b / 255)) i
		printf '{"report": {"mtr": {"dst": "10.0.0.1"}, "hubs": [\n'
		for ((i = 1; i <= 255; i++)); do
			# shellcheck disable=SC2059
			printf "$JSON_HUB, \"pad\": \"" "$i" "$i"
			blob "$per"
			printf '"}%s\n' "$([ $i -lt 255 ] && echo ,)"
		done
		printf ']}}\n' ;;
	json-reports) # many whole documents, one after the other
		# shellcheck disable=SC2059
		lines "$(printf "{\"report\": {\"mtr\": {\"dst\": \"10.0.0.1\"}, \"hubs\": [$JSON_HUB}]}}" 1 1)" "$b" ;;
	json-hugestring) # one hub whose host is one huge string
		printf '{"report": {"mtr": {"dst": "10.0.0.1"}, "hubs": [{"count": 1, "host": "'
		blob "$b"
		printf '", "Loss%%": 0.0, "Snt": 10, "Avg": 1.0}]}}\n' ;;
	xml-tags) # a real report, then millions of unknown elements, one a line
		printf '%s\n%s\n' "$XML_HEAD" "$XML_HUB"
		lines '<note>x</note>' "$b"
		printf '</MTR>\n' ;;
	xml-nest) # <a><a><a>... on one line, never closed
		printf '%s\n%s\n' "$XML_HEAD" "$XML_HUB"
		run '<a>' "$b"
		printf '\n</MTR>\n' ;;
	xml-reports) # many whole documents, one after the other
		lines "$XML_HEAD
$XML_HUB
</MTR>" "$b" ;;
	xml-attr) # a hub whose HOST attribute is huge
		printf '%s\n<HUB COUNT="1" HOST="' "$XML_HEAD"
		blob "$b"
		printf '"><Loss%%>0.0</Loss%%><Snt>10</Snt><Avg>1.0</Avg></HUB>\n</MTR>\n' ;;
	csv-hugeline) # a row with one huge cell
		printf '%s\nMTR.0.95,1700000000,OK,10.0.0.1,1,' "$CSV_HEAD"
		blob "$b"
		printf ',0.00,10,0,1.0,1.0,1.0,1.0,0.0,\n' ;;
	csv-commas) # a header, then a row of commas only
		printf '%s\n' "$CSV_HEAD"
		run ',' "$b"
		printf '\n' ;;
	csv-reports) # many whole exports, one after the other
		lines "$CSV_HEAD
MTR.0.95,1700000000,OK,10.0.0.1,1,10.0.0.1,0.00,10,0,1.0,1.0,1.0,1.0,0.0,
" "$b" ;;
	raw-lines) # a real mtr -l stream of millions of probes (parses)
		printf 'h 0 10.0.0.1\n'
		lines 'x 0 1
p 0 1000 1' "$b" ;;
	raw-hugeline) # a reply whose time is a huge number
		printf 'h 0 10.0.0.1\nx 0 1\np 0 '
		blob "$b" | tr a 1
		printf ' 1\n' ;;
	winmtr-rules) # the header, then millions of ruler lines
		printf '%s\n%s\n' "$WIN_HEAD" "$WIN_ROW"
		lines '|------------------------------------------------|------|------|' "$b" ;;
	winmtr-hugeline) # a row whose host is huge
		printf '%s\n|  ' "$WIN_HEAD"
		blob "$b"
		printf ' -    0 |   10 |   10 |    1 |    1 |    1 |    1 |\n' ;;
	winmtr-reports) # many whole exports, one after the other
		lines "$WIN_HEAD
$WIN_ROW" "$b" ;;
	html-rows) # a header row, then millions of empty rows, no </table>
		printf '%s\n%s\n' "$HTML_HEAD" "$HTML_ROW"
		lines '<tr></tr>' "$b" ;;
	html-tags) # a row whose host cell holds millions of tags
		printf '%s\n<tr><td>' "$HTML_HEAD"
		run '<b>' "$b"
		printf '10.0.0.1</td><td>1</td><td>0</td><td>10</td><td>10</td><td>1</td><td>1</td><td>1</td><td>1</td></tr></table>\n' ;;
	html-cell) # a row with one huge cell and no other tag
		printf '%s\n<tr><td>' "$HTML_HEAD"
		blob "$b"
		printf '\n' ;;
	html-reports) # many whole tables, one after the other
		lines "$HTML_HEAD
$HTML_ROW
</table></body></html>" "$b" ;;
	listing-lines) # millions of numbered sentences (prose, not hops), then a hop
		lines '1. open a terminal and type the command below' "$b"
		printf '1. 10.0.0.1  0.0%%  10  1.0  1.0  1.0  1.0  0.0\n' ;;
	listing-hugeline) # a hop line whose host is one huge word
		printf '1. '
		blob "$b"
		printf '  0.0%%  10  1.0  1.0  1.0  1.0  0.0\n' ;;
	listing-reports) # many listings of two hops, one after the other
		lines '1. 10.0.0.1  0.0%  10  1.0  1.0  1.0  1.0  0.0
2. 10.0.0.2  0.0%  10  2.0  2.0  2.0  2.0  0.0' "$b" ;;
	*)
		echo "import_gen: unknown shape $1 (see: $0 list)" >&2
		return 2 ;;
	esac
}

case ${1:-} in
list) echo "$shapes" | tr ' ' '\n' ;;
'' | -h | --help) sed -n '2,10s/^# \{0,1\}//p' "$0" ;;
*)
	[[ ${2:-} =~ ^[0-9]{1,10}$ ]] || { echo "import_gen: BYTES must be a number" >&2; exit 2; }
	gen "$1" "$2" ;;
esac
