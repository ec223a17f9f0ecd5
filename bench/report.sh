#!/bin/sh
# The benchmark's table and plot (bench/README.md), from the last runs:
#
#   bench/report.sh OUT RESULTS KO [README]
#
#   OUT       the bench's work directory: vm/results.log (the guest's lines,
#             bench/vm/bvm.h), ipe.txt and callgrind.out (make bench-ipe)
#   RESULTS   where bench.md, bench.csv, bench-evdev.csv, latency-cdf.csv
#             and latency.png go
#   KO        joystickd_kfilter.ko with debug info: struct sizes (gdb)
#   README    a file whose block between the lines "<!-- bench:begin" and
#             "<!-- bench:end -->" is rewritten with the headline figures
#             (README.md): no figure in it is ever typed by hand
#
# Prints the table (markdown) on stdout.  Every figure is computed here
# from the guest's lines; a figure the run could not measure says so.
set -eu

die() {
	echo "report.sh: $*" >&2
	exit 1
}

[ $# = 3 ] || [ $# = 4 ] || die "usage: report.sh OUT RESULTS KO [README]"
out=$1 results=$2 ko=$3 readme=${4:-}
log=$out/vm/results.log
[ -r "$log" ] || die "$log missing: run make bench-vm first"
mkdir -p "$results"

# ---- facts from the host: engine instructions, kernel struct sizes, load
facts=$(mktemp)
blurb=""
[ -z "$readme" ] || blurb=$(mktemp)
trap 'rm -f "$facts" ${blurb:+"$blurb"}' EXIT
if [ -r "$out/callgrind.out" ] && [ -r "$out/ipe.txt" ]; then
	ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out/callgrind.out" | head -n 1)
	# jsd-engine-ipe prints "frames N records N stick_frames N config PATH"
	echo "X ipe_ir $ir" >>"$facts"
	awk '$1 == "frames" { print "X ipe_frames", $2; print "X ipe_writes", $6; print "X ipe_config", $8 }' "$out/ipe.txt" >>"$facts"
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
	-v ecsv="$results/bench-evdev.csv" \
	-v cdf="$results/latency-cdf.csv" -v blurb="$blurb" '
function us(ns) { return sprintf("%.1f", ns / 1000) }
function isnum(x) { return x ~ /^-?[0-9]+(\.[0-9]+)?$/ }
function ratio(a, b) { return (isnum(a) && isnum(b) && b > 0) ? sprintf("%.2f", a / b) : "-" }
function out(name, unit, j, f, i, rf, ri, target, met) {
	printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", name, unit, j, f, i, rf, ri, target, met > md
	printf "\"%s\",%s,%s,%s,%s,\"%s\",\"%s\",\"%s\",\"%s\"\n", name, unit, j, f, i, rf, ri, target, met > csv
}
# A row of the evdev backend table: evdev, kernel filter, floor, the two ratios.
function eout(name, unit, e, j, f, rj, rf) {
	printf "| %s | %s | %s | %s | %s | %s | %s |\n", name, unit, e, j, f, rj, rf > md
	printf "\"%s\",%s,%s,%s,%s,\"%s\",\"%s\"\n", name, unit, e, j, f, rj, rf > ecsv
}
# A row whose ratio columns are the ratio of the values shown.
function row(name, unit, j, f, i, target, met) {
	out(name, unit, j, f, i, (f == "-" || f == "") ? "-" : ratio(j, f),
	    (i == "-" || i == "") ? "-" : ratio(j, i), target, met)
}
function yn(c) { return c ? "yes" : "NO" }
# Why the throughput phase stopped raising the rate (TPUTEND).
function tput_why() {
	if (tend == "loss") return "loss"
	if (tend == "generator") return "the generator'\''s limit (it fell behind its schedule with nothing lost)"
	if (tend == "loss+generator") return "loss, with the generator also behind its schedule"
	if (tend == "cap") return "the bench'\''s top rate"
	return "unknown"
}
# Sorts a[1..n] in place, ascending (insertion sort: n is a few dozen).
function asort_n(a, n,    i, j, v) {
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
}
# The ratios joystickd / path P of figure v[] round by round at rate R:
# "median (min-max)", with the median, min, max and count in s_med,
# s_min, s_max, s_n; "-" when no round has both.
function spread(v, P, R) { return spread_of(v, J, P, R) }
# The same for path A / path P.
function spread_of(v, A, P, R,    k, n, rr) {
	n = 0
	for (k = 0; k < nround[R]; k++)
		if (((A, R, k) in v) && ((P, R, k) in v) && v[P, R, k] > 0)
			rr[++n] = v[A, R, k] / v[P, R, k]
	s_n = n
	if (!n) return "-"
	asort_n(rr, n)
	s_med = (n % 2 ? rr[(n + 1) / 2] : (rr[n / 2] + rr[n / 2 + 1]) / 2)
	s_min = rr[1]; s_max = rr[n]
	return sprintf("%.2f (%.2f-%.2f)", s_med, s_min, s_max)
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
$1 == "LAT" { n[$2, $3] = $4; p50[$2, $3] = $5; p90[$2, $3] = $6; p99[$2, $3] = $7; mx[$2, $3] = $8
	merged[$2, $3] = $9; lost[$2, $3] = $10; damaged[$2, $3] = $11; untimed[$2, $3] = $12 + 0; next }
$1 == "CDF" { q[$4] = 1; c[$2, $3, $4] = $5; next }
$1 == "CPU" { fr[$2, $3] = $4; cpu[$2, $3] = $5; usr[$2, $3] = $10; sys[$2, $3] = $11; vcs[$2, $3] = $12; ivcs[$2, $3] = $13; next }
$1 == "ROUND" {
	k = $4; rcpuf[$2, $3, k] = $6 / $5
	if ($7 > 0) { r50[$2, $3, k] = $8; r90[$2, $3, k] = $9; r99[$2, $3, k] = $10; rmx[$2, $3, k] = $11 }
	if (k + 1 > nround[$3]) nround[$3] = k + 1
	measured[$2, $3] += $7 + $13 + $14
	next
}
$1 == "SYSC" { sysc[$2, $3] = ($5 == "-" ? "not measured" : sprintf("%.2f", $5 / $4)); next }
$1 == "SYSCN" { syscn[$2, $3, $5] = $6 / $4; if (!($5 in syscall_seen)) { syscall_seen[$5] = 1; syscall_order[++nsyscall] = $5 }; next }
$1 == "TPUT" {
	ntput++
	if ($11 == 1 && $4 > best) { best = $4; best_rate = $2; best_gen = ($10 == 0) }
	if ($11 != 1 && !first_loss) first_loss = sprintf("%s Hz/mouse: module delivered %s of %d records, coalesced %s, dropped %s; the bench reader of the stick got %s frames, %s of them written by joystickd with write() (the rest went out in its pended reads)", $2, $5, 3 * $3, $6, $7, $12, $8)
	if ($10 == 0 && !gen_behind) gen_behind = sprintf("%s Hz/mouse: the generator wrote %s frames/s of %d", $2, $4, $2 * 8)
	if ($13 > 0) reader_drops = reader_drops sprintf(" %s Hz: %s;", $2, $13)
	next
}
$1 == "TPUTEND" { tend_rate = $2; tend = $3; next }
$1 == "READ" { rev[$2] = $3; rwall[$2] = $4; rcpu[$2] = $5; rcalls[$2] = $6; rlost[$2] = $7; next }
$1 == "MEM" { mem[$2] = $3; next }
$1 == "RCALL" { rcall[$2] = $3; next }
$1 == "STATUS" && $3 == "batches:" { batches[$2] = $4; next }
$1 == "FAIL" { fails = fails "\n- " substr($0, 6); next }
$1 == "PERF" && $3 == "share" { pshare[$2, $NF] = $4 + 0; next }
$1 == "PERF" && $3 == "self" { nself[$2]++; pself[$2, nself[$2]] = sprintf("%s %s %s", $4, $5, $NF); next }
END {
	J = "joystickd"; F = "floor"; I = "interception"; E = "joystickd-evdev"
	print "# joystickd benchmark\n" > md
	printf "Report written %s; host load average (1, 5, 15 min) %s before the VM booted, %s at the end (the bench'\''s own VM adds about 2); guest: Debian 6.1 kernel under QEMU/TCG, 2 vCPUs.\n", fact["date"], ("load_before" in fact ? fact["load_before"] : "unknown"), fact["load"] > md
	print "Microseconds are TCG microseconds: compare the columns, not the absolute values (bench/README.md).\n" > md
	print "Latency: every input frame a path delivers is timed to the first output frame that carries its effect (joystickd merges the frames of a read batch into one stick frame: those frames are timed to it, and counted as merged). The path columns are figures over all rounds together; the ratio columns of the latency and CPU rows are the **median of the per-round ratios (min-max over the rounds)**, the paths having run the same stream within a second of each other in each round. The latency and CPU targets are judged on that median: a single round under emulation swings from 0.1x to 20x with host stalls, which no program can hold in every round; the range beside it shows the spread.\n" > md
	print "| figure | unit | joystickd | floor | interception | joystickd / floor | joystickd / interception | target | met |" > md
	print "|---|---|---|---|---|---|---|---|---|" > md
	print "figure,unit,joystickd,floor,interception,joystickd_vs_floor,joystickd_vs_interception,target,met" > csv
	split("1000 8000", rates, " ")
	for (r = 1; r <= 2; r++) {
		R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
		if (!((J, R) in p50)) continue
		out("added latency p50, " tag, "us", us(p50[J, R]), us(p50[F, R]), us(p50[I, R]), spread(r50, F, R), spread(r50, I, R), "", "")
		out("added latency p90, " tag, "us", us(p90[J, R]), us(p90[F, R]), us(p90[I, R]), spread(r90, F, R), spread(r90, I, R), "", "")
		sf = spread(r99, F, R); mf = s_med; nf = s_n
		si = spread(r99, I, R); mi = s_med; ni = s_n
		out("added latency p99, " tag, "us", us(p99[J, R]), us(p99[F, R]), us(p99[I, R]), sf, si,
		    "<= 1.2x floor, <= 0.5x interception (median of paired rounds)",
		    yn(nf && mf <= 1.2) ", " yn(ni && mi <= 0.5))
		out("added latency max, " tag, "us", us(mx[J, R]), us(mx[F, R]), us(mx[I, R]), spread(rmx, F, R), spread(rmx, I, R), "", "")
		# Counts: their ratios would say nothing.
		out("input frames measured, " tag, "frames", measured[J, R], measured[F, R], measured[I, R], "-", "-", "", "")
		out("... timed (each has a latency sample above), " tag, "frames", n[J, R], n[F, R], n[I, R], "-", "-", "", "")
		out("... of them merged into a later frame'\''s output frame, " tag, "frames", merged[J, R], merged[F, R], merged[I, R], "-", "-", "", "")
		out("... lost (no output frame carries them), " tag, "frames", lost[J, R], lost[F, R], lost[I, R], "-", "-", "", "")
		out("output frames damaged (no input frame gives them), " tag, "frames", damaged[J, R], damaged[F, R], damaged[I, R], "-", "-", "", "")
	}
	for (r = 1; r <= 2; r++) {
		R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
		if (!((J, R) in cpu)) continue
		# 3 events a frame (REL_X, REL_Y, SYN_REPORT); ns per event = ms per million events
		for (k = 1; k <= 3; k++) { p = (k == 1 ? J : k == 2 ? F : I); pe[p] = sprintf("%.1f", cpu[p, R] / (3 * fr[p, R])) }
		sf = spread(rcpuf, F, R); mf = s_med; nf = s_n
		si = spread(rcpuf, I, R)
		agg[R] = ratio(pe[J], pe[F])
		out("CPU per million events, " tag, "ms", pe[J], pe[F], pe[I], sf, si,
		    "<= floor (median of paired rounds)", yn(nf && mf <= 1))
		if ((J, R) in sysc)
			row("system calls per frame, every one (perf stat), " tag, "calls", sysc[J, R], sysc[F, R], sysc[I, R],
			    "<= floor", yn(sysc[J, R] ~ /^[0-9.]+$/ && sysc[F, R] ~ /^[0-9.]+$/ && sysc[J, R] + 0 <= sysc[F, R] + 0))
		if (usr[J, R] + sys[J, R] > 0) {
			for (k = 1; k <= 3; k++) { p = (k == 1 ? J : k == 2 ? F : I); us_[p] = (usr[p, R] + sys[p, R] > 0 ? sprintf("%.1f", 100 * usr[p, R] / (usr[p, R] + sys[p, R])) : "-") }
			row("user-space share of that CPU, " tag, "%", us_[J], us_[F], us_[I], "", "")
		}
		if (vcs[J, R] + ivcs[J, R] > 0) {
			for (k = 1; k <= 3; k++) { p = (k == 1 ? J : k == 2 ? F : I); cs[p] = sprintf("%.2f", vcs[p, R] / fr[p, R]); ics[p] = sprintf("%.2f", ivcs[p, R] / fr[p, R]) }
			row("voluntary context switches per frame, " tag, "switches", cs[J], cs[F], cs[I], "", "")
			row("involuntary context switches per frame, " tag, "switches", ics[J], ics[F], ics[I], "", "")
		}
	}
	if ("latency-1000" in batches && "joystickd" SUBSEP 1000 in fr) {
		b1 = batches["latency-1000"]; b8 = batches["latency-8000"] - b1
		row("joystickd pended reads (read batches) per frame, 1 kHz", "calls", sprintf("%.2f", b1 / fr[J, 1000]), "-", "-", "", "")
		row("joystickd pended reads (read batches) per frame, 8 kHz", "calls", sprintf("%.2f", b8 / fr[J, 8000]), "-", "-", "", "")
	}
	if ("joystickd_vmhwm_kib" in mem)
		row("peak RSS (VmHWM)", "KiB", mem["joystickd_vmhwm_kib"], mem["floor_vmhwm_kib"],
		    mem["interception_vmhwm_kib"], "joystickd <= 4096", yn(mem["joystickd_vmhwm_kib"] <= 4096))
	if (ntput) {
		row("8 mice through joystickd, highest zero-loss rate", "frames/s", sprintf("%d", best), "-", "-",
		    ">= 64000 (8 x 8 kHz)", yn(best >= 64000 * 0.97))
		why = (tend == "loss" ? "loss" : tend == "generator" ? "generator limit" : tend == "loss+generator" ? "loss; generator behind too" : tend == "cap" ? "top rate" : "unknown")
		row("... rate per mouse where the rise stopped (what stopped it)", "frames/s", (tend_rate != "" ? tend_rate " (" why ")" : "-"), "-", "-", "", "")
	}
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
	if ("ipe_ir" in fact && fact["ipe_frames"] > 0) {
		ipe = fact["ipe_ir"] / fact["ipe_frames"]
		row("engine + stick output instructions per input frame (shipped joystickd.ini, callgrind)", "instr", sprintf("%.0f", ipe), "-", "-",
		    "<= 4500 (1500 per event)", yn(ipe <= 4500))
		for (k in fact) if (k ~ /^ipefn/) { split(fact[k], a, " "); fnl[substr(k, 6) + 0] = sprintf("`%s` %.0f", a[2], a[1] / fact["ipe_frames"]) }
	}
	if ("sizeof_jskf_queue" in fact && "ring_size" in mem) {
		ring = mem["ring_size"] * fact["sizeof_jskf_record"]
		req = fact["sizeof_jskf_file"] + fact["sizeof_jskf_queue"] + ring
		got = kalloc(fact["sizeof_jskf_file"]) + kalloc(fact["sizeof_jskf_queue"]) + kalloc(ring)
		row("kernel memory per capture owner (file + queue + ring)", "bytes", req, "-", "-", "", "")
		row("... as allocated (kmalloc rounding)", "bytes", got, "-", "-", "", "")
	}
	print "" > md
	print "Notes:\n" > md
	for (r = 1; r <= 2; r++) if (rates[r] in cal)
		printf "- Input time = the bench'\''s clock before write() + %.1f us at %s Hz (median write-to-input-stamp offset, p10 %.1f, p90 %.1f us).\n", cal[rates[r]] / 1000, rates[r], cal10[rates[r]] / 1000, cal90[rates[r]] / 1000 > md
	for (r = 1; r <= 2; r++) if ((J, rates[r]) in n)
		printf "- %s Hz: %d rounds; CPU per event joystickd / floor over all rounds together %s (the target is judged on the median of paired rounds).\n", rates[r], nround[rates[r]], agg[rates[r]] > md
	print "- Merged: joystickd writes the latest state of each read batch as one stick frame with one write(); the older frames of the batch are carried by that frame, timed to it and counted as merged. The floor and interception copy every frame; a frame they skip was dropped by an evdev buffer (lost), and after a SYN_DROPPED the rest of the cut frame is left out, as evdev'\''s protocol says." > md
	print "- System calls per frame: every system call the path'\''s processes (all threads) entered while carrying 2000 frames, counted by `perf stat -e raw_syscalls:sys_enter` after the latency phase; \"not measured\" when the guest had no working perf." > md
	if (ntput) {
		printf "- Throughput: best zero-loss step %s Hz per mouse%s; the rate rose by half again each step until %s (a step is lossless when the module delivered every record, nothing coalesced or dropped, and every axis ended at its mouse'\''s position).\n", best_rate, best_gen ? " (generator behind schedule: a lower bound)" : "", tput_why() > md
		if (first_loss) printf "- First step with loss: %s.\n", first_loss > md
		if (gen_behind) printf "- Generator limit: %s.\n", gen_behind > md
		if (reader_drops != "") printf "- The bench'\''s own reader of the stick overflowed (SYN_DROPPED, not counted as joystickd'\''s loss):%s\n", reader_drops > md
	}
	if ("pended" in rev)
		printf "- Readers: pended read %d events (%d lost, %d calls), evdev read() %d events (%d SYN_DROPPED, %d calls).\n", rev["pended"], rlost["pended"], rcalls["pended"], rev["evdev"], rlost["evdev"], rcalls["evdev"] > md
	if ("ipe_frames" in fact)
		printf "- Engine + stick output instructions: `valgrind --tool=callgrind --toggle-collect=manager_take_batch` on bench/engine-ipe.c: %s frames of the stream (8 kHz timestamps) under %s, each a batch of its 3 records handed to the daemon'\''s own `manager_take_batch()`: bookkeeping under the lock, `engine_feed()`, the daemon'\''s output adapter (`manager_engine_output`) and the real stick code (daemon/stick.c) down to the frame the next pended read sends (%s of them; no uinput device is made). Not counted: the pended read in the kernel, the sending of the frame in it.\n", fact["ipe_frames"], fact["ipe_config"], fact["ipe_writes"] > md
	if (length(fnl)) {
		printf "- Instructions per input frame by function (self, callgrind):" > md
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
	# joystickd with its evdev backend, beside the kernel filter and the floor.
	if ((E, 1000) in p50 || (E, 8000) in p50) {
		print "\n## evdev backend beside the kernel filter\n" > md
		print "A second joystickd, `capture_backend = evdev` (bench/bench-evdev.ini), on a mouse of its own with the same hold-model axes as joystickd'\''s mouse 0, ran in the same rounds as the paths above (round-robin, same stream). It reads its mouse through evdev and grabs it (EVIOCGRAB). The path columns are figures over all rounds together; the ratio columns are the **median of the per-round ratios (min-max over the rounds)**, over the rounds in which both paths timed frames.\n" > md
		print "| figure | unit | joystickd, evdev backend | joystickd, kernel filter | floor | evdev / kernel filter | evdev / floor |" > md
		print "|---|---|---|---|---|---|---|" > md
		print "figure,unit,joystickd_evdev,joystickd_kfilter,floor,evdev_vs_kfilter,evdev_vs_floor" > ecsv
		for (r = 1; r <= 2; r++) {
			R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
			if (!((E, R) in p50)) continue
			eout("added latency p50, " tag, "us", us(p50[E, R]), us(p50[J, R]), us(p50[F, R]), spread_of(r50, E, J, R), spread_of(r50, E, F, R))
			eout("added latency p90, " tag, "us", us(p90[E, R]), us(p90[J, R]), us(p90[F, R]), spread_of(r90, E, J, R), spread_of(r90, E, F, R))
			ej = spread_of(r99, E, J, R); ev_n[R] = s_n
			eout("added latency p99, " tag, "us", us(p99[E, R]), us(p99[J, R]), us(p99[F, R]), ej, spread_of(r99, E, F, R))
			eout("added latency max, " tag, "us", us(mx[E, R]), us(mx[J, R]), us(mx[F, R]), spread_of(rmx, E, J, R), spread_of(rmx, E, F, R))
			eout("input frames measured, " tag, "frames", measured[E, R], measured[J, R], measured[F, R], "-", "-")
			eout("... timed (each has a latency sample above), " tag, "frames", n[E, R], n[J, R], n[F, R], "-", "-")
			eout("... of them merged into a later frame'\''s output frame, " tag, "frames", merged[E, R], merged[J, R], merged[F, R], "-", "-")
			eout("... lost (no output frame carries them), " tag, "frames", lost[E, R], lost[J, R], lost[F, R], "-", "-")
			eout("... untimed (the rest of a chunk that lost motion), " tag, "frames", untimed[E, R], untimed[J, R], untimed[F, R], "-", "-")
			eout("output frames damaged (no input frame gives them), " tag, "frames", damaged[E, R], damaged[J, R], damaged[F, R], "-", "-")
		}
		for (r = 1; r <= 2; r++) {
			R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
			if (!((E, R) in cpu) || !fr[E, R] || !fr[J, R] || !fr[F, R]) continue
			eout("CPU per million events, " tag, "ms", sprintf("%.1f", cpu[E, R] / (3 * fr[E, R])),
			     sprintf("%.1f", cpu[J, R] / (3 * fr[J, R])), sprintf("%.1f", cpu[F, R] / (3 * fr[F, R])),
			     spread_of(rcpuf, E, J, R), spread_of(rcpuf, E, F, R))
			if ((E, R) in sysc)
				eout("system calls per frame, every one (perf stat), " tag, "calls", sysc[E, R], sysc[J, R], sysc[F, R],
				     ratio(sysc[E, R], sysc[J, R]), ratio(sysc[E, R], sysc[F, R]))
		}
		if ("joystickd-evdev_vmhwm_kib" in mem)
			eout("peak RSS (VmHWM)", "KiB", mem["joystickd-evdev_vmhwm_kib"], mem["joystickd_vmhwm_kib"], mem["floor_vmhwm_kib"],
			     ratio(mem["joystickd-evdev_vmhwm_kib"], mem["joystickd_vmhwm_kib"]), ratio(mem["joystickd-evdev_vmhwm_kib"], mem["floor_vmhwm_kib"]))
		print "\nNotes:\n" > md
		print "- The evdev backend reads its mouse as any evdev client does: when evdev'\''s buffer overflows (SYN_DROPPED) the motion of the gap is lost and the hold axes stay off by the lost counts, so its output frames no longer name input frames. The bench counts the REL events the backend saw around each of its chunks (`joystickctl status`, \"kernel seen\"): a chunk that saw fewer than two a frame lost motion; its missing frames count as lost, the rest of its measured frames as untimed (no latency sample, no damage check), and the axes are put back on the stream before the next chunk. Lost motion is reported, never a failure; a damaged output frame in a chunk without loss fails the run." > md
		print "- A chunk loses motion when the backend falls more than evdev'\''s buffer (about 21 frames) behind, that is in the rounds of the longest stalls: the evdev column'\''s latency figures over all rounds leave those chunks out (a bias in its favour), while the paired ratios leave those rounds out for both paths alike. Read the lost and untimed rows with them." > md
		print "- The CPU is that of the evdev joystickd'\''s threads while it carries its own chunk; its reader thread also wakes for every other pointer it watches but does not capture (the floor'\''s and interception'\''s output devices, during their chunks), which no figure here counts." > md
		print "- Peak RSS: the evdev joystickd'\''s is read after the latency phase, the kernel filter'\''s after the throughput phase as well (eight mice), so theirs is the larger workload." > md
	}
	# What each system call per frame is: one row a call, one column a path and rate.
	if (nsyscall) {
		print "\n## System calls per frame, by call\n" > md
		print "The same perf run as the \"system calls per frame\" rows: every call a path'\''s processes entered while carrying 2000 frames, divided by 2000, counted one by one (a `syscalls:sys_enter_NAME` tracepoint each, bench/vm/syscalls.c); \"other\" is the rest of the total, calls not in that list. bench/README.md says what each is for.\n" > md
		split(J " " E " " F " " I, spath, " ")
		printf "| call |" > md
		for (r = 1; r <= 2; r++) for (k = 1; k <= 4; k++) printf " %s, %s |", spath[k], (rates[r] == 1000 ? "1 kHz" : "8 kHz") > md
		printf "\n|---|" > md
		for (k = 1; k <= 8; k++) printf "---|" > md
		print "" > md
		for (sc = 1; sc <= nsyscall; sc++) {
			printf "| %s |", syscall_order[sc] > md
			for (r = 1; r <= 2; r++) for (k = 1; k <= 4; k++)
				printf " %s |", ((spath[k], rates[r], syscall_order[sc]) in syscn ? sprintf("%.2f", syscn[spath[k], rates[r], syscall_order[sc]]) : "-") > md
			print "" > md
		}
		printf "| **all** |" > md
		for (r = 1; r <= 2; r++) for (k = 1; k <= 4; k++) printf " %s |", ((spath[k], rates[r]) in sysc ? sysc[spath[k], rates[r]] : "-") > md
		print "" > md
	}
	if (fails != "") printf "\nFailures in the VM run:%s\n", fails > md
	# The README block: headline figures, from the same numbers.
	if (blurb != "") {
		printf "<!-- bench:begin: written by bench/report.sh from bench/results/, do not edit -->\n" > blurb
		printf "*The latest `make bench` (%s, [table](bench/results/bench.md)), under emulation:", fact["date"] > blurb
		for (r = 1; r <= 2; r++) {
			R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
			if (!((J, R) in p50)) continue
			sf = spread(r99, F, R)
			printf " at %s, joystickd'\''s p99 added latency (every input frame timed, merged ones included) is %.2fx the floor'\''s, median of %d paired rounds (%.2f to %.2f over the rounds),", tag, s_med, s_n, s_min, s_max > blurb
			sf = spread(rcpuf, F, R)
			printf " and its CPU per event %.2fx (%.2f to %.2f);", s_med, s_min, s_max > blurb
		}
		if (ntput)
			printf " eight mice carried %d frames/s with zero loss; the rise stopped at %s frames/s per mouse by %s", best, tend_rate, tput_why() > blurb
		printf ".*" > blurb
		sep = ""
		for (r = 1; r <= 2; r++) {
			R = rates[r]; tag = (R == 1000 ? "1 kHz" : "8 kHz")
			if (!((E, R) in p50)) continue
			ej = spread_of(r99, E, J, R)
			if (ej == "-") continue
			if (sep == "") printf " *Without the module, the [evdev backend](bench/results/bench.md#evdev-backend-beside-the-kernel-filter)'\''s p99 added latency is" > blurb
			printf "%s %.2fx%s at %s (median of %d paired rounds, %.2f to %.2f)", sep, s_med, (sep == "" ? " the kernel filter'\''s" : ""), tag, s_n, s_min, s_max > blurb
			sep = " and"
		}
		if (sep != "") printf ".*" > blurb
		printf "\n<!-- bench:end -->\n" > blurb
	}
	# Plot data: q, then latency in us per path and rate.
	printf "q" > cdf
	for (r = 1; r <= 2; r++) printf ",%s_%s,%s_%s,%s_%s,%s_%s", J, rates[r], F, rates[r], I, rates[r], E, rates[r] > cdf
	printf "\n" > cdf
	for (k = 0; k <= 1000; k++) {
		qq = sprintf("%.3f", k / 1000)
		if (!(qq in q)) continue
		printf "%s", qq > cdf
		for (r = 1; r <= 2; r++) printf ",%s,%s,%s,%s", us(c[J, rates[r], qq]), us(c[F, rates[r], qq]), us(c[I, rates[r], qq]), ((E, rates[r], qq) in c ? us(c[E, rates[r], qq]) : "") > cdf
		printf "\n" > cdf
	}
}'
cat "$results/bench.md"

# ---- the README's block, between its markers, from the same figures
if [ -n "$readme" ]; then
	if grep -q '^<!-- bench:begin' "$readme" && grep -q '^<!-- bench:end -->' "$readme"; then
		awk -v blurb="$blurb" '
			/^<!-- bench:begin/ { while ((getline l < blurb) > 0) print l; skip = 1; next }
			/^<!-- bench:end -->/ { skip = 0; next }
			!skip' "$readme" >"$readme.tmp" && mv "$readme.tmp" "$readme"
		echo "report.sh: rewrote the bench block of $readme"
	else
		echo "report.sh: $readme has no <!-- bench:begin --> ... <!-- bench:end --> block: not changed" >&2
	fi
fi

# ---- the plot: one panel per rate, the four paths' distributions
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
plot "$results/latency-cdf.csv" every ::1 using 2:(\$1*100) with lines lw 2 title "joystickd (kernel filter)", \
     "" every ::1 using 3:(\$1*100) with lines lw 2 title "floor (EVIOCGRAB + uinput)", \
     "" every ::1 using 4:(\$1*100) with lines lw 2 title "interception | uinput", \
     "" every ::1 using 5:(\$1*100) with lines lw 2 title "joystickd (evdev backend)"
set title "8 kHz mouse"
plot "$results/latency-cdf.csv" every ::1 using 6:(\$1*100) with lines lw 2 title "joystickd (kernel filter)", \
     "" every ::1 using 7:(\$1*100) with lines lw 2 title "floor (EVIOCGRAB + uinput)", \
     "" every ::1 using 8:(\$1*100) with lines lw 2 title "interception | uinput", \
     "" every ::1 using 9:(\$1*100) with lines lw 2 title "joystickd (evdev backend)"
unset multiplot
EOF
	echo "report.sh: wrote $results/bench.md, bench.csv, bench-evdev.csv, latency-cdf.csv, latency.png"
fi
