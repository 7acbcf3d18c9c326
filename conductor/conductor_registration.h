// This conductor's row in the conductors table: written at start (online,
// with its hardware types), marked offline at a clean stop.
#pragma once

#include "conductor/context.h"

namespace ingot::conductor {

void register_conductor(Context& ctx);
void unregister_conductor(Context& ctx);

}  // namespace ingot::conductor
