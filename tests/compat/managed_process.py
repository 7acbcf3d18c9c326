"""What every process the compatibility tests start has in common.

A :class:`ManagedProcess` owns one child (``self.process``, a Popen), the
file its output goes to (``self.output``) and a temporary directory
(``self.tmpdir``). :meth:`ManagedProcess.stop` stops the child by its PID
(SIGTERM, SIGKILL after ``stop_timeout``), closes the output and removes the
directory; it is safe to repeat and runs from the context manager, from the
class cleanup :meth:`ManagedProcess.start_for_test_class` registers (before
starting, so a failed start is cleaned up too) and from an ``atexit`` hook.
Children get SIGTERM if the test process itself dies (:func:`die_with_parent`,
PR_SET_PDEATHSIG). Nothing is ever killed by name.
"""

import atexit
import ctypes
import os
import shutil
import signal
import subprocess
import sys

_running = set()


def die_with_parent():
    """In the child before exec: get SIGTERM if the test process dies.

    Covers what atexit cannot: the test runner killed by a signal (a CTest
    timeout, SIGKILL). PR_SET_PDEATHSIG is Linux-only; elsewhere skip it.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class ManagedProcess:
    name = "process"      # for messages
    stop_timeout = 10.0   # seconds between SIGTERM and SIGKILL
    # Exit codes of a normal stop (Popen's -N: killed by signal N).
    normal_exit_codes = (0, -signal.SIGTERM)

    process = None
    output = None
    tmpdir = None

    def start(self):
        raise NotImplementedError

    def log(self):
        return ""

    def track(self):
        """Call at the start of start(): from now on stop() cleans up."""
        _running.add(self)

    def stop(self):
        """Stop by PID, close the output, remove the directory.

        Returns the exit code (None if the process never started).
        """
        code = self.stop_process()
        if self.output:
            self.output.close()
            self.output = None
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
        _running.discard(self)
        return code

    def stop_process(self):
        """Stop only the child, by PID; print its log when the exit code is
        not a normal one. Returns the code (None: nothing ran)."""
        code = None
        proc, self.process = self.process, None
        if proc is not None:
            if proc.poll() is None:
                _signal(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=self.stop_timeout)
                except subprocess.TimeoutExpired:
                    sys.stderr.write("%s pid %d ignored SIGTERM for %.0f s; sending SIGKILL\n"
                                     % (self.name, proc.pid, self.stop_timeout))
                    _signal(proc.pid, signal.SIGKILL)
                    proc.wait()
            code = proc.returncode
            if code not in self.normal_exit_codes:
                sys.stderr.write("%s pid %d ended with code %s; its log:\n%s\n"
                                 % (self.name, proc.pid, code, self.log()[-20000:]))
        return code

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    @classmethod
    def start_for_test_class(cls, test_class, **kwargs):
        """Start one for a unittest class (call from ``setUpClass``)."""
        instance = cls(**kwargs)
        test_class.addClassCleanup(instance.stop)
        return instance.start()


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


@atexit.register
def _stop_leftovers():
    for process in list(_running):
        process.stop()
