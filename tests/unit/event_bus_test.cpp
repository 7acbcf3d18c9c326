#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "conductor/event_bus.h"
#include "conductor/worker_pool.h"

using namespace ingot;
using namespace std::chrono_literals;

namespace {

struct Counting : interfaces::Extension {
    std::atomic<int> created{0};
    void on_node_create(const interfaces::NodeEvent&) override { ++created; }
};
struct Throwing : interfaces::Extension {
    void on_node_create(const interfaces::NodeEvent&) override { throw std::runtime_error("boom"); }
};
struct Sleeping : interfaces::Extension {
    void on_node_create(const interfaces::NodeEvent&) override { std::this_thread::sleep_for(300ms); }
};

bool eventually(const std::function<bool()>& f) {
    for (int i = 0; i < 200; ++i) {
        if (f()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

}  // namespace

TEST(EventBus, OneBadOrSlowExtensionDoesNotAffectOthers) {
    auto counting = std::make_shared<Counting>();
    conductor::EventBus bus({{"throwing", std::make_shared<Throwing>()},
                             {"sleeping", std::make_shared<Sleeping>()},
                             {"counting", counting}});
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) bus.node_created({"n" + std::to_string(i), {}});
    EXPECT_LT(std::chrono::steady_clock::now() - started, 100ms) << "publishing must not wait for hooks";
    EXPECT_TRUE(eventually([&] { return counting->created == 5; }));
}

TEST(EventBus, FullQueueDropsAndCounts) {
    conductor::EventBus bus({{"sleeping", std::make_shared<Sleeping>()}}, /*queue_limit=*/2);
    for (int i = 0; i < 6; ++i) bus.node_created({"n", {}});
    EXPECT_GE(bus.dropped(), 3u);
}

TEST(WorkerPool, RefusesWhenSaturatedAndRunsEverythingAccepted) {
    conductor::WorkerPool pool(2, 1);
    std::atomic<int> done{0};
    std::atomic<bool> release{false};
    int accepted = 0;
    for (int i = 0; i < 10; ++i) {
        if (pool.try_submit([&] {
                while (!release) std::this_thread::sleep_for(1ms);
                ++done;
            }))
            ++accepted;
    }
    // Two running (once picked up) plus a backlog of one, at most.
    EXPECT_LE(accepted, 3);
    EXPECT_GE(accepted, 1);
    release = true;
    EXPECT_TRUE(eventually([&] { return done == accepted; }));
    EXPECT_TRUE(pool.try_submit([] {}));
}
