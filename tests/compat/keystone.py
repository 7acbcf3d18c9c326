"""A private Keystone for the compatibility tests: Debian's python3-keystone
served by uwsgi on a free loopback port, with its own configuration, SQLite
database and Fernet/credential keys in a temporary directory.

The process is stopped by its PID and the directory removed by
:meth:`Keystone.stop` (see :mod:`managed_process`: context manager, class
cleanup, ``atexit``, and SIGTERM when the test process dies).

Preparing a Keystone (``keystone-manage db_sync``, ``fernet_setup``,
``credential_setup``, ``bootstrap``, then the users of :data:`USERS`
created through its API) costs about 15 CPU seconds, so it is done once per
installed Keystone version into a template under the build directory
(``build/test-keystone/``); each Keystone starts from a copy of it. The C++
tests have the same helper (tests/support/keystone_process.h) and the same
users.
"""

import getpass
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import conductor as conductor_mod
import managed_process

START_TIMEOUT = 90.0
# Part of the template's name: change it when what a template holds changes.
RECIPE = "py-r2"
BOOTSTRAP_ADMIN = ("admin", "bootstrap-admin-password")

# name -> (password, role, project or None for the system); domain Default.
USERS = {
    "sys-admin": ("sys-admin-password", "admin", None),
    "sys-reader": ("sys-reader-password", "reader", None),
    "owner-member": ("owner-member-password", "member", "owner-proj"),
    "owner-reader": ("owner-reader-password", "reader", "owner-proj"),
    "lessee-member": ("lessee-member-password", "member", "lessee-proj"),
    "lessee-reader": ("lessee-reader-password", "reader", "lessee-proj"),
    # The conductor's service user.
    "ingot": ("ingot-service-pw-9fK2xQ", "service", "service"),
}
PROJECTS = ("owner-proj", "lessee-proj", "service")


class KeystoneError(RuntimeError):
    pass


def password(user):
    return USERS[user][0]


def keystone_conf(directory, expiration):
    # bcrypt at its lowest cost: Keystone checks a password on every token
    # request, and the default 12 rounds cost a quarter second each.
    return ("[DEFAULT]\nuse_stderr = true\n"
            "[database]\nconnection = sqlite:///%(d)s/keystone.db?check_same_thread=false\n"
            "[fernet_tokens]\nkey_repository = %(d)s/fernet-keys\n"
            "[fernet_receipts]\nkey_repository = %(d)s/fernet-keys\n"
            "[credential]\nkey_repository = %(d)s/credential-keys\n"
            "[identity]\npassword_hash_rounds = 4\n"
            "[token]\nexpiration = %(e)d\n"
            "[cache]\nenabled = false\n") % {"d": directory, "e": expiration}


