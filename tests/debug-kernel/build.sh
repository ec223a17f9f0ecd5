#!/bin/sh
# Build (or reuse) the debug kernel for the module VM suite.
#
#   tests/debug-kernel/build.sh      prints the directory holding bzImage and
#                                    the prepared tree (for building modules)
#
# The kernel is cached outside the clone, keyed by the source package version
# and this folder's config fragment, so a second run costs nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache_root=${JSKF_DEBUG_KERNEL_CACHE:-/var/cache/joystickd/debug-kernel}
src_tar=/usr/src/linux-source-6.1.tar.xz
[ -r "$src_tar" ] || { echo "build.sh: $src_tar missing (tools/deps.sh debugk)" >&2; exit 1; }

src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$(printf '%s\n' "$src_ver" | cat - "$here/config.fragment" | sha256sum | cut -c1-16)
dir=$cache_root/$key
if [ -e "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

# Built in place; only a finished build has .complete.
rm -rf "$dir"
mkdir -p "$dir"
log=$dir/build.log
echo "build.sh: building debug kernel $src_ver ($key), log in $log" >&2
tar -xf "$src_tar" -C "$dir"
tree=$dir/linux-source-6.1
jobs=$(nproc)
{
	make -C "$tree" tinyconfig
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "$here/config.fragment"
	make -C "$tree" olddefconfig
} >"$log" 2>&1

# Every line of the fragment must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=n) continue ;; CONFIG_*) ;; *) continue ;; esac
	if ! grep -qx "$line" "$tree/.config"; then
		echo "build.sh: $line did not stick (missing dependency)" >&2
		missing=1
	fi
done <"$here/config.fragment"
[ "$missing" = 0 ] || exit 1

make -C "$tree" -j"$jobs" bzImage >>"$log" 2>&1
make -C "$tree" -j"$jobs" modules_prepare >>"$log" 2>&1
# Module.symvers for out-of-tree builds (no in-tree modules are enabled).
[ -e "$tree/Module.symvers" ] || make -C "$tree" -j"$jobs" modules >>"$log" 2>&1
cp "$tree/arch/x86/boot/bzImage" "$dir/bzImage"
touch "$dir/.complete"
# Older configurations' kernels (1.5 GiB each) are of no further use.
for old in "$cache_root"/*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
echo "$dir"
