// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel device list matched to [mouse] sections; see devmap.h. */
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>

#include "devmap.h"
#include "backend.h"

int devmap_build(struct backend *b, const struct jsd_config *cfg, struct devmap *ret)
{
	struct devmap dm = { 0 };
	size_t i;
	int r;

	r = backend_list(b, &dm.devs, &dm.n, &dm.gen);
	if (r < 0)
		return r;
	dm.mouse = calloc(dm.n ? dm.n : 1, sizeof(*dm.mouse));
	if (!dm.mouse) {
		free(dm.devs);
		return -ENOMEM;
	}
	for (i = 0; i < dm.n; i++) {
		const struct jskf_device *d = &dm.devs[i];

		dm.mouse[i] = (d->flags & JSKF_DEVF_POINTER) ?
			jsd_config_match_mouse(cfg, d->name, d->vendor, d->product, d->phys) : -1;
	}
	*ret = dm;
	return 0;
}

void devmap_done(struct devmap *dm)
{
	free(dm->devs);
	free(dm->mouse);
	*dm = (struct devmap){ 0 };
}

ssize_t devmap_find(const struct devmap *dm, uint32_t id)
{
	size_t lo = 0, hi = dm->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dm->devs[mid].id == id)
			return mid;
		if (dm->devs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int devmap_mouse_of(const struct devmap *dm, uint32_t id)
{
	ssize_t i = devmap_find(dm, id);

	return i < 0 ? -1 : dm->mouse[i];
}

bool devmap_wanted(const struct devmap *dm, const struct jsd_config *cfg, size_t i)
{
	const struct jskf_device *d = &dm->devs[i];

	if (!(d->flags & JSKF_DEVF_POINTER))
		return false;
	/* Another remapper's device could feed our passthrough back to us: named only. */
	if (cfg->capture.all_mice)
		return !(d->flags & BACKEND_DEVF_REMAPPER);
	return jsd_config_captures(cfg, dm->mouse[i]);
}

size_t devmap_capture_ids(const struct devmap *dm, const struct jsd_config *cfg,
			  uint32_t *ids, size_t max, size_t *ret_left_out)
{
	size_t i, n = 0, left_out = 0;

	for (i = 0; i < dm->n; i++) {
		if (!devmap_wanted(dm, cfg, i))
			continue;
		if (n < max)
			ids[n++] = dm->devs[i].id;
		else
			left_out++;
	}
	*ret_left_out = left_out;
	return n;
}
