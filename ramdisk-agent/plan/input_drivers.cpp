#include "ramdisk-agent/plan/input_driver.h"

namespace ingot::agent::plan {

Registry<InputDriver>& input_drivers() {
    static Registry<InputDriver> registry = [] {
        Registry<InputDriver> r(kInputDriversNamespace);
        r.add("ironic", "Ironic's image_info and instance_info, as ironic-python-agent receives them",
              make_ironic_driver);
        r.add("native", "Ingot's own scheme: disks, partitions, RAID, LVM, filesystems, images (see README)",
              make_native_driver);
        return r;
    }();
    return registry;
}

}  // namespace ingot::agent::plan
