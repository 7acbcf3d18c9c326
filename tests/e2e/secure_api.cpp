#include "tests/e2e/secure_api.h"

#include <arpa/inet.h>
#include <crypt.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "common/ids.h"

namespace ingot::test {
namespace {

// An Apache htpasswd line with a bcrypt hash ($2y$, as `htpasswd -B`).
std::string bcrypt_line(const std::string& user, const std::string& password) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn("$2y$", 5, nullptr, 0, salt, sizeof salt)) throw std::runtime_error("crypt_gensalt_rn");
    crypt_data data{};
    const char* hash = crypt_r(password.c_str(), salt, &data);
    if (!hash || hash[0] == '*') throw std::runtime_error("crypt_r refused bcrypt");
    return user + ":" + hash + "\n";
}

bool port_open(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

}  // namespace

SecureApi make_secure_api(const std::string& dir) {
    SecureApi api;
    api.ca = make_test_ca(dir, {"IP:10.0.2.2"});
    api.password = generate_token(18);
    api.htpasswd = dir + "/htpasswd";
    std::ofstream(api.htpasswd) << bcrypt_line(api.user, api.password);
    return api;
}

std::string SecureApi::config(int file_port) const {
    return "[DEFAULT]\n"
           "auth_strategy = http_basic\n"
           "http_basic_auth_user_file = " + htpasswd + "\n"
           "[api]\n"
           "tls_cert_file = " + ca.server_cert + "\n"
           "tls_key_file = " + ca.server_key + "\n"
           "[agent]\n"
           "api_ca_file = " + ca.ca_cert + "\n"
           "[deploy]\n"
           "http_url = http://10.0.2.2:" + std::to_string(file_port) + "\n";
}

StaticFileServer::StaticFileServer(const std::string& dir, int port) {
    std::filesystem::create_directories(dir);
    child_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", dir,
                                 std::to_string(port)},
        dir + "/../file-server.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!port_open(port)) {
        if (!child_->running() || std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("python3 -m http.server did not listen on port " + std::to_string(port));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

StaticFileServer::~StaticFileServer() {
    if (child_) child_->stop();
}

}  // namespace ingot::test
