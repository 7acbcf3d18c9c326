"""Start and stop a real ``ingot-vbmc`` (Ingot's virtual Redfish BMC).

:func:`make_test_ca` makes a throwaway certificate authority and a server
certificate for 127.0.0.1/localhost with the ``openssl`` CLI, so that
clients can verify TLS for real. :class:`Vbmc` runs the binary on a free
port (``--port 0``; it prints ``listening HOST:PORT`` on stdout) with its
own temporary directory for logs and state.

As in :mod:`conductor`, the process is always stopped by its PID (SIGTERM,
then SIGKILL): by :meth:`Vbmc.stop`, the context manager, a class cleanup
from :func:`start_for_test_class`, or an ``atexit`` hook; and it gets
SIGTERM if the test process dies (PR_SET_PDEATHSIG). Nothing is killed by
name.
"""

import base64
import json
import os
import ssl
import subprocess
import tempfile
import time
import urllib.request

import managed_process
from conductor import default_bin_dir

START_TIMEOUT = 20.0
STOP_TIMEOUT = 20.0  # it stops its QEMU machines first

class VbmcError(RuntimeError):
    pass


def _openssl(*args):
    proc = subprocess.run(["openssl"] + list(args), stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise VbmcError("openssl %s failed: %s" % (args[0], proc.stderr))


def make_test_ca(directory):
    """Write ca.pem, server.pem and server.key (EC P-256) to ``directory``.

    Returns a dict with the paths: ``ca_cert``, ``server_cert``,
    ``server_key``. The server certificate names IP:127.0.0.1 and
    DNS:localhost and is signed by the CA, so clients verify it with
    ``verify=ca_cert`` and reject it without.
    """
    paths = {"ca_cert": os.path.join(directory, "ca.pem"),
             "server_cert": os.path.join(directory, "server.pem"),
             "server_key": os.path.join(directory, "server.key")}
    ca_key = os.path.join(directory, "ca.key")
    csr = os.path.join(directory, "server.csr")
    ext = os.path.join(directory, "server.ext")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    _openssl("req", "-x509", *ec, "-keyout", ca_key, "-out", paths["ca_cert"], "-days", "7",
             "-subj", "/CN=Ingot test CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    _openssl("req", *ec, "-keyout", paths["server_key"], "-out", csr, "-subj", "/CN=localhost")
    with open(ext, "w", encoding="utf-8") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    _openssl("x509", "-req", "-in", csr, "-CA", paths["ca_cert"], "-CAkey", ca_key,
             "-CAcreateserial", "-out", paths["server_cert"], "-days", "7", "-extfile", ext)
    return paths


class Vbmc(managed_process.ManagedProcess):
    """One ingot-vbmc process.

    ``memory_systems`` in-memory systems (node-0 ..), or the systems of
    ``config`` (a dict, written as the --config JSON file). HTTPS with a
    fresh test CA unless ``tls`` is False; HTTP Basic/session credentials
    unless ``username`` is None.
    """

    name = "ingot-vbmc"
    stop_timeout = STOP_TIMEOUT

    def __init__(self, bin_dir=None, memory_systems=2, config=None, tls=True,
                 username="admin", password="password", fault_injection=False,
                 async_tasks=False, extra_args=()):
        self.binary = os.path.join(bin_dir or default_bin_dir(), "ingot-vbmc")
        self.memory_systems = memory_systems
        self.config = config
        self.tls = tls
        self.username = username
        self.password = password
        self.fault_injection = fault_injection
        self.async_tasks = async_tasks
        self.extra_args = list(extra_args)
        self.tmpdir = None
        self.ca = None
        self.port = None
        self.process = None
        self.output = None

    # -- paths -------------------------------------------------------------
    @property
    def url(self):
        return "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)

    @property
    def ca_file(self):
        return self.ca["ca_cert"] if self.ca else None

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def log(self):
        try:
            with open(os.path.join(self.tmpdir, "vbmc.log"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    def _stdout(self):
        try:
            with open(os.path.join(self.tmpdir, "vbmc.out"), encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    # -- life cycle --------------------------------------------------------
    def start(self):
        if self.process is not None:
            raise VbmcError("ingot-vbmc already started")
        if not os.access(self.binary, os.X_OK):
            raise VbmcError("%s is missing or not executable; build it (cmake --build build --target "
                            "ingot-vbmc) or set INGOT_BIN_DIR" % self.binary)
        self.tmpdir = tempfile.mkdtemp(prefix="ingot-vbmc-")
        self.track()
        try:
            argv = [self.binary, "--host", "127.0.0.1", "--port", "0",
                    "--state-dir", os.path.join(self.tmpdir, "state"),
                    "--log-file", os.path.join(self.tmpdir, "vbmc.log")]
            if self.config is not None:
                path = os.path.join(self.tmpdir, "systems.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(self.config, f)
                argv += ["--config", path]
            else:
                argv += ["--memory-systems", str(self.memory_systems)]
            if self.tls:
                self.ca = make_test_ca(self.tmpdir)
                argv += ["--tls-cert", self.ca["server_cert"], "--tls-key", self.ca["server_key"]]
            if self.username is not None:
                argv += ["--username", self.username, "--password", self.password]
            if self.fault_injection:
                argv.append("--enable-fault-injection")
            if self.async_tasks:
                argv.append("--async-tasks")
            argv += self.extra_args
            # stdout (only the "listening" line) goes to a file: a pipe
            # nobody drains could block the process.
            self.output = open(os.path.join(self.tmpdir, "vbmc.out"), "wb")
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.output,
                                            stderr=subprocess.STDOUT, cwd=self.tmpdir,
                                            start_new_session=True, preexec_fn=managed_process.die_with_parent)
            deadline = time.monotonic() + START_TIMEOUT
            while self.port is None:
                for line in self._stdout().splitlines():
                    if line.startswith("listening "):
                        self.port = int(line.rsplit(":", 1)[1])
                if self.port is not None:
                    break
                if self.process.poll() is not None:
                    raise VbmcError("ingot-vbmc exited at start (code %s):\n%s%s"
                                    % (self.process.returncode, self._stdout(), self.log()))
                if time.monotonic() > deadline:
                    raise VbmcError("ingot-vbmc printed no port within %.0f s:\n%s"
                                    % (START_TIMEOUT, self.log()))
                time.sleep(0.02)
            return self
        except BaseException:
            self.stop()
            raise

    # -- the BMC's own view (not Redfish) ------------------------------------
    def _request(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if self.username is not None:
            token = base64.b64encode(("%s:%s" % (self.username, self.password)).encode()).decode()
            req.add_header("Authorization", "Basic " + token)
        context = ssl.create_default_context(cafile=self.ca_file) if self.tls else None
        with urllib.request.urlopen(req, timeout=30, context=context) as resp:
            return json.loads(resp.read().decode("utf-8"))

    def system_ids(self):
        members = self._request("GET", "/redfish/v1/Systems")["Members"]
        return [m["@odata.id"].rsplit("/", 1)[1] for m in members]

    def state(self, system):
        """GET /ingot-vbmc/systems/{id}: power, boot override, media."""
        return self._request("GET", "/ingot-vbmc/systems/%s" % system)

    def set_fault(self, system, mode):
        return self._request("PUT", "/ingot-vbmc/systems/%s/fault" % system, {"mode": mode})


start_for_test_class = Vbmc.start_for_test_class
