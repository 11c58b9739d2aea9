/* The one place a driver is chosen (git's transport_get). */
#include "config.h"

#include "driver/driver.h"

const struct driver_ops *driver_for(enum driver_kind k)
{
	switch (k) {
	case DRIVER_PATH:
		return &driver_path;
	case DRIVER_LOCAL:
		return &driver_local;
	case DRIVER_IDSESSION:
	default:
		return &driver_idsession;
	}
}
