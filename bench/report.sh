#!/bin/sh
# The benchmark's table and plot (bench/README.md), from the last runs:
#
#   bench/report.sh OUT RESULTS KO
#
#   OUT       the bench's work directory: vm/results.log (the guest's lines,
#             bench/vm/bvm.h), ipe.txt and callgrind.out (make bench-ipe)
#   RESULTS   where bench.md, bench.csv, latency-cdf.csv and latency.png go
#   KO        joystickd_kfilter.ko with debug info: struct sizes (gdb)
#
# Prints the table (markdown) on stdout.
set -eu

die() {
	echo "report.sh: $*" >&2
	exit 1
}

[ $# = 3 ] || die "usage: report.sh OUT RESULTS KO"
out=$1 results=$2 ko=$3
log=$out/vm/results.log
[ -r "$log" ] || die "$log missing: run make bench-vm first"
mkdir -p "$results"

# ---- facts from the host: engine instructions, kernel struct sizes, load
facts=$(mktemp)
trap 'rm -f "$facts"' EXIT
if [ -r "$out/callgrind.out" ] && [ -r "$out/ipe.txt" ]; then
	ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out/callgrind.out" | head -n 1)
	records=$(sed -n 's/^records \([0-9]*\).*/\1/p' "$out/ipe.txt")
	echo "X ipe_ir $ir" >>"$facts"
	echo "X ipe_records $records" >>"$facts"
	# The engine's top functions, self cost: "Ir (pct) file:function [obj]".
	[ -r "$out/callgrind.txt" ] && sed -n '/file:function/,$p' "$out/callgrind.txt" |
		awk '$1 ~ /^[0-9,]+$/ { f = $0; sub(/^.*%\) +/, "", f); sub(/ .*/, "", f); sub(/.*:/, "", f)
			gsub(",", "", $1); print "X ipefn" NR, $1, f }' |
		head -n 8 >>"$facts"
fi
if [ -r "$ko" ] && command -v gdb >/dev/null; then
	for s in jskf_file jskf_queue jskf_dev jskf_record; do
		# gdb answers "$1 = 168"
		# shellcheck disable=SC2016
		n=$(gdb -batch -ex "print sizeof(struct $s)" "$ko" 2>/dev/null | sed -n 's/^\$1 = //p')
		[ -n "$n" ] && echo "X sizeof_$s $n" >>"$facts"
	done
fi
[ -r "$out/load-before" ] && echo "X load_before $(cat "$out/load-before")" >>"$facts"
echo "X load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$facts"
echo "X date $(date -u +%Y-%m-%dT%H:%MZ)" >>"$facts"

# ---- the table: markdown on stdout and in bench.md, the same rows in bench.csv
cat "$facts" "$log" | awk -v md="$results/bench.md" -v csv="$results/bench.csv" \
	-v cdf="$results/latency-cdf.csv" '
