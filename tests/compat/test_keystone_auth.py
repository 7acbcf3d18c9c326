"""The stock ``baremetal`` CLI and openstacksdk authenticating with a
password through a real Keystone (Debian's, see :mod:`keystone`) to a real
ingot-conductor with ``auth_strategy = keystone``.

One Keystone and one conductor serve the whole module; the conductor is in
Keystone's catalog (service type ``baremetal``), so the clients find it
there as they find Ironic. Every ``OS_*`` variable of the caller's
environment is removed first.

Run from this directory: ``/usr/bin/python3 -m unittest -v test_keystone_auth``.
"""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

import conductor as conductor_mod
import keystone as keystone_mod

try:
    import openstack
    from keystoneauth1 import exceptions as ksa_exc
    from openstack import exceptions as sdk_exc
except ImportError as e:  # the wrong interpreter: say so instead of skipping
    raise ImportError("openstacksdk is not importable by this python (%s); run the Debian "
                      "/usr/bin/python3 with python3-openstacksdk installed" % e) from e

BAREMETAL = shutil.which("baremetal")
CLI_TIMEOUT = 120
SERVICE_USER = "ingot"


def setUpModule():
    global KEYSTONE, CONDUCTOR, CACHE_DIR
    if BAREMETAL is None:
        raise RuntimeError("the `baremetal` command is not installed "
                           "(Debian: python3-openstackclient python3-ironicclient)")
    KEYSTONE = keystone_mod.Keystone()
    unittest.addModuleCleanup(KEYSTONE.stop)
    KEYSTONE.start()
    CONDUCTOR = conductor_mod.Conductor(options={
        "DEFAULT": {"auth_strategy": "keystone"},
        "keystone_authtoken": {
            "auth_url": KEYSTONE.url,
            "www_authenticate_uri": KEYSTONE.url,
            "auth_type": "password",
            "username": SERVICE_USER,
            "password": keystone_mod.password(SERVICE_USER),
            "user_domain_name": "Default",
            "project_name": "service",
            "project_domain_name": "Default",
        },
    })
    unittest.addModuleCleanup(CONDUCTOR.stop)
    CONDUCTOR.start()
    KEYSTONE.add_endpoint("identity", "keystone", KEYSTONE.url)
    KEYSTONE.add_endpoint("baremetal", "ironic", CONDUCTOR.url)
    CACHE_DIR = tempfile.mkdtemp(prefix="ingot-compat-cache-")
    unittest.addModuleCleanup(shutil.rmtree, CACHE_DIR, True)