def request(url, method="GET", body=None, headers=None, timeout=30):
    """(status, headers, parsed body or None) of one HTTP request."""
    data = json.dumps(body).encode("utf-8") if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, head, raw = resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as e:
        status, head, raw = e.code, e.headers, e.read()
    text = raw.decode("utf-8", "replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = text
    return status, head, parsed


def password_token(base, user, secret, scope=None):
    """A token by password: scope None (unscoped), "system" or a project name."""
    auth = {"identity": {"methods": ["password"], "password": {
        "user": {"name": user, "domain": {"id": "default"}, "password": secret}}}}
    if scope == "system":
        auth["scope"] = {"system": {"all": True}}
    elif scope:
        auth["scope"] = {"project": {"name": scope, "domain": {"id": "default"}}}
    status, head, body = request(base + "/auth/tokens?nocatalog", "POST", {"auth": auth})
    if status != 201:
        raise KeystoneError("keystone refused a token to %s: HTTP %d %s" % (user, status, body))
    return head["X-Subject-Token"]


class Keystone(managed_process.ManagedProcess):
    """One Keystone with the users of :data:`USERS`.

    ``token_expiration`` is Keystone's ``[token] expiration`` in seconds.
    """

    name = "keystone"
    # uwsgi ends with 30 on SIGTERM (--die-on-term).
    normal_exit_codes = (0, 30, -signal.SIGTERM)

    def __init__(self, token_expiration=3600, bin_dir=None):
        self.token_expiration = token_expiration
        self.bin_dir = bin_dir or conductor_mod.default_bin_dir()
        self.port = None

    @property
    def url(self):
        return "http://127.0.0.1:%d/v3" % self.port

    @property
    def log_path(self):
        return os.path.join(self.tmpdir, "keystone.log")

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    # -- life cycle --------------------------------------------------------
    def start(self):
        template = prepared_template(self.bin_dir)
        self.tmpdir = tempfile.mkdtemp(prefix="ingot-keystone-")
        self.track()
        try:
            shutil.copyfile(os.path.join(template, "keystone.db"), os.path.join(self.tmpdir, "keystone.db"))
            for keys in ("fernet-keys", "credential-keys"):
                shutil.copytree(os.path.join(template, keys), os.path.join(self.tmpdir, keys))
            with open(os.path.join(self.tmpdir, "keystone.conf"), "w", encoding="utf-8") as f:
                f.write(keystone_conf(self.tmpdir, self.token_expiration))
            self.port = conductor_mod.free_port()
            self.output = open(self.log_path, "ab")
            self.process = serve(self.tmpdir, self.port, self.output)
            wait_until_serving(self.process, self.port, self.log)
            return self
        except BaseException:
            self.stop()
            raise

    # -- identity API ------------------------------------------------------
    def token(self, user, scope=None):
        return password_token(self.url, user, password(user), scope)

    def admin(self, method, path, body=None):
        token = self.token("sys-admin", "system")
        status, _, parsed = request(self.url + path, method, body, {"X-Auth-Token": token})
        if status // 100 != 2:
            raise KeystoneError("keystone %s %s: HTTP %d %s" % (method, path, status, parsed))
        return parsed

    def project_id(self, name):
        projects = self.admin("GET", "/projects?name=" + name)["projects"]
        if len(projects) != 1:
            raise KeystoneError("keystone has no project %s" % name)
        return projects[0]["id"]

    def add_endpoint(self, service_type, service_name, url):
        """A public endpoint in RegionOne, for clients that use the catalog."""
        service = self.admin("POST", "/services", {"service": {"type": service_type, "name": service_name}})
        self.admin("POST", "/endpoints", {"endpoint": {
            "service_id": service["service"]["id"], "interface": "public", "url": url,
            "region_id": "RegionOne"}})


def serve(directory, port, output):
    """uwsgi with one process and one thread: one PID to stop, and Keystone's
    SQLite connections stay in the thread that opened them;
    --die-on-term: SIGTERM ends it (uwsgi's default is to reload);
    --skip-atexit-teardown: without it Python's teardown aborts (SIGABRT);
    --buffer-size: headers up to 64 KiB (X-Subject-Token);
    Connection: close: uwsgi closes each connection after its answer, and a
    client that reused it would see its next request reset."""
    env = dict(os.environ, OS_KEYSTONE_CONFIG_FILES=os.path.join(directory, "keystone.conf"))
    argv = ["uwsgi", "--plugin", "python3", "--http-socket", "127.0.0.1:%d" % port,
            "--wsgi-file", "/usr/bin/keystone-wsgi-public", "--processes", "1", "--threads", "1",
            "--enable-threads", "--die-on-term", "--skip-atexit-teardown", "--need-app",
            "--buffer-size", "65535", "--add-header", "Connection: close"]
    return subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=output,
                            stderr=subprocess.STDOUT, cwd=directory, start_new_session=True,
                            preexec_fn=managed_process.die_with_parent)


