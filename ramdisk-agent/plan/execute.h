// Running a plan for real: every action validates first (nothing touches a
// disk until the whole plan is known to be complete), then the actions run
// in deploy order, each command through the runner and logged.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/http_client.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/objects.h"

namespace ingot::agent::plan {

struct ExecuteOptions {
    CommandRunner runner = process_runner();
    // Actions (by registry name) not to run, e.g. {"bootloader"} when the
    // conductor asks for the bootloader separately (image.install_bootloader).
    std::set<std::string> skip;
    // TLS settings for image downloads (the node's agent_verify_ca).
    TlsVerification tls;
    // What images may be written (MD5, formats): the lookup config.
    image::ImagePolicy image_policy;
};

// What a deploy leaves behind that the conductor asks about afterwards
// (standby.get_partition_uuids, image.install_bootloader).
struct ExecuteResult {
    std::string root_uuid;                  // root filesystem UUID, or the disk's label id for whole-disk images
    std::string efi_system_partition_uuid;  // empty when there is none
    std::map<std::string, std::string> partition_uuids;  // plan reference -> partition UUID
    // Added: plan reference -> device path ("root" -> "/dev/sda4"), for
    // every partition, plus "config-2" for a whole-disk image's config drive.
    std::map<std::string, std::string> devices;
    // Added: the actions that ran, in order (skipped ones are not listed).
    std::vector<std::string> actions_run;
};

// The plan's disks must be resolved. Throws PlanError before anything runs
// when an action's validation fails (or an image's URL or checksum is
// unusable, or `skip` names an unknown action), ingot::Error (naming the
// command and its output, or the image error: image::ChecksumMismatch,
// ImageTooLarge, DownloadError, ImageFormatError, TargetError) when a step
// fails. root_uuid is ironic-lib's: for a partition image the root
// filesystem's UUID (its partition UUID when blkid finds no filesystem);
// for a whole-disk image the disk identifier IPA reports ("0x" + the 8 hex
// digits of an msdos label's id, or the GPT disk GUID), empty when the
// image has no partition table.
ExecuteResult execute_plan(DeployPlan& plan, const ExecuteOptions& options = {});

}  // namespace ingot::agent::plan
