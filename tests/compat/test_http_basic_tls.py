"""The stock ``baremetal`` CLI and openstacksdk against a real
ingot-conductor with ``auth_strategy = http_basic`` serving HTTPS with a
certificate signed by a private CA, as Ironic documents its standalone
set-up (``--os-auth-type http_basic --os-endpoint ... --os-cacert ...``).

Right credentials and the CA work; a wrong password, no credentials or no
CA fail with the error each client gives for it. Every ``OS_*`` variable of
the caller's environment is removed first.

Run from this directory: ``/usr/bin/python3 -m unittest -v test_http_basic_tls``.
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import conductor as conductor_mod
import tls_files

try:
    import openstack
    from keystoneauth1 import exceptions as ksa_exc
    from openstack import exceptions as sdk_exc
except ImportError as e:  # the wrong interpreter: say so instead of skipping
    raise ImportError("openstacksdk is not importable by this python (%s); run the Debian "
                      "/usr/bin/python3 with python3-openstacksdk installed" % e) from e

BAREMETAL = shutil.which("baremetal")
CLI_TIMEOUT = 120
USER, PASSWORD = "operator", "c0rrect-horse"


def setUpModule():
    global TLS, CONDUCTOR, CACHE_DIR
    if BAREMETAL is None:
        raise RuntimeError("the `baremetal` command is not installed "
                           "(Debian: python3-openstackclient python3-ironicclient)")
    TLS = tls_files.TlsFiles()
    unittest.addModuleCleanup(TLS.remove)
    htpasswd = TLS.write_htpasswd({USER: PASSWORD})
    CONDUCTOR = conductor_mod.Conductor(tls=TLS, options={
        "DEFAULT": {"auth_strategy": "http_basic", "http_basic_auth_user_file": htpasswd},
    })
    unittest.addModuleCleanup(CONDUCTOR.stop)
    CONDUCTOR.start()
    CACHE_DIR = tempfile.mkdtemp(prefix="ingot-compat-cache-")
    unittest.addModuleCleanup(shutil.rmtree, CACHE_DIR, True)


def cli_env(password=PASSWORD, cacert=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update({
        "OS_AUTH_TYPE": "http_basic",
        "OS_ENDPOINT": CONDUCTOR.url,
        "OS_USERNAME": USER,
        "OS_PASSWORD": password,
        "XDG_CACHE_HOME": CACHE_DIR,
    })
    if cacert:
        env["OS_CACERT"] = TLS.ca_file
    return env


def sdk(password=PASSWORD, cacert=True):
    return openstack.connect(auth_type="http_basic",
                             auth={"endpoint": CONDUCTOR.url, "username": USER, "password": password},
                             baremetal_endpoint_override=CONDUCTOR.url, cacert=TLS.ca_file if cacert else None,
                             load_yaml_config=False, load_envvars=False)


class BaremetalCliOverHttpsTest(unittest.TestCase):

    def run_cli(self, *args, check=True, **env):
        argv = [BAREMETAL] + [str(a) for a in args]
        proc = subprocess.run(argv, env=cli_env(**env), capture_output=True, text=True, timeout=CLI_TIMEOUT,
                              check=False)
        if check and proc.returncode != 0:
            self.fail("`%s` exited %d\nstdout:\n%s\nstderr:\n%s\nconductor log (tail):\n%s"
                      % (" ".join(argv[1:]), proc.returncode, proc.stdout, proc.stderr, CONDUCTOR.log()[-4000:]))
        return proc

    def test_creates_lists_shows_and_deletes_with_the_password_and_the_ca(self):
        created = json.loads(self.run_cli("node", "create", "--driver", "fake-hardware", "--name", "tls-cli",
                                          "-f", "json").stdout)
        self.addCleanup(self.run_cli, "node", "delete", created["uuid"], check=False)
        names = [n["Name"] for n in json.loads(self.run_cli("node", "list", "-f", "json").stdout)]
        self.assertIn("tls-cli", names)
        shown = json.loads(self.run_cli("node", "show", "tls-cli", "-f", "json").stdout)
        self.assertEqual(shown["uuid"], created["uuid"])
        self.run_cli("node", "delete", "tls-cli")
        self.assertNotIn("tls-cli", self.run_cli("node", "list", "-f", "value", "-c", "Name").stdout.split())

    def test_a_wrong_password_is_refused_with_401(self):
        proc = self.run_cli("node", "list", check=False, password="guess")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("401", proc.stderr)
        self.assertNotIn("guess", CONDUCTOR.log())

    def test_without_the_ca_the_certificate_is_not_trusted(self):
        proc = self.run_cli("node", "list", check=False, cacert=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("CERTIFICATE_VERIFY_FAILED", proc.stderr)


class OpenstackSdkOverHttpsTest(unittest.TestCase):

    def test_creates_lists_gets_and_deletes(self):
        conn = sdk()
        node = conn.baremetal.create_node(driver="fake-hardware", name="tls-sdk")
        self.addCleanup(conn.baremetal.delete_node, node.id, ignore_missing=True)
        self.assertIn("tls-sdk", [n.name for n in conn.baremetal.nodes()])
        self.assertEqual(conn.baremetal.get_node("tls-sdk").id, node.id)
        conn.baremetal.delete_node(node.id)
        self.assertNotIn("tls-sdk", [n.name for n in conn.baremetal.nodes()])

    def test_a_wrong_password_is_refused_with_401(self):
        with self.assertRaises(sdk_exc.HttpException) as caught:
            list(sdk(password="guess").baremetal.nodes())
        self.assertEqual(caught.exception.status_code, 401)

    def test_no_credentials_are_refused_with_401(self):
        anonymous = openstack.connect(auth_type="none", baremetal_endpoint_override=CONDUCTOR.url,
                                      cacert=TLS.ca_file, load_yaml_config=False, load_envvars=False)
        with self.assertRaises(sdk_exc.HttpException) as caught:
            list(anonymous.baremetal.nodes())
        self.assertEqual(caught.exception.status_code, 401)

    def test_without_the_ca_the_certificate_is_not_trusted(self):
        # keystoneauth's version discovery hides the SSL error behind a
        # DiscoveryFailure; the same call with the CA works (above).
        with self.assertRaises((ksa_exc.SSLError, ksa_exc.DiscoveryFailure)) as caught:
            list(sdk(cacert=False).baremetal.nodes())
        if isinstance(caught.exception, ksa_exc.SSLError):
            self.assertIn("CERTIFICATE_VERIFY_FAILED", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
