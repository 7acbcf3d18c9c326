// BmcThrottle: one command at a time per BMC, spaced by the minimum
// interval; other BMCs never wait.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "power/bmc_throttle.h"

using namespace ingot::power;
using Clock = BmcThrottle::Clock;
using std::chrono::milliseconds;

namespace {

milliseconds since(Clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(Clock::now() - t);
}

Clock::time_point far() {
    return Clock::now() + std::chrono::minutes(1);
}

}  // namespace

TEST(IpmiBmcThrottle, FirstCommandDoesNotWait) {
    BmcThrottle t;
    auto start = Clock::now();
    auto slot = t.acquire("10.0.0.1:623", milliseconds(500), far());
    EXPECT_TRUE(slot);
    EXPECT_LT(since(start), milliseconds(100));
}

TEST(IpmiBmcThrottle, OneBmcIsSpacedByTheInterval) {
    BmcThrottle t;
    t.acquire("a:623", milliseconds(300), far()).release();
    auto ended = Clock::now();
    auto slot = t.acquire("a:623", milliseconds(300), far());
    EXPECT_GE(since(ended), milliseconds(290));
    EXPECT_LT(since(ended), milliseconds(600));
}

TEST(IpmiBmcThrottle, OtherBmcsAreNotSlowed) {
    BmcThrottle t;
    t.acquire("a:623", milliseconds(1000), far()).release();
    auto held = t.acquire("b:623", milliseconds(1000), far());  // another BMC, never used
    auto start = Clock::now();
    auto other_port = t.acquire("a:624", milliseconds(1000), far());  // same address, other port
    EXPECT_TRUE(held);
    EXPECT_TRUE(other_port);
    EXPECT_LT(since(start), milliseconds(100));
}

TEST(IpmiBmcThrottle, CommandsToOneBmcNeverOverlap) {
    BmcThrottle t;
    std::atomic<int> inside{0};
    std::atomic<int> most{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
        threads.emplace_back([&] {
            auto slot = t.acquire("a:623", milliseconds(0), far());
            int now = ++inside;
            most = std::max(most.load(), now);
            std::this_thread::sleep_for(milliseconds(30));
            --inside;
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(most.load(), 1);
}

TEST(IpmiBmcThrottle, TwoBmcsRunAtTheSameTime) {
    BmcThrottle t;
    auto start = Clock::now();
    std::thread other([&] {
        auto slot = t.acquire("b:623", milliseconds(0), far());
        std::this_thread::sleep_for(milliseconds(200));
    });
    {
        auto slot = t.acquire("a:623", milliseconds(0), far());
        std::this_thread::sleep_for(milliseconds(200));
    }
    other.join();
    EXPECT_LT(since(start), milliseconds(350));
}

TEST(IpmiBmcThrottle, GivesUpWhenTheBmcStaysBusy) {
    BmcThrottle t;
    auto held = t.acquire("a:623", milliseconds(0), far());
    auto start = Clock::now();
    auto slot = t.acquire("a:623", milliseconds(0), Clock::now() + milliseconds(100));
    EXPECT_FALSE(slot);
    EXPECT_GE(since(start), milliseconds(90));
    // An interval that ends after the deadline gives up at once.
    held.release();
    EXPECT_FALSE(t.acquire("a:623", milliseconds(5000), Clock::now() + milliseconds(100)));
}
