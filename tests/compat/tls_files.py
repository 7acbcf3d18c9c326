"""Files a conductor needs to serve HTTPS and HTTP basic authentication in
the compatibility tests: a private CA, a certificate it signs for
127.0.0.1, and an Apache htpasswd file with bcrypt hashes.

Made with the ``openssl`` command (argument vectors, no shell) and Python's
``crypt`` (libxcrypt: the same bcrypt the conductor checks with). Every
file lives in one temporary directory, removed by :meth:`TlsFiles.remove`.
"""

import os
import shutil
import subprocess
import tempfile
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # crypt: deprecated in 3.11, still libxcrypt's
    import crypt


def _openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True, timeout=60)


class TlsFiles:
    """A CA (``ca_file``) and a certificate for 127.0.0.1 it signed
    (``cert_file``, ``key_file``), in a fresh temporary directory."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="ingot-compat-tls-")
        self.ca_file = self._path("ca.pem")
        self.cert_file = self._path("api.pem")
        self.key_file = self._path("api.key")
        try:
            self._make()
        except BaseException:
            self.remove()
            raise

    def _path(self, name):
        return os.path.join(self.dir, name)

    def _make(self):
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        _openssl("req", "-x509", *ec, "-keyout", self._path("ca.key"), "-out", self.ca_file, "-days", "2",
                 "-subj", "/CN=Ingot compat test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        _openssl("req", *ec, "-keyout", self.key_file, "-out", self._path("api.csr"), "-subj", "/CN=127.0.0.1")
        with open(self._path("api.ext"), "w", encoding="ascii") as f:
            f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        _openssl("x509", "-req", "-in", self._path("api.csr"), "-CA", self.ca_file, "-CAkey", self._path("ca.key"),
                 "-CAcreateserial", "-out", self.cert_file, "-days", "2", "-extfile", self._path("api.ext"))

    def write_htpasswd(self, users):
        """An htpasswd file of ``{user: password}`` with bcrypt hashes; its path."""
        path = self._path("htpasswd")
        with open(path, "w", encoding="utf-8") as f:
            for user, password in users.items():
                f.write("%s:%s\n" % (user, crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16))))
        return path

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)
