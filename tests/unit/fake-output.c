// SPDX-License-Identifier: GPL-2.0-or-later
/* The text-log engine output of the unit tests; see fake-output.h. */
#include <stdarg.h>
#include <stdio.h>

#include "engine/codes.h"
#include "fake-output.h"

void fake_printf(struct fake *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(f->log + f->len, sizeof(f->log) - f->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(f->log) - f->len)
		f->overflow = true;
	else
		f->len += (size_t)n;
}

void fake_clear(struct fake *f)
{
	f->len = 0;
	f->log[0] = '\0';
	f->overflow = false;
}

static void fake_axis(void *ctx, uint16_t code, int32_t value)
{
	fake_printf(ctx, "%s %d\n", codes_name(EV_ABS, code), value);
}

static void fake_button(void *ctx, uint16_t code, int32_t value)
{
	fake_printf(ctx, "%s %d\n", codes_name(EV_KEY, code), value);
}

static void fake_sync(void *ctx)
{
	fake_printf(ctx, "SYN\n");
}

static void fake_request(void *ctx, const struct engine_request *req)
{
	struct fake *f = ctx;

	switch (req->kind) {
	case ENGINE_REQ_TOGGLE_CAPTURE:
		fake_printf(f, "request capture\n");
		break;
	case ENGINE_REQ_PROFILE:
		fake_printf(f, "request profile %s\n", f->cfg->profiles[req->profile].name);
		break;
	case ENGINE_REQ_LOOK_START:
		fake_printf(f, "request look on\n");
		break;
	case ENGINE_REQ_LOOK_END:
		fake_printf(f, "request look off\n");
		break;
	}
}

const struct engine_output fake_output = {
	.axis = fake_axis,
	.button = fake_button,
	.sync = fake_sync,
	.request = fake_request,
};
