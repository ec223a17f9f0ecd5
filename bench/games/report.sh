#!/bin/sh
# The table of make bench-games (bench/games/README.md), from its last run:
#
#   bench/games/report.sh OUT RESULTS
#
#   OUT       the bench's directory: vm/results.log (the guest's GI and GW
#             lines, bench/games/main.c), facts-before (host load, commit,
#             date, kernel) and load-after
#   RESULTS   where games-watch.md and games-watch.csv go
#
# Prints the table (markdown) on stdout.  Every figure is computed here
# from the guest's lines: CPU per second of wall time for each daemon,
# median and range over the rounds.
set -eu

die() {
	echo "report.sh: $*" >&2
	exit 1
}

[ $# = 2 ] || die "usage: report.sh OUT RESULTS"
out=$1 results=$2
log=$out/vm/results.log
[ -r "$log" ] || die "$log missing: run make bench-games-vm first"
grep -q '^GW ' "$log" || die "$log has no GW line: the guest measured nothing"
mkdir -p "$results"
md=$results/games-watch.md
csv=$results/games-watch.csv
facts=$out/facts-before
load_before=$(sed -n 1p "$facts" 2>/dev/null || echo unknown)
commit=$(sed -n 2p "$facts" 2>/dev/null || echo unknown)
date=$(sed -n 3p "$facts" 2>/dev/null || echo unknown)
kernel=$(sed -n 4p "$facts" 2>/dev/null || echo unknown)
load_after=$(cat "$out/load-after" 2>/dev/null || echo unknown)

tr -d '\r' <"$log" | awk -v md="$md" -v csv="$csv" -v commit="$commit" -v date="$date" \
	-v kernel="$kernel" -v lb="$load_before" -v la="$load_after" '
function sort_n(a, n,    i, j, v) {
	for (i = 2; i <= n; i++) {
		v = a[i]
		for (j = i - 1; j >= 1 && a[j] > v; j--)
			a[j + 1] = a[j]
		a[j + 1] = v
	}
}
# "median (min-max)" of the n values in a[1..n], each printed with fmt;
# the median is left in last_median.
function spread(a, n, fmt,    m) {
	sort_n(a, n)
	m = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	last_median = m
	return sprintf(fmt " (" fmt "-" fmt ")", m, a[1], a[n])
}
BEGIN {
	print "mechanism,load,round,wall_s,stat_ticks,sched_ns,processes_started" > csv
}
$1 == "GI" { info[$2] = $3 }
$1 == "GW" {
	if (!($2 in seen)) {
		seen[$2] = 1
		mech[++nm] = $2
	}
	key = $2 " " $3
	i = ++n[key]
	wall = $5 / 1e9
	tick[key, i] = $6 / info["clk_tck"] / wall * 100	# % of one CPU
	sched[key, i] = $7 / 1e3 / wall			# us of CPU per s
	rate[key, i] = $8 / wall
	printf "%s,%s,%s,%.3f,%s,%s,%s\n", $2, $3, $4, wall, $6, $7, $8 > csv
}
END {
	print "# What watching processes for games costs joystickd\n" > md
	printf "Written by bench/games/report.sh from `make bench-games` at %s (commit %s): Debian'\''s %s under QEMU/TCG, %s vCPUs, host load %s before and %s after (the host is shared: CPU time, not wall time, is measured; emulation makes every system call and wake-up dearer than on hardware, so compare the rows, not the absolute figures).\n\n", date, commit, kernel, info["cpus"], lb, la > md
	printf "%d joystickd ran at once on the evdev backend, each with its own mechanism, so that every round loaded them alike: %s rounds of %s s with no process starting (idle) and of %s s while %s processes asked for %s process starts a second between them (churn: jsd-nop, an exec and an exit; the rate they reached is in the last column), with %s processes in /proc (%s of them sleepers, like a desktop'\''s). CPU is a daemon'\''s user + system time in the window over the window: from `/proc/PID/stat` (clock ticks of 1/%s s) and from its threads'\'' run time in `/proc/PID/task/*/schedstat` (ns). Median of the rounds (min-max).\n\n", nm, info["rounds"], info["window_s"], info["window_s"], info["spawners"], info["rate"], info["processes"], info["sleepers"], info["clk_tck"] > md
	print "| mechanism | load | CPU, % of one CPU (stat) | CPU, us per s (schedstat) | processes started per s |" > md
	print "|---|---|---|---|---|" > md
	for (m = 1; m <= nm; m++) {
		for (l = 1; l <= 2; l++) {
			load = l == 1 ? "idle" : "churn"
			key = mech[m] " " load
			if (!n[key])
				continue
			for (i = 1; i <= n[key]; i++) {
				a[i] = tick[key, i]
				b[i] = sched[key, i]
				c[i] = rate[key, i]
			}
			s1 = spread(a, n[key], "%.3f")
			s2 = spread(b, n[key], "%.0f")
			med[key] = last_median
			s3 = spread(c, n[key], "%.0f")
			medrate[key] = last_median
			printf "| %s | %s | %s | %s | %s |\n", mech[m], load, s1, s2, s3 > md
		}
	}
	print "\nMechanisms: **base** watches nothing (no `games` in its file: the daemon alone). **scan** is joystickd as shipped (daemon/games/watch-scan.c): every 500 ms it lists /proc from the highest pid it knows on (a seek past it: the listing costs what started, not what runs), reads the comm and command line of the new processes, looks again at the young ones whose comm changed, and lists all of /proc every GAMES_FULL_MS (daemon/games/watch.h), or at once when the kernel counts more processes than it found (pids wrap around). **scan250** is the same every 250 ms. **scanall** lists all of /proc at every scan (watch-scan.c with GAMES_FULL_MS=0). **netlink** is the kernel'\''s process connector with a BPF filter that keeps exec events and main-thread renames (bench/games/watch-netlink.c, a 4 MiB socket buffer); it needs CAP_NET_ADMIN; when its buffer overflows it looks at every process again. All share the matcher and hold a matching process by a pidfd.\n" > md
	print "What each mechanism adds to the daemon alone (base), medians of schedstat, and the cost of one process started, (churn - idle) / rate:\n" > md
	print "| mechanism | idle, us per s over base | churn, us per s over base | per process started, us | buffer overflows (netlink) |" > md
	print "|---|---|---|---|---|" > md
	for (m = 1; m <= nm; m++) {
		if (mech[m] == "base")
			continue
		ki = mech[m] " idle"
		kc = mech[m] " churn"
		per = medrate[kc] > 0 ? (med[kc] - med[ki]) / medrate[kc] : 0
		lost = ("lost_events_" mech[m]) in info ? info["lost_events_" mech[m]] : "-"
		printf "| %s | %+.0f | %+.0f | %.1f | %s |\n", mech[m], med[ki] - med["base idle"], med[kc] - med["base churn"], per, lost > md
	}
}'
cat "$md"
