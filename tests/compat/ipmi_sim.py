"""A real IPMI BMC for the compatibility tests: OpenIPMI's ``ipmi_sim``.

Each :class:`IpmiSim` gets its own temporary directory with the simulator's
``lan.conf`` and ``bmc.emu``, a fresh state directory, and a chassis-control
script (run by ``ipmi_sim`` itself) that records the power state and boot
device in files instead of driving a machine. It listens on 127.0.0.1 and a
free UDP port and is ready when ``ipmitool power status`` answers.

The simulator is always stopped by its PID (SIGTERM, then SIGKILL): by
:meth:`IpmiSim.stop`, the context manager, :func:`start_for_test_class` (a
class cleanup that runs even if ``setUpClass`` fails) and an ``atexit``
hook; if the test process is killed, the kernel sends it SIGTERM
(PR_SET_PDEATHSIG). Nothing is ever killed by name.
"""

import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time

import managed_process

START_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0

_running = set()

BMC_EMU = """\
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
"""

# Called synchronously by ipmi_sim as `SCRIPT get power`, `SCRIPT set power 1`,
# `SCRIPT set boot pxe` ("default" for the disk), `SCRIPT set shutdown 1`...
CHASSIS_SCRIPT = """\
#!/bin/sh
d='%(dir)s'
echo "$*" >> "$d/chassis.log"
op=$1; shift
case "$op" in
get)
  for key in "$@"; do
    case "$key" in
      power) echo "power:$(cat "$d/power" 2>/dev/null || echo 0)" ;;
      boot) echo "boot:$(cat "$d/boot" 2>/dev/null || echo default)" ;;
    esac
  done ;;
set)
  while [ $# -ge 2 ]; do
    case "$1" in
      power) echo "$2" > "$d/power" ;;
      shutdown) echo 0 > "$d/power" ;;
      boot) echo "$2" > "$d/boot" ;;
    esac
    shift 2
  done ;;
esac
exit 0
"""

LAN_CONF = """\
name "ingot-compat"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 %(port)d
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  chassis_control "%(script)s"
  user 2 true "%(user)s" "%(password)s" admin 10 none md2 md5 straight
"""


def available():
    """Whether ipmi_sim and ipmitool are installed."""
    return bool(shutil.which("ipmi_sim")) and bool(shutil.which("ipmitool"))


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class IpmiSimError(RuntimeError):
    pass


class IpmiSim(managed_process.ManagedProcess):
    """One ipmi_sim process with its own configuration and chassis files."""

    name = "ipmi_sim"
    stop_timeout = STOP_TIMEOUT

    def __init__(self, username="admin", password="password"):
        self.username = username
        self.password = password
        self.tmpdir = None
        self.port = None
        self.process = None
        self.output = None

    address = "127.0.0.1"

    def _path(self, name):
        return os.path.join(self.tmpdir, name)

    def _read(self, name):
        try:
            with open(self._path(name), encoding="utf-8", errors="replace") as f:
                return f.read()
        except (OSError, TypeError):
            return ""

    # -- what the BMC did ----------------------------------------------------
    @property
    def pid(self):
        return self.process.pid if self.process else None

    def power_on(self):
        return self._read("power").strip() == "1"

    def boot_device(self):
        """The last device the BMC was told ("default" is ipmi_sim's disk)."""
        return self._read("boot").strip()

    def chassis_calls(self):
        return [line for line in self._read("chassis.log").splitlines() if line]

    def log(self):
        return self._read("ipmi_sim.log")

    def driver_info_args(self):
        """``--driver-info`` arguments for ``baremetal node create``."""
        args = []
        for key, value in (("ipmi_address", self.address), ("ipmi_port", self.port),
                           ("ipmi_username", self.username), ("ipmi_password", self.password)):
            args += ["--driver-info", "%s=%s" % (key, value)]
        return args

    # -- life cycle ----------------------------------------------------------
    def start(self):
        if self.process is not None:
            raise IpmiSimError("ipmi_sim already started")
        self.tmpdir = tempfile.mkdtemp(prefix="ingot-ipmi-sim-")
        self.track()
        try:
            script = self._path("chassis_control")
            with open(script, "w", encoding="utf-8") as f:
                f.write(CHASSIS_SCRIPT % {"dir": self.tmpdir})
            os.chmod(script, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP)
            with open(self._path("bmc.emu"), "w", encoding="utf-8") as f:
                f.write(BMC_EMU)
            with open(self._path("power"), "w", encoding="utf-8") as f:
                f.write("0\n")
            # A port chosen now may be taken before ipmi_sim binds it.
            for attempt in range(3):
                self.port = free_udp_port()
                with open(self._path("lan.conf"), "w", encoding="utf-8") as f:
                    f.write(LAN_CONF % {"port": self.port, "script": script,
                                        "user": self.username, "password": self.password})
                state = self._path("state-%d" % attempt)  # fresh: it remembers users
                os.mkdir(state)
                if self._spawn_and_wait(state):
                    return self
                self.stop_process()
            raise IpmiSimError("ipmi_sim did not answer `ipmitool power status`; log:\n" + self.log())
        except BaseException:
            self.stop()
            raise

    def _answers(self):
        env = dict(os.environ, IPMI_PASSWORD=self.password, IPMITOOL_PASSWORD=self.password)
        try:
            proc = subprocess.run(
                ["ipmitool", "-I", "lanplus", "-C", "3", "-H", self.address, "-p", str(self.port),
                 "-U", self.username, "-E", "-R", "1", "-N", "1", "power", "status"],
                env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=5, check=False)
        except subprocess.TimeoutExpired:
            return False
        return proc.returncode == 0 and "Chassis Power is" in proc.stdout

    def _spawn_and_wait(self, state):
        if self.output:
            self.output.close()
        self.output = open(self._path("ipmi_sim.log"), "ab")
        self.process = subprocess.Popen(
            ["ipmi_sim", "-c", self._path("lan.conf"), "-f", self._path("bmc.emu"), "-s", state, "-n"],
            stdin=subprocess.DEVNULL, stdout=self.output, stderr=subprocess.STDOUT,
            cwd=self.tmpdir, start_new_session=True,
            preexec_fn=managed_process.die_with_parent)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if self._answers():
                return True
            time.sleep(0.05)
        return False


start_for_test_class = IpmiSim.start_for_test_class
