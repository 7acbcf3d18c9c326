// What PXE and iPXE share (Ironic's pxe_base): the deploy kernel and
// ramdisk staged per node from the master image cache, one boot
// configuration per MAC of the node's ports, DHCP entries for dnsmasq, and
// the boot device set through the node's management interface.
//
//   prepare_ramdisk   stage ROOT/<uuid>/deploy_{kernel,ramdisk}, write the
//                     per-MAC configs and DHCP entries, boot device pxe (once)
//   prepare_instance  local boot: remove all that, boot device disk
//                     (persistent); netboot (partition image with
//                     boot_option netboot): stage the instance's kernel and
//                     ramdisk and boot them with root=UUID=<root partition>
//   clean_up_*        remove the node's files and DHCP entries
#pragma once

#include <string>

#include "boot/boot_files.h"
#include "boot/boot_scripts.h"
#include "boot/boot_settings.h"
#include "boot/dhcp_entries.h"
#include "interfaces/boot.h"

namespace ingot::boot {

class NetworkBoot : public interfaces::BootInterface {
public:
    explicit NetworkBoot(BootSettings settings) : settings_(std::move(settings)) {}
    std::vector<interfaces::PropertySpec> properties() const override;
    void validate(const interfaces::Task& task) const override;
    void prepare_ramdisk(interfaces::Task& task, const std::map<std::string, std::string>& kernel_params) override;
    void clean_up_ramdisk(interfaces::Task& task) override;
    void prepare_instance(interfaces::Task& task) override;
    void clean_up_instance(interfaces::Task& task) override;

protected:
    // The directory machines read node files from (TFTP or HTTP root).
    virtual const std::string& root() const = 0;
    // How the loader names a file of ROOT/<uuid>/ (a path or a URL).
    virtual std::string loader_path(const std::string& node_uuid, const std::string& file) const = 0;
    // The configuration text for `entry` (boot_scripts.h); throws
    // InvalidParameter when a value cannot be written into it.
    virtual std::string mac_config(const interfaces::Task& task, const BootEntry& entry) const = 0;
    virtual void write_mac_config(const interfaces::Task& task, const std::string& mac, const std::string& text) = 0;
    virtual void remove_mac_config(const std::string& mac) = 0;
    virtual DhcpBootOptions dhcp_options(const interfaces::Task& task) const = 0;

    const BootSettings settings_;

private:
    // Every MAC's configuration text, all rendered before any is written,
    // so a value that cannot be written leaves no file behind. `args` is
    // the instance's command line; empty: the ramdisk's, with `extra`.
    std::vector<std::pair<std::string, std::string>> render_configs(
        const interfaces::Task& task, const std::string& label, const std::vector<KernelArg>& args,
        const std::map<std::string, std::string>& extra) const;
    void write_boot_files(interfaces::Task& task, const std::string& label, const std::string& kernel_href,
                          const std::string& ramdisk_href, const std::vector<KernelArg>& args,
                          const std::map<std::string, std::string>& extra);
    void remove_boot_files(const interfaces::Task& task);
    void set_boot_device(interfaces::Task& task, const std::string& device, bool persistent);
};

}  // namespace ingot::boot
