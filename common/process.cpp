#include "common/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "common/errors.h"
#include "common/log.h"
#include "common/strings.h"

extern char** environ;

namespace ingot {
namespace {

using Clock = std::chrono::steady_clock;

std::string masked_command(const std::vector<std::string>& argv, const std::vector<std::string>& secrets) {
    std::string line = join(argv, " ");
    for (const auto& s : secrets) {
        if (s.empty()) continue;
        for (size_t pos = line.find(s); pos != std::string::npos; pos = line.find(s, pos))
            line.replace(pos, s.size(), "******");
    }
    return line;
}

// Environment for the child: ours plus `extra` (overriding).
std::vector<std::string> child_environment(const std::map<std::string, std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e;
        std::string key = entry.substr(0, entry.find('='));
        if (!extra.count(key)) env.push_back(entry);
    }
    for (const auto& [k, v] : extra) env.push_back(k + "=" + v);
    return env;
}

// In the child, between fork and exec: only async-signal-safe calls.
// False when a limit cannot be set (the program must not run without it).
bool apply_limits(const ProcessLimits& limits) {
    if (limits.address_space_bytes > 0) {
        const rlimit as{static_cast<rlim_t>(limits.address_space_bytes),
                        static_cast<rlim_t>(limits.address_space_bytes)};
        if (setrlimit(RLIMIT_AS, &as) != 0) return false;
    }
    if (limits.cpu_time.count() > 0) {
        const rlimit cpu{static_cast<rlim_t>(limits.cpu_time.count()), static_cast<rlim_t>(limits.cpu_time.count())};
        if (setrlimit(RLIMIT_CPU, &cpu) != 0) return false;
    }
    return true;
}

// In the child, between fork and exec: every descriptor past stderr closes
// at exec, whoever opened it without O_CLOEXEC (Boost.Asio's listening
// sockets, libraries' files): a long-lived child such as QEMU must not hold
// the parent's listening socket open after the parent has stopped.
void close_inherited_descriptors_at_exec() {
    if (close_range(3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    // Kernels before 5.11: mark them one by one, up to the descriptor limit.
    rlimit open_files{};
    const long last = getrlimit(RLIMIT_NOFILE, &open_files) == 0 && open_files.rlim_cur != RLIM_INFINITY
                          ? static_cast<long>(std::min<rlim_t>(open_files.rlim_cur, 1 << 20))
                          : 65536;
    for (int fd = 3; fd < last; ++fd) fcntl(fd, F_SETFD, FD_CLOEXEC);
}

// Forks and execs; in the child, stdin/stdout/stderr come from the given fds.
pid_t spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env, int in_fd,
            int out_fd, int err_fd, bool die_with_parent, const ProcessLimits& limits = {}) {
    if (argv.empty()) throw Error("run_process: empty argument vector");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    auto env_strings = child_environment(extra_env);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    int exec_error[2];
    if (pipe2(exec_error, O_CLOEXEC) != 0) throw Error("pipe failed: " + std::string(std::strerror(errno)));
    pid_t pid = fork();
    if (pid < 0) throw Error("fork failed: " + std::string(std::strerror(errno)));
    if (pid == 0) {
        // Own process group so that a timeout kills grandchildren too.
        setpgid(0, 0);
        // Services started for tests must not outlive a crashed test.
        if (die_with_parent) prctl(PR_SET_PDEATHSIG, SIGKILL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        close_inherited_descriptors_at_exec();
        // A failed limit is told as -errno, a failed exec as errno.
        const bool limited = apply_limits(limits);
        if (limited) execvpe(args[0], args.data(), envp.data());
        int e = limited ? errno : -errno;
        (void)!write(exec_error[1], &e, sizeof e);
        _exit(127);
    }
    close(exec_error[1]);
    int child_errno = 0;
    ssize_t n = read(exec_error[0], &child_errno, sizeof child_errno);
    close(exec_error[0]);
    if (n == sizeof child_errno) {
        waitpid(pid, nullptr, 0);
        if (child_errno < 0)
            throw Error("cannot set the resource limits of " + argv[0] + ": " + std::strerror(-child_errno));
        throw Error("cannot run " + argv[0] + ": " + std::strerror(child_errno));
    }
    return pid;
}

int decode_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return -1;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
    int in[2], out[2], err[2];
    if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        throw Error("pipe failed: " + std::string(std::strerror(errno)));
    const std::string command = masked_command(argv, options.secrets);
    auto started = Clock::now();
    pid_t pid;
    try {
        pid = spawn(argv, options.extra_env, in[0], out[1], err[1], false, options.limits);
    } catch (...) {
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
        throw;
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (options.log) log::debug("process.start", {{"pid", std::to_string(pid)}, {"command", command}});

    // Feed stdin (small inputs only: configs, passwords) then close it.
    size_t written = 0;
    while (written < options.stdin_data.size()) {
        ssize_t n = write(in[1], options.stdin_data.data() + written, options.stdin_data.size() - written);
        if (n <= 0) break;
        written += static_cast<size_t>(n);
    }
    close(in[1]);

    ProcessResult result;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[65536];
    auto deadline = started + options.timeout;
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            result.timed_out = true;
            kill(-pid, SIGKILL);
            break;
        }
        int ready = poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
        if (ready < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    result.exit_code = decode_status(status);
    if (options.log) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
        log::Level level = result.exit_code == 0 ? log::Level::debug : log::Level::warning;
        if (log::enabled(level)) {
            std::string err_text = result.err.substr(0, 2000);
            for (const auto& s : options.secrets)
                for (size_t p = s.empty() ? std::string::npos : err_text.find(s); p != std::string::npos;
                     p = err_text.find(s, p))
                    err_text.replace(p, s.size(), "******");
            log::write(level, "process.end",
                       {{"pid", std::to_string(pid)},
                        {"command", command},
                        {"exit_code", std::to_string(result.exit_code)},
                        {"timed_out", result.timed_out ? "true" : "false"},
                        {"duration_ms", std::to_string(ms)},
                        {"stderr", err_text}});
        }
    }
    return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path,
                           const std::map<std::string, std::string>& extra_env) {
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int logfd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (devnull < 0 || logfd < 0) {
        if (devnull >= 0) close(devnull);
        throw Error("cannot open " + log_path + ": " + std::strerror(errno));
    }
    try {
        pid_ = spawn(argv, extra_env, devnull, logfd, logfd, true);
    } catch (...) {
        close(devnull);
        close(logfd);
        throw;
    }
    close(devnull);
    close(logfd);
}

ChildProcess::~ChildProcess() {
    if (pid_ > 0 && status_ < 0) stop(SIGTERM, std::chrono::seconds(5));
}

bool ChildProcess::running() {
    if (pid_ <= 0 || status_ >= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = decode_status(status);
        return false;
    }
    return true;
}

int ChildProcess::stop(int signal, std::chrono::milliseconds grace) {
    if (!running()) return status_;
    kill(pid_, signal);
    auto deadline = Clock::now() + grace;
    while (Clock::now() < deadline) {
        if (!running()) return status_;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    status_ = decode_status(status);
    return status_;
}

}  // namespace ingot