function us(ns) { return sprintf("%.1f", ns / 1000) }
function ratio(a, b) { return (b > 0 && a != "" && a != "-") ? sprintf("%.2f", a / b) : "-" }
function row(name, unit, j, f, i, target, met,    rf, ri) {
	rf = (f == "-" || f == "") ? "-" : ratio(j, f)
	ri = (i == "-" || i == "") ? "-" : ratio(j, i)
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, unit, j, f, i, rf, ri, target, met > md
	printf "\"%s\",%s,%s,%s,%s,%s,%s,\"%s\",\"%s\"\n", name, unit, j, f, i, rf, ri, target, met > csv
}
function yn(c) { return c ? "yes" : "NO" }
# Sorts a[1..n] in place, ascending (insertion sort: n is a few dozen).
function asort_n(a, n,    i, j, v) {
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
}
# kmalloc() rounds up to its caches below 8 KiB, to a power-of-two number of pages above.
function kalloc(n,    s) {
	if (n <= 8) return 8
	if (n <= 96 && n > 64) return 96
	if (n <= 192 && n > 128) return 192
	if (n <= 8192) { s = 16; while (s < n) s *= 2; return s }
	s = 4096; while (s < n) s *= 2; return s
}
$1 == "X" { fact[$2] = $3; for (k = 4; k <= NF; k++) fact[$2] = fact[$2] " " $k; next }
$1 == "CAL" { cal[$2] = $3; cal10[$2] = $4; cal90[$2] = $5; next }
$1 == "LAT" { n[$2, $3] = $4; p50[$2, $3] = $5; p90[$2, $3] = $6; p99[$2, $3] = $7; mx[$2, $3] = $8; next }
$1 == "CDF" { q[$4] = 1; c[$2, $3, $4] = $5; next }
$1 == "CPU" { fr[$2, $3] = $4; cpu[$2, $3] = $5; scr[$2, $3] = $6; scw[$2, $3] = $7; lost[$2, $3] = $8 + $9; usr[$2, $3] = $10; sys[$2, $3] = $11; vcs[$2, $3] = $12; ivcs[$2, $3] = $13; next }
$1 == "CHUNK" { chunk[$2, $3, $4] = $6 / $5; if ($4 + 1 > nround[$3]) nround[$3] = $4 + 1; next }
$1 == "TPUT" {
	ntput++
	if ($11 == 1 && $4 > best) { best = $4; best_rate = $2; best_gen = ($10 == 0) }
	if ($11 != 1 && !first_loss) first_loss = sprintf("%s Hz/mouse: module delivered %s of %d records, coalesced %s, dropped %s; joystickd wrote %s times", $2, $5, 3 * $3, $6, $7, $8)
	if ($10 == 0 && !gen_behind) gen_behind = sprintf("%s Hz/mouse: the generator wrote %s frames/s of %d", $2, $4, $2 * 8)
	if ($13 > 0) reader_drops = reader_drops sprintf(" %s Hz: %s;", $2, $13)
	next
}
$1 == "READ" { rev[$2] = $3; rwall[$2] = $4; rcpu[$2] = $5; rcalls[$2] = $6; rlost[$2] = $7; next }
$1 == "MEM" { mem[$2] = $3; next }
$1 == "RCALL" { rcall[$2] = $3; next }
$1 == "STATUS" && $3 == "batches:" { batches[$2] = $4; next }
$1 == "FAIL" { fails = fails "\n- " substr($0, 6); next }
$1 == "PERF" && $3 == "share" { pshare[$2, $NF] = $4 + 0; next }
$1 == "PERF" && $3 == "self" { nself[$2]++; pself[$2, nself[$2]] = sprintf("%s %s %s", $4, $5, $NF); next }
END {
	J = "joystickd"; F = "floor"; I = "interception"
	print "# joystickd benchmark\n" > md
	printf "Report written %s; host load average (1, 5, 15 min) %s before the VM booted, %s at the end (the bench'\''s own VM adds about 2); guest: Debian 6.1 kernel under QEMU/TCG, 2 vCPUs.\n", fact["date"], ("load_before" in fact ? fact["load_before"] : "unknown"), fact["load"] > md
	print "Microseconds are TCG microseconds: compare the columns, not the absolute values (bench/README.md).\n" > md
	print "| figure | unit | joystickd | floor | interception | joystickd / floor | joystickd / interception | target | met |" > md
	print "|---|---|---|---|---|---|---|---|---|" > md
	print "figure,unit,joystickd,floor,interception,joystickd_vs_floor,joystickd_vs_interception,target,met" > csv
	split("1000 8000", rates, " ")
	for (r = 1; r <= 2; r++) {
		R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
		if (!((J, R) in p50)) continue
		row("added latency p50, " tag, "us", us(p50[J, R]), us(p50[F, R]), us(p50[I, R]), "", "")
		row("added latency p90, " tag, "us", us(p90[J, R]), us(p90[F, R]), us(p90[I, R]), "", "")
		row("added latency p99, " tag, "us", us(p99[J, R]), us(p99[F, R]), us(p99[I, R]),
		    "<= 1.2x floor, <= 0.5x interception",
		    yn(p99[J, R] <= 1.2 * p99[F, R]) ", " yn(p99[J, R] <= 0.5 * p99[I, R]))
		row("added latency max, " tag, "us", us(mx[J, R]), us(mx[F, R]), us(mx[I, R]), "", "")
		row("input frames lost, merged or damaged, " tag, "frames", lost[J, R], lost[F, R], lost[I, R], "", "")
	}
	for (r = 1; r <= 2; r++) {
		R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
		if (!((J, R) in cpu)) continue
		# 3 events a frame (REL_X, REL_Y, SYN_REPORT); ns per event = ms per million events
		for (k = 1; k <= 3; k++) { p = (k == 1 ? J : k == 2 ? F : I); pe[p] = sprintf("%.1f", cpu[p, R] / (3 * fr[p, R])) }
		row("CPU per million events, " tag, "ms", pe[J], pe[F], pe[I], "<= floor", yn(pe[J] + 0 <= pe[F] + 0))
		for (k = 1; k <= 3; k++) { p = (k == 1 ? J : k == 2 ? F : I); sc[p] = sprintf("%.2f", (scr[p, R] + scw[p, R]) / fr[p, R]) }
		row("read+write syscalls per frame, " tag, "calls", sc[J], sc[F], sc[I], "", "")
		if (usr[J, R] + sys[J, R] > 0) {
			for (k = 1; k <= 3; k++) { p = (k == 1 ? J : k == 2 ? F : I); us_[p] = (usr[p, R] + sys[p, R] > 0 ? sprintf("%.1f", 100 * usr[p, R] / (usr[p, R] + sys[p, R])) : "-") }
			row("user-space share of that CPU, " tag, "%", us_[J], us_[F], us_[I], "", "")
		}
		if (vcs[J, R] + ivcs[J, R] > 0) {
			for (k = 1; k <= 3; k++) { p = (k == 1 ? J : k == 2 ? F : I); cs[p] = sprintf("%.2f", vcs[p, R] / fr[p, R]); ics[p] = sprintf("%.2f", ivcs[p, R] / fr[p, R]) }
			row("voluntary context switches per frame, " tag, "switches", cs[J], cs[F], cs[I], "", "")
			row("involuntary context switches per frame, " tag, "switches", ics[J], ics[F], ics[I], "", "")
		}
		# The same CPU compared round by round: the two chunks of a round ran
		# within a second of each other, so a host stall spoils one ratio,
		# not the median.
		nr = 0
		for (k = 0; k < nround[R]; k++)
			if (((J, R, k) in chunk) && ((F, R, k) in chunk) && chunk[F, R, k] > 0)
				rr[++nr] = chunk[J, R, k] / chunk[F, R, k]
		if (nr) {
			asort_n(rr, nr)
			med = (nr % 2 ? rr[(nr + 1) / 2] : (rr[nr / 2] + rr[nr / 2 + 1]) / 2)
			row("CPU per event, joystickd / floor, median of " nr " paired rounds, " tag, "x floor", sprintf("%.2f", med), "-", "-", "", "")
		}
	}
	if ("latency-1000" in batches && "joystickd" SUBSEP 1000 in fr) {
		b1 = batches["latency-1000"]; b8 = batches["latency-8000"] - b1
		row("joystickd pended reads per frame, 1 kHz", "calls", sprintf("%.2f", b1 / fr[J, 1000]), "-", "-", "", "")
		row("joystickd pended reads per frame, 8 kHz", "calls", sprintf("%.2f", b8 / fr[J, 8000]), "-", "-", "", "")
	}
	if ("joystickd_vmhwm_kib" in mem)
		row("peak RSS (VmHWM)", "KiB", mem["joystickd_vmhwm_kib"], mem["floor_vmhwm_kib"],
		    mem["interception_vmhwm_kib"], "joystickd <= 4096", yn(mem["joystickd_vmhwm_kib"] <= 4096))
	if (ntput)
		row("8 mice through joystickd, zero loss", "frames/s", sprintf("%d", best), "-", "-",
		    ">= 64000 (8 x 8 kHz)", yn(best >= 64000 * 0.97))
	if ("pended" in rev && rcpu["pended"] > 0 && rcpu["evdev"] > 0) {
		dp = rev["pended"] * 1e9 / rwall["pended"]; de = rev["evdev"] * 1e9 / rwall["evdev"]
		cp = rev["pended"] * 1e9 / rcpu["pended"]; ce = rev["evdev"] * 1e9 / rcpu["evdev"]
		row("pended read: events delivered per second (same stream)", "events/s", sprintf("%.0f", dp), "-", "-", "", "")
		row("evdev read(): events delivered per second (same stream)", "events/s", sprintf("%.0f", de), "-", "-", "", "")
		row("pended read / evdev read(), delivered", "ratio", sprintf("%.2f", dp / de), "-", "-", ">= 1", yn(dp >= de))
		row("pended read: events per reader CPU-second", "events/s", sprintf("%.0f", cp), "-", "-", "", "")
		row("evdev read(): events per reader CPU-second", "events/s", sprintf("%.0f", ce), "-", "-", "", "")
		row("pended read / evdev read(), per CPU-second", "ratio", sprintf("%.2f", cp / ce), "-", "-", ">= 1", yn(cp >= ce))
	}
	if ("pended-1024" in rcall) {
		row("one read of an empty queue: JSKF_IOC_READ, capacity 1024 (joystickd)", "ns", rcall["pended-1024"], "-", "-", "", "")
		row("one read of an empty queue: JSKF_IOC_READ, capacity 64", "ns", rcall["pended-64"], "-", "-", "", "")
		row("one read of an empty queue: evdev read()", "ns", rcall["evdev"], "-", "-", "", "")
	}
	if ("ipe_ir" in fact && fact["ipe_records"] > 0) {
		ipe = fact["ipe_ir"] / fact["ipe_records"]
		row("mapping engine instructions per event (callgrind)", "instr", sprintf("%.0f", ipe), "-", "-",
		    "<= 1500", yn(ipe <= 1500))
		for (k in fact) if (k ~ /^ipefn/) { split(fact[k], a, " "); fnl[substr(k, 6) + 0] = sprintf("`%s` %.0f", a[2], a[1] / fact["ipe_records"]) }
	}
	if ("sizeof_jskf_queue" in fact && "ring_size" in mem) {
		ring = mem["ring_size"] * fact["sizeof_jskf_record"]
		req = fact["sizeof_jskf_file"] + fact["sizeof_jskf_queue"] + ring
		got = kalloc(fact["sizeof_jskf_file"]) + kalloc(fact["sizeof_jskf_queue"]) + kalloc(ring)
		row("kernel memory per capture owner (file + queue + ring)", "bytes", req, "-", "-", "", "")
		row("... as allocated (kmalloc rounding)", "bytes", got, "-", "-", "", "")
		row("... plus the read buffer each file keeps (1024 records)", "bytes", kalloc(1024 * fact["sizeof_jskf_record"]), "-", "-", "", "")
	}
	E = "floor-e"
	if ((E, 1000) in p50) {
		print "\nCause check: the floor again, writing each event with its own write() (`jsd-floor -e`, as libevdev_uinput_write_event() and so joystickd do), in the same rounds:\n" > md
		print "| figure | unit | floor | floor, write() per event | per event / floor | joystickd |" > md
		print "|---|---|---|---|---|---|" > md
		for (r = 1; r <= 2; r++) {
			R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
			printf "| added latency p50, %s | us | %s | %s | %s | %s |\n", tag, us(p50[F, R]), us(p50[E, R]), ratio(p50[E, R], p50[F, R]), us(p50[J, R]) > md
			printf "| added latency p99, %s | us | %s | %s | %s | %s |\n", tag, us(p99[F, R]), us(p99[E, R]), ratio(p99[E, R], p99[F, R]), us(p99[J, R]) > md
			ef = cpu[F, R] / (3 * fr[F, R]); ee = cpu[E, R] / (3 * fr[E, R]); ej = cpu[J, R] / (3 * fr[J, R])
			printf "| CPU per million events, %s | ms | %.1f | %.1f | %s | %.1f |\n", tag, ef, ee, ratio(ee, ef), ej > md
			printf "| read+write syscalls per frame, %s | calls | %.2f | %.2f | %s | %.2f |\n", tag, (scr[F, R] + scw[F, R]) / fr[F, R], (scr[E, R] + scw[E, R]) / fr[E, R], ratio((scr[E, R] + scw[E, R]) / fr[E, R], (scr[F, R] + scw[F, R]) / fr[F, R]), (scr[J, R] + scw[J, R]) / fr[J, R] > md
		}
	}
	print "" > md
	print "Notes:\n" > md
	for (r = 1; r <= 2; r++) if (rates[r] in cal)
		printf "- Input time = the bench'\''s clock before write() + %.1f us at %s Hz (median write-to-input-stamp offset, p10 %.1f, p90 %.1f us).\n", cal[rates[r]] / 1000, rates[r], cal10[rates[r]] / 1000, cal90[rates[r]] / 1000 > md
	for (r = 1; r <= 2; r++) if ((J, rates[r]) in n)
		printf "- %s Hz: %d, %d, %d and %d frames measured (joystickd, floor, interception, floor with a write() per event).\n", rates[r], n[J, rates[r]], n[F, rates[r]], n[I, rates[r]], n["floor-e", rates[r]] > md
	if (ntput) {
		printf "- Throughput: best zero-loss step %s Hz per mouse%s.\n", best_rate, best_gen ? " (generator behind schedule: a lower bound)" : "" > md
		if (first_loss) printf "- First step with loss: %s.\n", first_loss > md
		if (gen_behind) printf "- Generator limit: %s.\n", gen_behind > md
		if (reader_drops != "") printf "- The bench'\''s own reader of the stick overflowed (SYN_DROPPED, not counted as joystickd'\''s loss):%s\n", reader_drops > md
	}
	if ("pended" in rev)
		printf "- Readers: pended read %d events (%d lost, %d calls), evdev read() %d events (%d SYN_DROPPED, %d calls).\n", rev["pended"], rlost["pended"], rcalls["pended"], rev["evdev"], rlost["evdev"], rcalls["evdev"] > md
	if (length(fnl)) {
		printf "- Engine instructions per event by function (self, callgrind):" > md
		sep = " "
		for (k = 1; k <= 40; k++) if (k in fnl) { printf "%s%s", sep, fnl[k] > md; sep = ", " }
		print "." > md
	}
	if ("sizeof_jskf_queue" in fact)
		printf "- struct sizes (DWARF of the .ko): jskf_file %d, jskf_queue %d, jskf_record %d, jskf_dev %d (per attached device, not per owner); ring %d records.\n", fact["sizeof_jskf_file"], fact["sizeof_jskf_queue"], fact["sizeof_jskf_record"], fact["sizeof_jskf_dev"], mem["ring_size"] > md
	# label, its command, the label of its "share" lines
	split("joystickd floor pended-reader evdev-reader", plabel, " ")
	split("joystickd jsd-floor bench-pended bench-evdev", pcomm, " ")
	split("joystickd floor readers readers", pgroup, " ")
	if (nself["joystickd"] || nself["floor"] || nself["pended-reader"]) {
		print "\nProfile: `perf record -e cpu-clock -a -g` (bench/vm/profile.c) while joystickd, then the floor, carries 3,000 frames at 1 kHz, and during a second blast of the readers phase; each symbol'\''s share of the command'\''s own samples, callees not included, above 2 %:\n" > md
		for (k = 1; k <= 4; k++) {
			p = plabel[k]
			if (!nself[p]) continue
			printf "- %s (`%s`, %.1f %% of all samples): ", p, pcomm[k], pshare[pgroup[k], pcomm[k]] > md
			sep = ""
			for (e = 1; e <= nself[p]; e++) {
				split(pself[p, e], a, " ")
				printf "%s`%s` (%s) %s", sep, a[3], a[2], a[1] > md
				sep = ", "
			}
			print "" > md
		}
	}
	if (fails != "") printf "\nFailures in the VM run:%s\n", fails > md
	# Plot data: q, then latency in us per path and rate.
	printf "q" > cdf
	for (r = 1; r <= 2; r++) printf ",%s_%s,%s_%s,%s_%s", J, rates[r], F, rates[r], I, rates[r] > cdf
	printf "\n" > cdf
	for (k = 0; k <= 1000; k++) {
		qq = sprintf("%.3f", k / 1000)
		if (!(qq in q)) continue
		printf "%s", qq > cdf
		for (r = 1; r <= 2; r++) printf ",%s,%s,%s", us(c[J, rates[r], qq]), us(c[F, rates[r], qq]), us(c[I, rates[r], qq]) > cdf
		printf "\n" > cdf
	}
}'
cat "$results/bench.md"

