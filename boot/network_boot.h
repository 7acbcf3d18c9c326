// PXE and iPXE boot. Their driver_info and validation are complete; staging
// boot files (TFTP/HTTP, dnsmasq host entries) comes with the boot-interface
// work, and until then the boot operations refuse clearly.
#pragma once

#include <string>

#include "interfaces/boot.h"

namespace ingot::boot {

class NetworkBoot : public interfaces::BootInterface {
public:
    explicit NetworkBoot(std::string name) : name_(std::move(name)) {}
    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    void prepare_ramdisk(interfaces::Task& task, const std::map<std::string, std::string>&) override;
    void clean_up_ramdisk(interfaces::Task& task) override;
    void prepare_instance(interfaces::Task& task) override;
    void clean_up_instance(interfaces::Task& task) override;

private:
    [[noreturn]] void not_available(const interfaces::Task& task, const char* operation) const;
    std::string name_;
};

}  // namespace ingot::boot
