// How a machine gets its ramdisk or its deployed OS: PXE, iPXE, virtual media.
#pragma once

#include <map>
#include <string>

#include "interfaces/base_interface.h"

namespace ingot::interfaces {

class BootInterface : public BaseInterface {
public:
    // Makes the machine boot the deploy/clean/rescue ramdisk at next boot;
    // `kernel_params` are extra kernel command-line arguments.
    virtual void prepare_ramdisk(Task& task, const std::map<std::string, std::string>& kernel_params) = 0;
    virtual void clean_up_ramdisk(Task& task) = 0;
    // Makes the machine boot the deployed instance at next boot.
    virtual void prepare_instance(Task& task) = 0;
    virtual void clean_up_instance(Task& task) = 0;
};

}  // namespace ingot::interfaces