def cli_env(user, scope, secret=None):
    """OS_* for `user` by password: scope "system" or a project name."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
    env.update({
        "OS_AUTH_TYPE": "password",
        "OS_AUTH_URL": KEYSTONE.url,
        "OS_IDENTITY_API_VERSION": "3",
        "OS_USERNAME": user,
        "OS_PASSWORD": secret if secret is not None else keystone_mod.password(user),
        "OS_USER_DOMAIN_NAME": "Default",
        "OS_REGION_NAME": "RegionOne",
        "OS_INTERFACE": "public",
        "XDG_CACHE_HOME": CACHE_DIR,
    })
    if scope == "system":
        env["OS_SYSTEM_SCOPE"] = "all"
    else:
        env.update({"OS_PROJECT_NAME": scope, "OS_PROJECT_DOMAIN_NAME": "Default"})
    return env


def sdk(user, scope, secret=None):
    auth = {"auth_url": KEYSTONE.url, "username": user,
            "password": secret if secret is not None else keystone_mod.password(user),
            "user_domain_name": "Default"}
    if scope == "system":
        auth["system_scope"] = "all"
    else:
        auth.update({"project_name": scope, "project_domain_name": "Default"})
    return openstack.connect(auth_type="password", auth=auth, region_name="RegionOne",
                             load_yaml_config=False, load_envvars=False)


def create_node(name, **fields):
    """Set-up, not under test: POST /v1/nodes as the system admin, by HTTP
    (ironicclient 5.0.1 cannot send owner or lessee in `node create`)."""
    body = dict(fields, driver="fake-hardware", name=name)
    status, _, created = keystone_mod.request(
        CONDUCTOR.url + "/v1/nodes", "POST", body,
        {"X-Auth-Token": KEYSTONE.token("sys-admin", "system"), "X-OpenStack-Ironic-API-Version": "latest"})
    if status != 201:
        raise AssertionError("POST /v1/nodes %s: HTTP %d %s" % (name, status, created))
    return created


class KeystoneTestCase(unittest.TestCase):

    def run_cli(self, user, scope, *args, secret=None, check=True):
        argv = [BAREMETAL] + [str(a) for a in args]
        proc = subprocess.run(argv, env=cli_env(user, scope, secret), capture_output=True, text=True,
                              timeout=CLI_TIMEOUT, check=False)
        if check and proc.returncode != 0:
            self.fail("`%s` as %s exited %d\nstdout:\n%s\nstderr:\n%s\nconductor log (tail):\n%s"
                      % (" ".join(argv[1:]), user, proc.returncode, proc.stdout, proc.stderr,
                         CONDUCTOR.log()[-4000:]))
        return proc

    def run_json(self, user, scope, *args):
        return json.loads(self.run_cli(user, scope, *args, "-f", "json").stdout)

    def tearDown(self):
        self.assertNotIn(keystone_mod.password(SERVICE_USER), CONDUCTOR.log(),
                         "the service password is in the conductor's log")


class BaremetalCliWithKeystoneTest(KeystoneTestCase):

    def test_system_admin_creates_lists_shows_and_deletes(self):
        node = self.run_json("sys-admin", "system", "node", "create", "--driver", "fake-hardware",
                             "--name", "ks-cli-node")
        self.assertEqual(node["name"], "ks-cli-node")
        listed = self.run_json("sys-admin", "system", "node", "list")
        self.assertIn("ks-cli-node", [n["Name"] for n in listed])
        shown = self.run_json("sys-admin", "system", "node", "show", "ks-cli-node")
        self.assertEqual(shown["uuid"], node["uuid"])
        self.run_cli("sys-admin", "system", "node", "delete", "ks-cli-node")
        listed = self.run_json("sys-admin", "system", "node", "list")
        self.assertNotIn("ks-cli-node", [n["Name"] for n in listed])

    def test_wrong_password_fails_with_the_authentication_error(self):
        proc = self.run_cli("sys-admin", "system", "node", "list", secret="not-the-password", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("The request you have made requires authentication", proc.stderr)
        self.assertIn("HTTP 401", proc.stderr)

    def test_project_reader_lists_only_owned_and_leased_nodes(self):
        owner = KEYSTONE.project_id("owner-proj")
        lessee = KEYSTONE.project_id("lessee-proj")
        create_node("ks-cli-owned", owner=owner)
        create_node("ks-cli-leased", owner=lessee, lessee=owner)
        create_node("ks-cli-foreign", owner=lessee)
        names = {n["Name"] for n in self.run_json("owner-reader", "owner-proj", "node", "list")}
        self.assertIn("ks-cli-owned", names)
        self.assertIn("ks-cli-leased", names)
        self.assertNotIn("ks-cli-foreign", names, "a project reader sees another project's node")

    def test_project_member_cannot_set_owner(self):
        owner = KEYSTONE.project_id("owner-proj")
        create_node("ks-cli-member", owner=owner)
        proc = self.run_cli("owner-member", "owner-proj", "node", "set", "ks-cli-member",
                            "--owner", KEYSTONE.project_id("lessee-proj"), check=False)
        self.assertNotEqual(proc.returncode, 0, "a project member changed a node's owner")
        self.assertIn("403", proc.stderr)
        shown = self.run_json("sys-admin", "system", "node", "show", "ks-cli-member", "--fields", "owner")
        self.assertEqual(shown["owner"], owner)


class OpenstackSdkWithKeystoneTest(KeystoneTestCase):

    def test_system_admin_creates_lists_gets_and_deletes(self):
        conn = sdk("sys-admin", "system")
        self.addCleanup(conn.close)
        node = conn.baremetal.create_node(driver="fake-hardware", name="ks-sdk-node", provision_state="enroll")
        self.assertIn(node.id, [n.id for n in conn.baremetal.nodes()])
        self.assertEqual(conn.baremetal.get_node("ks-sdk-node").id, node.id)
        conn.baremetal.delete_node(node)
        self.assertIsNone(conn.baremetal.find_node("ks-sdk-node"))

    def test_wrong_password_is_refused(self):
        conn = sdk("sys-admin", "system", secret="not-the-password")
        self.addCleanup(conn.close)
        with self.assertRaises((ksa_exc.Unauthorized, sdk_exc.HttpException)) as caught:
            list(conn.baremetal.nodes())
        self.assertIn("401", str(caught.exception))

    def test_project_reader_lists_only_owned_and_leased_nodes(self):
        owner = KEYSTONE.project_id("owner-proj")
        lessee = KEYSTONE.project_id("lessee-proj")
        # Set-up by HTTP: openstacksdk 0.101's Node has no `lessee` and drops it.
        create_node("ks-sdk-owned", owner=owner)
        create_node("ks-sdk-leased", owner=lessee, lessee=owner)
        create_node("ks-sdk-foreign", owner=lessee)
        reader = sdk("owner-reader", "owner-proj")
        self.addCleanup(reader.close)
        names = {n.name for n in reader.baremetal.nodes()}
        self.assertIn("ks-sdk-owned", names)
        self.assertIn("ks-sdk-leased", names)
        self.assertNotIn("ks-sdk-foreign", names, "a project reader sees another project's node")

    def test_project_member_cannot_set_owner(self):
        admin = sdk("sys-admin", "system")
        self.addCleanup(admin.close)
        owner = KEYSTONE.project_id("owner-proj")
        node = admin.baremetal.create_node(driver="fake-hardware", name="ks-sdk-member", owner=owner,
                                           provision_state="enroll")
        member = sdk("owner-member", "owner-proj")
        self.addCleanup(member.close)
        with self.assertRaises(sdk_exc.HttpException) as caught:
            member.baremetal.update_node(node.id, owner=KEYSTONE.project_id("lessee-proj"))
        self.assertEqual(caught.exception.status_code, 403)
        self.assertEqual(admin.baremetal.get_node(node.id).owner, owner)


if __name__ == "__main__":
    unittest.main()
