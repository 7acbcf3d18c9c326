// The image action: for now only its plan entry. Streaming (download, hash,
// decompress, write) is ingot_agent_image's job and is wired in later, so
// run() refuses rather than pretend.
#include "common/errors.h"
#include "ramdisk-agent/plan/action.h"
#include "ramdisk-agent/plan/plan_error.h"
#include "ramdisk-agent/plan/references.h"

namespace ingot::agent::plan {

namespace {

class ImageAction : public Action {
public:
    void validate(DeployPlan& plan) const override {
        for (size_t i = 0; i < plan.images.size(); ++i) {
            device_path(plan, plan.images[i].target, "images[" + std::to_string(i) + "].target");
        }
    }
    std::vector<Command> commands(const DeployPlan&) const override { return {}; }
    std::vector<std::string> notes(const DeployPlan& plan) const override {
        std::vector<std::string> out;
        for (const auto& image : plan.images) {
            out.push_back("write " + image.url + " (" + image.format + ", " + image.checksum_algo + " " +
                          (image.checksum.empty() ? "unchecked" : image.checksum) + ") to " +
                          device_path(plan, image.target));
        }
        return out;
    }
    void run(const DeployPlan& plan, const CommandRunner&) const override {
        if (!plan.images.empty()) throw Error("the image action is not wired to image streaming yet");
    }
};

}  // namespace

std::unique_ptr<Action> make_image_action() {
    return std::make_unique<ImageAction>();
}

}  // namespace ingot::agent::plan
