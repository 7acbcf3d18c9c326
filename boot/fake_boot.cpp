#include "boot/fake_boot.h"

namespace ingot::boot {

std::vector<interfaces::PropertySpec> FakeBoot::properties() const {
    // Ironic's fake boot interface documents two placeholder properties.
    return {{"B1", "B1 description. Required.", true}, {"B2", "B2 description. Required.", true}};
}

}  // namespace ingot::boot
