#!/bin/sh
# The multi-reader table from the MREAD lines of one or more results.log
# (bench/vm/bvm.h): per load (mice x rate each) and number of reader
# threads on the file, the medians over the rounds of each round's figure
# with the rounds' min-max, and for 2 and 4 readers the per-round ratio to
# the same round's single reader (the variants of a round ran within
# seconds of each other, so the ratio cancels the host's load).
#
#   bench/readers-table.sh build/bench/vm/results.log [more logs]
set -eu
[ $# -ge 1 ] || { echo "usage: $0 results.log..." >&2; exit 2; }
i=0
for log in "$@"; do
	i=$((i + 1))
	tr -d '\r' <"$log" | awk -v run="$i" '$1 == "MREAD" { $5 = run "." $5; print }'
done | awk '
{
	load = sprintf("%03d %06d", $3, $4); k = load " " $2; key[k] = 1
	n = ++rounds[k]
	written[k] += $6; got[k] += $8; lost[k] += $9; reord[k] += $12
	rpf[k, n] = $8 ? $10 / $8 : 0
	cpf[k, n] = $8 ? $11 / $8 / 1000 : 0
	sp50[k, n] = $16 / 1000; sp99[k, n] = $17 / 1000; smax[k, n] = $18 / 1000
	late[k, n] = $19 / 1000
	round_of[k, n] = $5
	s50[load, $2, $5] = $16; s99[load, $2, $5] = $17
}
function med(a, k, n,    i, j, t, v) {
	for (i = 1; i <= n; i++) v[i] = a[k, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
	lo = v[1]; hi = v[n]
	return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function cell(a, k, n, fmt,    m) {
	if (!n) return "-"
	m = med(a, k, n)
	return sprintf(fmt " (" fmt "-" fmt ")", m, lo, hi)
}
END {
	print "| mice x rate | readers | rounds | frames written / read as frames | events coalesced | batches out of order | frame to stick write p50, us | p99, us | max, us | p50 / 1 reader, per round | p99 / 1 reader, per round | reads per frame | reader CPU per frame, us | generator late p99, us |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	for (k in key) order[++nk] = k
	for (i = 2; i <= nk; i++)
		for (j = i; j > 1 && order[j - 1] > order[j]; j--) {
			t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
		}
	for (i = 1; i <= nk; i++) {
		k = order[i]; split(k, a, " "); n = rounds[k]
		load = a[1] " " a[2]
		nr = 0; delete r50; delete r99
		for (m = 1; m <= n; m++) {
			rd = round_of[k, m]
			if (a[3] == 1 || !((load, 1, rd) in s50) || !s50[load, 1, rd] || !s99[load, 1, rd])
				continue
			nr++
			r50["x", nr] = s50[load, a[3], rd] / s50[load, 1, rd]
			r99["x", nr] = s99[load, a[3], rd] / s99[load, 1, rd]
		}
		printf "| %d x %d Hz | %d | %d | %d / %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			a[1], a[2], a[3], n, written[k], got[k], lost[k], reord[k],
			cell(sp50, k, n, "%.0f"), cell(sp99, k, n, "%.0f"), cell(smax, k, n, "%.0f"),
			cell(r50, "x", nr, "%.2f"), cell(r99, "x", nr, "%.2f"),
			cell(rpf, k, n, "%.3f"), cell(cpf, k, n, "%.0f"), cell(late, k, n, "%.0f")
	}
	print ""
	print "Each cell but the sums: the median over the rounds of that round'"'"'s figure (min-max over the rounds); the ratios pair each round with the same round'"'"'s single reader."
}'