def wait_until_serving(process, port, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise KeystoneError("keystone (uwsgi) exited at start with code %s:\n%s"
                                % (process.returncode, log()[-8000:]))
        try:
            if request("http://127.0.0.1:%d/v3" % port, timeout=2)[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.1)
    raise KeystoneError("keystone did not answer GET /v3 within %.0f s:\n%s" % (START_TIMEOUT, log()[-8000:]))


def keystone_manage(directory, *args, env=None):
    argv = ["keystone-manage", "--config-file", os.path.join(directory, "keystone.conf")] + list(args)
    proc = subprocess.run(argv, env=dict(os.environ, **(env or {})), capture_output=True, text=True,
                          timeout=300, check=False)
    if proc.returncode != 0:
        raise KeystoneError("keystone-manage %s failed (%d):\n%s" % (args[0], proc.returncode, proc.stderr[-4000:]))


def installed_version():
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-keystone"],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not proc.stdout:
        raise KeystoneError("python3-keystone is not installed: run scripts/install-deps --test")
    return "".join(c if c.isalnum() or c in ".-" else "_" for c in proc.stdout)


def prepared_template(bin_dir):
    """The template directory for this Keystone version, built when missing
    (aside, then renamed into place: tests running at once never see half)."""
    directory = os.path.join(os.path.dirname(os.path.abspath(bin_dir)), "test-keystone",
                             installed_version() + "-" + RECIPE)
    if os.path.exists(os.path.join(directory, "keystone.db")):
        return directory
    building = "%s.building-%d" % (directory, os.getpid())
    shutil.rmtree(building, ignore_errors=True)
    try:
        build_template(building)
        os.remove(os.path.join(building, "keystone.conf"))  # it names the building directory
        os.rename(building, directory)
    except OSError:
        if not os.path.exists(os.path.join(directory, "keystone.db")):
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return directory


def sqlite_pragma(database, pragma):
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA " + pragma)
    finally:
        connection.close()


def build_template(directory):
    os.makedirs(directory)
    with open(os.path.join(directory, "keystone.conf"), "w", encoding="utf-8") as f:
        f.write(keystone_conf(directory, 3600))
    user = getpass.getuser()
    keystone_manage(directory, "db_sync")
    # WAL journal, kept by the file and so by every copy: Keystone (oslo.db
    # over SQLite) leaves read cursors open across requests, which in the
    # default journal mode make the next write fail with "database is
    # locked"; in WAL mode readers never block a writer.
    database = os.path.join(directory, "keystone.db")
    sqlite_pragma(database, "journal_mode=WAL")
    keystone_manage(directory, "fernet_setup", "--keystone-user", user, "--keystone-group", user)
    keystone_manage(directory, "credential_setup", "--keystone-user", user, "--keystone-group", user)
    # The password goes through the environment, not the command line.
    keystone_manage(directory, "bootstrap", "--bootstrap-username", BOOTSTRAP_ADMIN[0],
                    "--bootstrap-project-name", "admin", "--bootstrap-role-name", "admin",
                    "--bootstrap-service-name", "keystone", "--bootstrap-region-id", "RegionOne",
                    env={"OS_BOOTSTRAP_PASSWORD": BOOTSTRAP_ADMIN[1]})
    port = conductor_mod.free_port()
    with open(os.path.join(directory, "keystone.log"), "ab") as output:
        process = serve(directory, port, output)
        try:
            wait_until_serving(process, port, lambda: "")
            create_identities("http://127.0.0.1:%d/v3" % port)
        finally:
            managed_process._signal(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    # Everything into keystone.db itself: copies take only that file.
    sqlite_pragma(database, "wal_checkpoint(TRUNCATE)")


def create_identities(base):
    token = password_token(base, BOOTSTRAP_ADMIN[0], BOOTSTRAP_ADMIN[1], "system")

    def call(method, path, body=None):
        status, _, parsed = request(base + path, method, body, {"X-Auth-Token": token})
        if status // 100 != 2:
            raise KeystoneError("keystone %s %s: HTTP %d %s" % (method, path, status, parsed))
        return parsed

    call("POST", "/roles", {"role": {"name": "service"}})
    roles = {r["name"]: r["id"] for r in call("GET", "/roles")["roles"]}
    projects = {name: call("POST", "/projects", {"project": {"name": name, "domain_id": "default"}})
                ["project"]["id"] for name in PROJECTS}
    for name, (secret, role, project) in USERS.items():
        user = call("POST", "/users", {"user": {"name": name, "password": secret,
                                                "domain_id": "default"}})["user"]["id"]
        target = "/projects/" + projects[project] if project else "/system"
        call("PUT", "%s/users/%s/roles/%s" % (target, user, roles[role]))


start_for_test_class = Keystone.start_for_test_class
