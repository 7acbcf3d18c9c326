// What a conductor does at start, before it serves: nodes this conductor
// had locked when it last stopped (or died) are released, and nodes it left
// in an in-progress state move to the matching failure state with a
// last_error that says why, as Ironic does on takeover. Wait states (the
// agent may still call back) survive.
#pragma once

#include "conductor/context.h"

namespace ingot::conductor {

struct RecoveryReport {
    int released = 0;  // locks cleared
    int failed = 0;    // nodes moved to a failure state
};

RecoveryReport recover_nodes(Context& ctx);

}  // namespace ingot::conductor
