// The conductor's engine pieces in-process against a real SQLite file:
// node locks, start-up recovery, callback timeouts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/ids.h"
#include "common/log.h"
#include "conductor/context.h"
#include "conductor/node_reservation.h"
#include "conductor/options.h"
#include "conductor/periodic_tasks.h"
#include "conductor/recovery.h"
#include "db/store.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

class Engine : public ::testing::Test {
protected:
    void SetUp() override {
        ingot::log::set_level(ingot::log::Level::error);
        config::Config cfg(conductor::conductor_options());
        cfg.set("database", "connection", "sqlite:///" + dir.path() + "/ingot.sqlite");
        cfg.set("DEFAULT", "host", "engine-host");
        cfg.set("conductor", "deploy_callback_timeout", "60");
        cfg.set("conductor", "sync_power_state_interval", "0");
        ctx = conductor::make_context(std::move(cfg));
    }

    db::Record add_node(const std::string& state, json extra = json::object()) {
        json values = {{"uuid", generate_uuid()},
                       {"driver", "fake-hardware"},
                       {"provision_state", state},
                       {"created_at", utc_now_iso()},
                       {"power_interface", "fake"}};
        for (auto it = extra.begin(); it != extra.end(); ++it) values[it.key()] = it.value();
        db::Session s(*ctx->database, true);
        auto r = s.insert(db::nodes_table(), values);
        s.commit();
        return r;
    }

    db::Record reload(const db::Record& n) {
        db::Session s(*ctx->database);
        return *s.find(db::nodes_table(), "id", n["id"]);
    }

    test::TempDir dir;
    std::unique_ptr<conductor::Context> ctx;
};

}  // namespace

TEST_F(Engine, OnlyOneHolderOfANodeLock) {
    auto n = add_node("available");
    auto locked = conductor::reserve_node(*ctx, n["id"]);
    EXPECT_EQ(locked["reservation"], "engine-host");
    try {
        conductor::reserve_node(*ctx, n["id"]);
        FAIL() << "second reservation succeeded";
    } catch (const Conflict& e) {
        EXPECT_NE(std::string(e.what()).find("is locked by host engine-host"), std::string::npos);
    }
    conductor::release_node(*ctx, n["id"], {{"last_error", "x"}});
    auto after = reload(n);
    EXPECT_TRUE(after["reservation"].is_null());
    EXPECT_EQ(after["last_error"], "x");
}

TEST_F(Engine, RecoveryFailsInterruptedWorkAndKeepsWaits) {
    auto deploying = add_node("deploying", {{"reservation", "engine-host"}, {"target_provision_state", "active"}});
    auto cleaning = add_node("cleaning", {{"reservation", "engine-host"}});
    auto verifying = add_node("verifying", {{"reservation", "engine-host"}});
    auto waiting = add_node("wait call-back", {{"reservation", "engine-host"}, {"target_provision_state", "active"}});
    auto powering = add_node("active", {{"reservation", "engine-host"}, {"target_power_state", "power on"}});
    auto other_host = add_node("deploying", {{"reservation", "other-host"}});
    auto report = conductor::recover_nodes(*ctx);
    EXPECT_EQ(report.released, 5);
    EXPECT_EQ(report.failed, 3);
    auto d = reload(deploying);
    EXPECT_EQ(d["provision_state"], "deploy failed");
    EXPECT_EQ(d["target_provision_state"], "active");
    EXPECT_TRUE(d["reservation"].is_null());
    EXPECT_NE(d["last_error"].get<std::string>().find("stopped while node"), std::string::npos);
    EXPECT_EQ(reload(cleaning)["provision_state"], "clean failed");
    EXPECT_EQ(reload(verifying)["provision_state"], "enroll");
    auto w = reload(waiting);
    EXPECT_EQ(w["provision_state"], "wait call-back");
    EXPECT_TRUE(w["reservation"].is_null());
    auto p = reload(powering);
    EXPECT_EQ(p["provision_state"], "active");
    EXPECT_TRUE(p["target_power_state"].is_null());
    // Another conductor's lock is not ours to break.
    EXPECT_EQ(reload(other_host)["reservation"], "other-host");
}

TEST_F(Engine, CallbackTimeoutsFailStaleWaitsOnly) {
    auto stale = add_node("wait call-back", {{"provision_updated_at", "2020-01-01T00:00:00.000000+00:00"},
                                             {"target_provision_state", "active"}});
    auto fresh = add_node("wait call-back", {{"provision_updated_at", utc_now_iso()}});
    auto stale_clean = add_node("clean wait", {{"provision_updated_at", "2020-01-01T00:00:00.000000+00:00"}});
    conductor::PeriodicTasks periodic(*ctx);
    EXPECT_EQ(periodic.fail_timed_out_waits(), 2);
    auto s = reload(stale);
    EXPECT_EQ(s["provision_state"], "deploy failed");
    EXPECT_NE(s["last_error"].get<std::string>().find("Timeout reached while waiting for callback"), std::string::npos);
    EXPECT_TRUE(s["reservation"].is_null());
    EXPECT_EQ(reload(fresh)["provision_state"], "wait call-back");
    EXPECT_EQ(reload(stale_clean)["provision_state"], "clean failed");
}

TEST_F(Engine, PowerSyncRecordsOrRestoresDrift) {
    // fake power reports what the record says, so drift is simulated by a
    // node whose record says nothing yet.
    auto unknown = add_node("available");
    conductor::PeriodicTasks periodic(*ctx);
    EXPECT_GE(periodic.sync_power_states(), 1);
    for (int i = 0; i < 200 && reload(unknown)["power_state"].is_null(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(reload(unknown)["power_state"], "power off");
    EXPECT_TRUE(reload(unknown)["reservation"].is_null());
}
