// Test support: a private Keystone (Debian's python3-keystone served by
// uwsgi) on a free loopback port, with its own configuration, SQLite
// database and Fernet/credential keys in a temporary directory, stopped by
// its PID and removed by the destructor (and killed with the test process:
// PR_SET_PDEATHSIG).
//
// Preparing a Keystone (keystone-manage db_sync, fernet_setup,
// credential_setup, bootstrap, then the users below created through its
// API) takes about 15 CPU seconds, so it is done once per installed
// Keystone version into a template under the build directory
// (build/test-keystone/) and each KeystoneProcess starts from a copy.
#pragma once

#include <memory>
#include <string>

#include "common/http_client.h"
#include "common/process.h"
#include "tests/support/conductor_process.h"

namespace ingot::test {

struct KeystoneUser {
    const char* name;
    const char* password;
};

// Every test Keystone has these users (domain Default) and projects
// owner-proj, lessee-proj and service.
namespace keystone_users {
inline constexpr KeystoneUser kAdmin{"sys-admin", "sys-admin-password"};              // admin on the system
inline constexpr KeystoneUser kReader{"sys-reader", "sys-reader-password"};           // reader on the system
inline constexpr KeystoneUser kOwnerMember{"owner-member", "owner-member-password"};  // member of owner-proj
inline constexpr KeystoneUser kOwnerReader{"owner-reader", "owner-reader-password"};  // reader of owner-proj
inline constexpr KeystoneUser kLesseeMember{"lessee-member", "lessee-member-password"};
inline constexpr KeystoneUser kLesseeReader{"lessee-reader", "lessee-reader-password"};
// The conductor's service user: role service on project service.
inline constexpr KeystoneUser kService{"ingot", "ingot-service-pw-9fK2xQ"};
}  // namespace keystone_users

struct KeystoneOptions {
    int token_expiration = 3600;  // [token] expiration, seconds
};

class KeystoneProcess {
public:
    explicit KeystoneProcess(KeystoneOptions options = {});
    ~KeystoneProcess();
    KeystoneProcess(const KeystoneProcess&) = delete;
    KeystoneProcess& operator=(const KeystoneProcess&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v3"; }
    int port() const { return port_; }
    pid_t pid() const { return child_ ? child_->pid() : -1; }

    // Stops the server (SIGTERM by PID); the directory stays for start().
    void stop();
    // Serves the same database and keys again on the same port.
    void start();

    // POST /v3/auth/tokens with a password: scoped to `project` (a name in
    // domain Default), to the system when `project` is "system", unscoped
    // when empty. Throws when Keystone refuses.
    std::string token(const KeystoneUser& user, const std::string& project = "");
    // DELETE /v3/auth/tokens: Keystone refuses `token` from now on.
    void revoke(const std::string& token);
    std::string project_id(const std::string& name);
    std::string log() const;

private:
    HttpClient admin_client();

    TempDir dir_;
    KeystoneOptions options_;
    int port_ = 0;
    std::unique_ptr<ChildProcess> child_;
};

}  // namespace ingot::test
