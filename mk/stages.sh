#!/bin/sh
# Run make targets one after the other, timing each; print a table of the
# stages and their seconds at the end (also when one fails, which stops the
# run: its status is the script's).
#
#   mk/stages.sh TARGET...
set -u

table=""
total_start=$(date +%s)
status=0
for t in "$@"; do
	start=$(date +%s)
	make --no-print-directory "$t" || status=$?
	secs=$(($(date +%s) - start))
	if [ "$status" = 0 ]; then
		table="$table| $t | $secs | ok |
"
	else
		table="$table| $t | $secs | FAILED (status $status) |
"
		break
	fi
done
echo "=== stages"
echo "| stage | seconds | result |"
echo "|---|---|---|"
printf '%s' "$table"
echo "| all | $(($(date +%s) - total_start)) | |"
exit "$status"
