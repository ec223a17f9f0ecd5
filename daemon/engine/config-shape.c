// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The stick's shape against what games make of it (shape.h): a shape
 * Wine/Proton or SDL would take for a gamepad is refused, one that some
 * games misread loads with a warning.  Runs once the stick is derived.
 */
#include "engine/shape.h"
#include "config-int.h"

/* The first [button] whose output is @code: where to point an error. */
static const struct jsd_button_cfg *button_with_output(const struct jsd_config *cfg,
							uint16_t code)
{
	for (unsigned int i = 0; i < cfg->n_profiles; i++)
		for (unsigned int j = 0; j < cfg->profiles[i].n_buttons; j++)
			if (cfg->profiles[i].buttons[j].output == code)
				return &cfg->profiles[i].buttons[j];
	return NULL;
}

void check_stick_shape(struct parser *p)
{
	const struct jsd_stick_cfg *stick = &p->cfg->stick;
	struct shape_finding found[SHAPE_MAX_FINDINGS];
	uint16_t axes[ABS_CNT];
	struct shape shape = {
		.axes = axes, .n_axes = stick->n_axes,
		.buttons = stick->buttons, .n_buttons = stick->n_buttons,
	};
	unsigned int n;

	for (unsigned int i = 0; i < stick->n_axes; i++)
		axes[i] = stick->axes[i].code;
	n = shape_check(&shape, found);
	for (unsigned int i = 0; i < n && !p->failed; i++) {
		const struct shape_finding *f = &found[i];
		const struct jsd_button_cfg *b = f->button ?
			button_with_output(p->cfg, f->button) : NULL;

		if (f->level == SHAPE_WARN)
			parser_warning(p, 0, "%s; %s", f->message, f->fix);
		else if (b)
			parser_error(p, b->line, "[button %s]: %s; %s", b->name, f->message, f->fix);
		else
			parser_error(p, 0, "%s; %s", f->message, f->fix);
	}
}