# ---- the plot: one panel per rate, the three paths' distributions
if command -v gnuplot >/dev/null && [ "$(wc -l <"$results/latency-cdf.csv")" -gt 2 ]; then
	gnuplot <<EOF
set terminal pngcairo size 1400,600 font "DejaVu Sans,11"
set output "$results/latency.png"
set datafile separator ","
set multiplot layout 1,2 title "Added latency, same stream through each path (Debian 6.1 under QEMU/TCG)"
set logscale x
set xlabel "added latency (us, log scale)"
set ylabel "frames at or below (%)"
set yrange [0:100]
set grid
set key bottom right
set title "1 kHz mouse"
plot "$results/latency-cdf.csv" every ::1 using 2:(\$1*100) with lines lw 2 title "joystickd", \
     "" every ::1 using 3:(\$1*100) with lines lw 2 title "floor (EVIOCGRAB + uinput)", \
     "" every ::1 using 4:(\$1*100) with lines lw 2 title "interception | uinput"
set title "8 kHz mouse"
plot "$results/latency-cdf.csv" every ::1 using 5:(\$1*100) with lines lw 2 title "joystickd", \
     "" every ::1 using 6:(\$1*100) with lines lw 2 title "floor (EVIOCGRAB + uinput)", \
     "" every ::1 using 7:(\$1*100) with lines lw 2 title "interception | uinput"
unset multiplot
EOF
	echo "report.sh: wrote $results/bench.md, bench.csv, latency-cdf.csv, latency.png"
fi
