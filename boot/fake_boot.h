// The fake boot interface: does nothing and succeeds, for tests and for
// fake-hardware nodes (Ironic's FakeBoot).
#pragma once

#include "interfaces/boot.h"

namespace ingot::boot {

class FakeBoot : public interfaces::BootInterface {
public:
    std::vector<interfaces::PropertySpec> properties() const override;
    void prepare_ramdisk(interfaces::Task&, const std::map<std::string, std::string>&) override {}
    void clean_up_ramdisk(interfaces::Task&) override {}
    void prepare_instance(interfaces::Task&) override {}
    void clean_up_instance(interfaces::Task&) override {}
};

}  // namespace ingot::boot
