#include "tests/support/keystone_process.h"

#include <pwd.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ingot::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr KeystoneUser kBootstrapAdmin{"admin", "bootstrap-admin-password"};
// Part of the template's name: change it when what a template holds changes.
constexpr const char* kRecipe = "r2";

std::string read_file(const std::string& path) {
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// bcrypt at its lowest cost (4): Keystone checks a password on every
// token request, and 12 rounds would cost a quarter second each.
std::string keystone_conf(const std::string& dir, int expiration) {
    return "[DEFAULT]\nuse_stderr = true\n"
           "[database]\nconnection = sqlite:///" +
           dir +
           "/keystone.db?check_same_thread=false\n"
           "[fernet_tokens]\nkey_repository = " +
           dir +
           "/fernet-keys\n"
           "[fernet_receipts]\nkey_repository = " +
           dir +
           "/fernet-keys\n"
           "[credential]\nkey_repository = " +
           dir +
           "/credential-keys\n"
           "[identity]\npassword_hash_rounds = 4\n"
           "[token]\nexpiration = " +
           std::to_string(expiration) +
           "\n"
           "[cache]\nenabled = false\n";
}

void keystone_manage(const std::string& dir, std::vector<std::string> args,
                     const std::map<std::string, std::string>& env = {}) {
    std::vector<std::string> argv = {"keystone-manage", "--config-file", dir + "/keystone.conf"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run(argv, env);
    if (r.exit_code != 0)
        throw std::runtime_error("keystone-manage " + args[0] + " failed (" + std::to_string(r.exit_code) + "):\n" +
                                 r.err.substr(r.err.size() > 4000 ? r.err.size() - 4000 : 0));
}

bool answers(int port) {
    try {
        HttpClient c("http://127.0.0.1:" + std::to_string(port), std::chrono::seconds(2));
        return c.request("GET", "/v3").status == 200;
    } catch (const HttpTransportError&) {
        return false;
    }
}

// uwsgi with one process and one thread: a single PID to stop, and
// Keystone's SQLite connections stay in the thread that opened them.
// --die-on-term: SIGTERM ends it (uwsgi's default is to reload);
// --skip-atexit-teardown: without it Python's teardown aborts;
// --buffer-size: headers up to 64 KiB (X-Subject-Token); Connection:
// close: uwsgi closes each connection after its answer, and a client that
// reused it would see its next request reset.
std::unique_ptr<ChildProcess> serve(const std::string& dir, int port) {
    // clang-format off
    const std::vector<std::string> argv = {
        "uwsgi", "--plugin", "python3", "--http-socket", "127.0.0.1:" + std::to_string(port),
        "--wsgi-file", "/usr/bin/keystone-wsgi-public", "--processes", "1", "--threads", "1", "--enable-threads",
        "--die-on-term", "--skip-atexit-teardown", "--need-app", "--buffer-size", "65535",
        "--add-header", "Connection: close"};
    // clang-format on
    auto child = std::make_unique<ChildProcess>(
        argv, dir + "/keystone.log",
        std::map<std::string, std::string>{{"OS_KEYSTONE_CONFIG_FILES", dir + "/keystone.conf"}});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!answers(port)) {
        if (!child->running())
            throw std::runtime_error("keystone (uwsgi) exited at start:\n" + read_file(dir + "/keystone.log"));
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("keystone did not answer GET /v3 within 90 s:\n" +
                                     read_file(dir + "/keystone.log"));
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return child;
}

json call(HttpClient& c, const std::string& method, const std::string& path, const json& body = nullptr) {
    auto r = c.request(method, path, body.is_null() ? std::string() : body.dump());
    if (r.status / 100 != 2)
        throw std::runtime_error("keystone " + method + " " + path + ": HTTP " + std::to_string(r.status) + " " +
                                 r.body);
    return r.body.empty() ? json() : json::parse(r.body);
}

std::string password_token(int port, const KeystoneUser& user, const std::string& project) {
    json scope;
    if (project == "system")
        scope = {{"system", {{"all", true}}}};
    else if (!project.empty())
        scope = {{"project", {{"name", project}, {"domain", {{"id", "default"}}}}}};
    const json credentials = {{"name", user.name}, {"domain", {{"id", "default"}}}, {"password", user.password}};
    json auth = {{"identity", {{"methods", {"password"}}, {"password", {{"user", credentials}}}}}};
    if (!scope.is_null()) auth["scope"] = scope;
    HttpClient c("http://127.0.0.1:" + std::to_string(port) + "/v3", std::chrono::seconds(30));
    auto r = c.request("POST", "/auth/tokens?nocatalog", json{{"auth", auth}}.dump());
    auto id = r.header("X-Subject-Token");
    if (r.status != 201 || !id)
        throw std::runtime_error(std::string("keystone refused a token to ") + user.name + ": HTTP " +
                                 std::to_string(r.status) + " " + r.body);
    return *id;
}

// The users, projects and roles of keystone_users, created through the API.
void create_identities(HttpClient& c) {
    using namespace keystone_users;
    std::map<std::string, std::string> role;
    call(c, "POST", "/roles", {{"role", {{"name", "service"}}}});
    const json roles = call(c, "GET", "/roles");  // not in the for: a temporary would die first
    for (const auto& r : roles["roles"]) role[r["name"]] = r["id"];
    std::map<std::string, std::string> project;
    for (const char* name : {"owner-proj", "lessee-proj", "service"})
        project[name] =
            call(c, "POST", "/projects", {{"project", {{"name", name}, {"domain_id", "default"}}}})["project"]["id"];
    struct Grant {
        KeystoneUser user;
        const char* role;
        const char* project;  // nullptr: the system
    };
    const Grant grants[] = {{kAdmin, "admin", nullptr},
                            {kReader, "reader", nullptr},
                            {kOwnerMember, "member", "owner-proj"},
                            {kOwnerReader, "reader", "owner-proj"},
                            {kLesseeMember, "member", "lessee-proj"},
                            {kLesseeReader, "reader", "lessee-proj"},
                            {kService, "service", "service"}};
    for (const auto& g : grants) {
        const std::string user = call(
            c, "POST", "/users",
            {{"user", {{"name", g.user.name}, {"password", g.user.password}, {"domain_id", "default"}}}})["user"]["id"];
        const std::string target = g.project ? "/projects/" + project[g.project] : std::string("/system");
        call(c, "PUT", target + "/users/" + user + "/roles/" + role.at(g.role));
    }
}

void sqlite_pragma(const std::string& database, const std::string& pragma) {
    auto r = run({"sqlite3", database, "PRAGMA " + pragma + ";"});
    if (r.exit_code != 0) throw std::runtime_error("sqlite3 " + database + ": PRAGMA " + pragma + ": " + r.err);
}

std::string user_name() {
    const passwd* pw = getpwuid(geteuid());
    return pw ? pw->pw_name : "root";
}

void build_template(const std::string& dir) {
    fs::create_directories(dir);
    std::ofstream(dir + "/keystone.conf") << keystone_conf(dir, 3600);
    keystone_manage(dir, {"db_sync"});
    // WAL journal, kept by the file and so by every copy: Keystone (oslo.db
    // over SQLite) leaves read cursors open across requests, which in the
    // default journal mode make the next write fail with "database is
    // locked"; in WAL mode readers never block a writer.
    sqlite_pragma(dir + "/keystone.db", "journal_mode=WAL");
    const std::string user = user_name();
    keystone_manage(dir, {"fernet_setup", "--keystone-user", user, "--keystone-group", user});
    keystone_manage(dir, {"credential_setup", "--keystone-user", user, "--keystone-group", user});
    // The password goes through the environment, not the command line.
    keystone_manage(dir,
                    {"bootstrap", "--bootstrap-username", kBootstrapAdmin.name, "--bootstrap-project-name", "admin",
                     "--bootstrap-role-name", "admin", "--bootstrap-service-name", "keystone", "--bootstrap-region-id",
                     "RegionOne"},
                    {{"OS_BOOTSTRAP_PASSWORD", kBootstrapAdmin.password}});
    const int port = free_port();
    auto server = serve(dir, port);
    HttpClient c("http://127.0.0.1:" + std::to_string(port) + "/v3", std::chrono::seconds(30));
    c.set_default_header("X-Auth-Token", password_token(port, kBootstrapAdmin, "system"));
    create_identities(c);
    server->stop();
    // Everything into keystone.db itself: copies take only that file.
    sqlite_pragma(dir + "/keystone.db", "wal_checkpoint(TRUNCATE)");
}

std::string installed_version() {
    auto r = run({"dpkg-query", "-W", "-f=${Version}", "python3-keystone"});
    if (r.exit_code != 0 || r.out.empty())
        throw std::runtime_error("python3-keystone is not installed: run scripts/install-deps --test");
    std::string v = r.out;
    for (char& ch : v)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-') ch = '_';
    return v;
}

// A prepared Keystone directory (database, keys) for this Keystone
// version, built when missing. Built aside and renamed into place, so
// tests running at once never see half of one.
std::string template_dir() {
    const std::string dir = ConductorProcess::bin_dir() + "/../test-keystone/" + installed_version() + "-" + kRecipe;
    if (fs::exists(dir + "/keystone.db")) return dir;
    const std::string building = dir + ".building-" + std::to_string(getpid());
    fs::remove_all(building);
    try {
        build_template(building);
    } catch (...) {
        fs::remove_all(building);
        throw;
    }
    fs::remove(building + "/keystone.conf");  // it names the building directory
    std::error_code ec;
    fs::rename(building, dir, ec);
    if (ec) fs::remove_all(building);  // another test got there first
    return dir;
}

}  // namespace

KeystoneProcess::KeystoneProcess(KeystoneOptions options) : options_(options) {
    const std::string source = template_dir();
    const std::string dir = dir_.path();
    fs::copy_file(source + "/keystone.db", dir + "/keystone.db");
    fs::copy(source + "/fernet-keys", dir + "/fernet-keys", fs::copy_options::recursive);
    fs::copy(source + "/credential-keys", dir + "/credential-keys", fs::copy_options::recursive);
    // keystone-manage made them 0700 for the keystone user; keep them private.
    fs::permissions(dir + "/fernet-keys", fs::perms::owner_all);
    fs::permissions(dir + "/credential-keys", fs::perms::owner_all);
    std::ofstream(dir + "/keystone.conf") << keystone_conf(dir, options_.token_expiration);
    port_ = free_port();
    start();
}

KeystoneProcess::~KeystoneProcess() {
    stop();
}

void KeystoneProcess::start() {
    if (child_ && child_->running()) return;
    child_ = serve(dir_.path(), port_);
}

void KeystoneProcess::stop() {
    if (child_) child_->stop(SIGTERM, std::chrono::seconds(10));
}

std::string KeystoneProcess::token(const KeystoneUser& user, const std::string& project) {
    return password_token(port_, user, project);
}

HttpClient KeystoneProcess::admin_client() {
    HttpClient c(url(), std::chrono::seconds(30));
    c.set_default_header("X-Auth-Token", token(keystone_users::kAdmin, "system"));
    return c;
}

void KeystoneProcess::revoke(const std::string& token) {
    auto c = admin_client();
    auto r = c.request("DELETE", "/auth/tokens", {}, {{"X-Subject-Token", token}});
    if (r.status != 204)
        throw std::runtime_error("keystone did not revoke the token: HTTP " + std::to_string(r.status) + " " + r.body);
}

std::string KeystoneProcess::project_id(const std::string& name) {
    auto c = admin_client();
    const json projects = call(c, "GET", "/projects?name=" + name)["projects"];
    if (projects.size() != 1) throw std::runtime_error("keystone has no project " + name);
    return projects[0]["id"];
}

std::string KeystoneProcess::log() const {
    return read_file(dir_.path() + "/keystone.log");
}

}  // namespace ingot::test
