// PowerSync in-process against a real SQLite file: a node whose BMC cannot
// be reached (a Redfish address where nothing listens) collects last_error,
// then maintenance with fault "power failure", while healthy nodes keep
// syncing; the recovery pass lifts maintenance once the node's power
// interface answers again.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/ids.h"
#include "common/log.h"
#include "conductor/context.h"
#include "conductor/options.h"
#include "conductor/power_sync.h"
#include "db/store.h"
#include "tests/support/conductor_process.h"

using namespace ingot;
using nlohmann::json;

namespace {

class PowerSyncTest : public ::testing::Test {
protected:
    void SetUp() override {
        log::set_level(log::Level::error);
        config::Config cfg(conductor::conductor_options());
        cfg.set("database", "connection", "sqlite:///" + dir.path() + "/ingot.sqlite");
        cfg.set("DEFAULT", "host", "sync-host");
        cfg.set("DEFAULT", "enabled_hardware_types", "fake-hardware,redfish");
        cfg.set("conductor", "sync_power_state_interval", "0");
        cfg.set("conductor", "power_state_sync_max_retries", "2");
        cfg.set("redfish", "connection_attempts", "1");
        cfg.set("redfish", "request_timeout", "5");
        ctx = conductor::make_context(std::move(cfg));
    }

    db::Record add_node(const std::string& power_interface, json extra = json::object()) {
        json values = {
            {"uuid", generate_uuid()},     {"driver", "fake-hardware"},          {"provision_state", "available"},
            {"created_at", utc_now_iso()}, {"power_interface", power_interface}, {"power_state", "power off"}};
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

    void set_column(const db::Record& n, const std::string& column, const json& value) {
        auto current = reload(n);
        db::Session s(*ctx->database, true);
        s.update(db::nodes_table(), current["id"], current["row_version"], {{column, value}});
        s.commit();
    }

    test::TempDir dir;
    std::unique_ptr<conductor::Context> ctx;
};

json unreachable_redfish() {
    return {{"redfish_address", "http://127.0.0.1:" + std::to_string(test::free_port())},
            {"redfish_system_id", "/redfish/v1/Systems/1"}};
}

}  // namespace

TEST_F(PowerSyncTest, DeadBmcEndsInMaintenanceAndOthersKeepSyncing) {
    auto dead = add_node("redfish", {{"driver", "redfish"}, {"driver_info", unreachable_redfish()}});
    auto healthy = add_node("fake", {{"power_state", nullptr}});
    conductor::PowerSync sync(*ctx);

    sync.run_round();
    auto d = reload(dead);
    EXPECT_FALSE(d["maintenance"].get<bool>());
    ASSERT_TRUE(d["last_error"].is_string());
    EXPECT_NE(d["last_error"].get<std::string>().find("could not get power state for node " +
                                                      dead["uuid"].get<std::string>() + ", attempt 1 of 2"),
              std::string::npos)
        << d["last_error"];
    EXPECT_NE(d["last_error"].get<std::string>().find("Cannot reach Redfish BMC"), std::string::npos);
    EXPECT_TRUE(d["reservation"].is_null());
    EXPECT_EQ(reload(healthy)["power_state"], "power off");  // fake reports off for an unknown state

    sync.run_round();
    EXPECT_FALSE(reload(dead)["maintenance"].get<bool>());
    sync.run_round();  // the third failure exceeds 2 retries
    d = reload(dead);
    EXPECT_TRUE(d["maintenance"].get<bool>());
    EXPECT_EQ(d["fault"], "power failure");
    EXPECT_TRUE(d["power_state"].is_null());
    EXPECT_NE(d["maintenance_reason"].get<std::string>().find("max retries exceeded"), std::string::npos);
    EXPECT_TRUE(d["reservation"].is_null());
    {
        db::Session s(*ctx->database);
        db::ListQuery q;
        q.filters = {{"node_id", db::Filter::Op::eq, dead["id"]}};
        auto history = s.list(db::node_history_table(), q);
        ASSERT_FALSE(history.empty());
        EXPECT_EQ(history.back()["severity"], "ERROR");
        EXPECT_EQ(history.back()["event_type"], "monitoring");
    }

    // In maintenance it is no longer synced; the healthy node still is.
    set_column(healthy, "power_state", nullptr);
    EXPECT_EQ(sync.run_round(), 1);
    EXPECT_EQ(reload(healthy)["power_state"], "power off");
}

TEST_F(PowerSyncTest, RecoveryLiftsMaintenanceOnlyWhenTheBmcAnswers) {
    auto dead = add_node("redfish", {{"driver", "redfish"}, {"driver_info", unreachable_redfish()}});
    conductor::PowerSync sync(*ctx);
    for (int i = 0; i < 3; ++i) sync.run_round();
    ASSERT_EQ(reload(dead)["fault"], "power failure");

    EXPECT_EQ(sync.recover_power_failures(), 0);
    EXPECT_TRUE(reload(dead)["maintenance"].get<bool>());

    // The BMC "comes back": its power interface answers now.
    set_column(dead, "power_interface", "fake");
    EXPECT_EQ(sync.recover_power_failures(), 1);
    auto d = reload(dead);
    EXPECT_FALSE(d["maintenance"].get<bool>());
    EXPECT_TRUE(d["fault"].is_null());
    EXPECT_TRUE(d["maintenance_reason"].is_null());
    EXPECT_TRUE(d["last_error"].is_null());
    EXPECT_EQ(d["power_state"], "power off");
}

TEST_F(PowerSyncTest, OperatorMaintenanceIsNotLifted) {
    auto n = add_node("fake", {{"maintenance", true}, {"maintenance_reason", "disk swap"}});
    conductor::PowerSync sync(*ctx);
    EXPECT_EQ(sync.recover_power_failures(), 0);
    EXPECT_TRUE(reload(n)["maintenance"].get<bool>());
    EXPECT_EQ(sync.run_round(), 0);
}

TEST_F(PowerSyncTest, ASuccessfulReadClearsTheSyncError) {
    auto n = add_node("redfish", {{"driver", "redfish"}, {"driver_info", unreachable_redfish()}});
    conductor::PowerSync sync(*ctx);
    sync.run_round();
    ASSERT_TRUE(reload(n)["last_error"].is_string());
    set_column(n, "power_interface", "fake");
    sync.run_round();
    EXPECT_TRUE(reload(n)["last_error"].is_null());
    EXPECT_FALSE(reload(n)["maintenance"].get<bool>());
}
