// The checks an e2e test makes on a machine's disk file after a partition
// image with a config drive was deployed to it (the machine off), as
// gtest expectations: the partition layout the agent makes for the boot
// mode (ironic-lib's), every file of the image on the root partition, grub
// in the MBR or as the ESP's removable loader, and config-2 holding the
// config drive the test sent.
#pragma once

#include <string>

namespace ingot::test {

struct DeployedDisk {
    std::string disk;              // the machine's disk file
    std::string image;             // the partition image deployed (ext4)
    std::string image_fs_uuid;     // its filesystem UUID
    std::string node_uuid;         // what config-2's meta_data.json names
    std::string config_drive_iso;  // the config drive as the test built it (make_config_drive)
    std::string work_dir;          // scratch space for dumped files
    bool uefi = false;
    int root_mib = 1024;  // instance_info root_gb in MiB
};

// Adds a gtest failure for every difference; prints the layout.
void expect_deployed_partition_image(const DeployedDisk& deployed);

}  // namespace ingot::test
