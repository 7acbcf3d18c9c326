"""Start and stop a real ``ingot-conductor`` for the compatibility tests.

Each :class:`Conductor` gets its own temporary directory holding the
configuration file, the SQLite database and the conductor's log. The
conductor listens on 127.0.0.1 on a free port; :attr:`Conductor.url` is the
endpoint the stock clients talk to.

The process is always stopped by its PID (SIGTERM, then SIGKILL after 10 s)
and the temporary directory removed: by :meth:`Conductor.stop`, by the
context manager, by :func:`start_for_test_class` (a class cleanup that runs
even when ``setUpClass`` fails) and, as a last resort, by an ``atexit`` hook.
If the test process itself is killed, the kernel sends the conductor
SIGTERM (PR_SET_PDEATHSIG). Nothing is ever killed by name.

The binary is taken from the ``bin_dir`` argument, else from the
``INGOT_BIN_DIR`` environment variable, else from ``<repo>/build/bin``.
"""

import json
import os
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

import managed_process

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONDUCTOR_HOST = "compat-host"
START_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0

def default_bin_dir():
    return os.environ.get("INGOT_BIN_DIR") or os.path.join(REPO_ROOT, "build", "bin")


def free_port():
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ConductorError(RuntimeError):
    pass


class Conductor(managed_process.ManagedProcess):
    """One ingot-conductor process with a private config, database and log.

    ``options`` adds or overrides configuration options, by section:
    ``{"api": {"max_limit": 2}}``. With ``tls`` (a :class:`tls_files.TlsFiles`)
    the API serves HTTPS with its certificate and :attr:`url` is https.
    """

    name = "ingot-conductor"
    stop_timeout = STOP_TIMEOUT

    def __init__(self, bin_dir=None, options=None, host=CONDUCTOR_HOST, tls=None):
        self.bin_dir = bin_dir or default_bin_dir()
        self.binary = os.path.join(self.bin_dir, "ingot-conductor")
        self.options = options or {}
        self.tls = tls
        self.host = host
        self.tmpdir = None
        self.port = None
        self.process = None
        self.output = None

    # -- paths -------------------------------------------------------------
    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)

    @property
    def config_path(self):
        return os.path.join(self.tmpdir, "ingot.conf")

    @property
    def log_path(self):
        return os.path.join(self.tmpdir, "conductor.log")

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def log(self):
        """The conductor's output so far (empty if there is none)."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    # -- configuration -----------------------------------------------------
    def _config_text(self):
        sections = {
            "DEFAULT": {"host": self.host},
            "api": {"host_ip": "127.0.0.1", "port": self.port},
            "database": {"connection": "sqlite:///%s/ingot.sqlite" % self.tmpdir},
        }
        if self.tls:
            sections["api"].update({"tls_cert_file": self.tls.cert_file, "tls_key_file": self.tls.key_file})
        for section, values in self.options.items():
            sections.setdefault(section, {}).update(values)
        lines = []
        for section, values in sections.items():
            lines.append("[%s]" % section)
            lines.extend("%s = %s" % (k, v) for k, v in values.items())
        return "\n".join(lines) + "\n"

    # -- life cycle --------------------------------------------------------
    def start(self):
        if self.process is not None:
            raise ConductorError("conductor already started")
        if not os.access(self.binary, os.X_OK):
            raise ConductorError(
                "%s is missing or not executable; build it (cmake --build build --target "
                "ingot-conductor) or set INGOT_BIN_DIR" % self.binary)
        self.tmpdir = tempfile.mkdtemp(prefix="ingot-compat-")
        self.track()
        try:
            # The port is chosen before the conductor binds it, so another
            # process may take it in between: retry only on that failure.
            for attempt in range(3):
                self.port = free_port()
                with open(self.config_path, "w", encoding="utf-8") as f:
                    f.write(self._config_text())
                if self._spawn_and_wait():
                    return self
                if "in use" not in self.log().lower() or attempt == 2:
                    break
            raise ConductorError("ingot-conductor exited during start (exit code %s); log:\n%s"
                                 % (self.process.returncode, self.log()))
        except BaseException:
            self.stop()
            raise

    def _spawn_and_wait(self):
        """Start the process and wait for GET / to answer.

        Returns True when it answers, False when the process exited; raises
        ConductorError (after stopping it) when it neither answers nor exits
        within START_TIMEOUT.
        """
        if self.output:
            self.output.close()
        self.output = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "--config-file", self.config_path],
            stdin=subprocess.DEVNULL, stdout=self.output, stderr=subprocess.STDOUT,
            cwd=self.tmpdir, start_new_session=True, preexec_fn=managed_process.die_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        context = ssl.create_default_context(cafile=self.tls.ca_file) if self.tls else None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2, context=context) as resp:
                    body = json.loads(resp.read().decode("utf-8"))
                    if resp.status == 200 and "default_version" in body:
                        return True
            except (urllib.error.URLError, ConnectionError, socket.timeout, ValueError):
                pass
            time.sleep(0.05)
        raise ConductorError("ingot-conductor (pid %d) did not answer GET / within %.0f s; log:\n%s"
                             % (self.process.pid, START_TIMEOUT, self.log()))


start_for_test_class = Conductor.start_for_test_class
