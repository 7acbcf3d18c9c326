"""The stock ``baremetal`` command (python3-openstackclient with the
python3-ironicclient 5.0.1 plugin) against a real ingot-conductor.

Every call runs the real command as a subprocess with an argument list and
``OS_AUTH_TYPE=none OS_ENDPOINT=<conductor url>``; every other ``OS_*``
variable is removed so a developer's cloud settings cannot leak in.

Run from this directory: ``python3 -m unittest -v test_baremetal_cli``
(with the Debian interpreter, /usr/bin/python3, when another python3 comes
first in PATH).
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import conductor as conductor_mod

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
BAREMETAL = shutil.which("baremetal")
# ironicclient 5.0.1 retries a 409 five times, 2 s apart, before failing.
CLI_TIMEOUT = 120

# The interfaces Ironic 21.4 validates for a fake-hardware node
# (notes/ironic-21.4-examples/23-node-validate.txt), all passing.
IRONIC_VALIDATE_INTERFACES = {
    "bios", "boot", "console", "deploy", "inspect", "management",
    "network", "power", "raid", "rescue", "storage",
}


class BaremetalCliTestCase(unittest.TestCase):
    """Starts one conductor per class and runs ``baremetal`` against it."""

    conductor_options = None

    @classmethod
    def setUpClass(cls):
        if BAREMETAL is None:
            raise RuntimeError("the `baremetal` command is not installed "
                               "(Debian: python3-openstackclient python3-ironicclient)")
        cls.conductor = conductor_mod.start_for_test_class(cls, options=cls.conductor_options)
        cls.cache_dir = tempfile.mkdtemp(prefix="ingot-compat-cache-")
        cls.addClassCleanup(shutil.rmtree, cls.cache_dir, True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("OS_")}
        env.update({
            "OS_AUTH_TYPE": "none",
            "OS_ENDPOINT": cls.conductor.url,
            # ironicclient caches negotiated versions under the user cache.
            "XDG_CACHE_HOME": cls.cache_dir,
        })
        cls.env = env

    def run_cli(self, *args, check=True):
        """Run ``baremetal <args>``; with check, fail on a non-zero exit."""
        argv = [BAREMETAL] + [str(a) for a in args]
        proc = subprocess.run(argv, env=self.env, capture_output=True, text=True,
                              timeout=CLI_TIMEOUT, check=False)
        if check and proc.returncode != 0:
            self.fail("`%s` exited %d\nstdout:\n%s\nstderr:\n%s\nconductor log (tail):\n%s"
                      % (" ".join(argv[1:]), proc.returncode, proc.stdout, proc.stderr,
                         self.conductor.log()[-4000:]))
        return proc

    def run_json(self, *args):
        proc = self.run_cli(*args, "-f", "json")
        try:
            return json.loads(proc.stdout)
        except ValueError:
            self.fail("`baremetal %s -f json` printed no JSON:\n%s\nstderr:\n%s"
                      % (" ".join(map(str, args)), proc.stdout, proc.stderr))

    def create_node(self, name, driver="fake-hardware"):
        node = self.run_json("node", "create", "--driver", driver, "--name", name)
        self.assertEqual(node["name"], name)
        return node


class NodeCommandsTest(BaremetalCliTestCase):

    def test_node_create_returns_ironic_fields(self):
        node = self.create_node("cli-create")
        self.assertRegex(node["uuid"], UUID_RE)
        self.assertEqual(node["driver"], "fake-hardware")
        self.assertEqual(node["provision_state"], "enroll")
        self.assertIsNone(node["target_provision_state"])
        self.assertIsNone(node["power_state"])
        self.assertIs(node["maintenance"], False)
        self.assertIsNone(node["maintenance_reason"])
        self.assertEqual(node["conductor"], "compat-host")
        self.assertEqual(node["conductor_group"], "")
        self.assertEqual(node["driver_info"], {})
        self.assertEqual(node["properties"], {})
        self.assertEqual(node["extra"], {})
        self.assertEqual(node["traits"], [])
        # fake-hardware's defaults, as Ironic 21.4 reports them (08-node-create.txt).
        for iface in ("bios", "boot", "console", "deploy", "inspect", "management",
                      "power", "raid", "rescue", "vendor"):
            self.assertEqual(node[iface + "_interface"], "fake", iface)
        self.assertEqual(node["network_interface"], "noop")
        self.assertEqual(node["storage_interface"], "noop")
        self.assertNotIn("links", node)  # the CLI drops links; their presence means a shape change

    def test_node_list_default_long_and_json(self):
        created = self.create_node("cli-list")
        rows = self.run_json("node", "list")
        self.assertEqual(set(rows[0]), {"UUID", "Name", "Instance UUID", "Power State",
                                        "Provisioning State", "Maintenance"})
        mine = [r for r in rows if r["UUID"] == created["uuid"]]
        self.assertEqual(mine, [{"UUID": created["uuid"], "Name": "cli-list", "Instance UUID": None,
                                 "Power State": None, "Provisioning State": "enroll",
                                 "Maintenance": False}])

        long_rows = self.run_json("node", "list", "--long")
        mine = [r for r in long_rows if r["UUID"] == created["uuid"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["Driver"], "fake-hardware")
        self.assertEqual(mine[0]["Name"], "cli-list")
        self.assertEqual(mine[0]["Boot Interface"], "fake")
        self.assertEqual(mine[0]["Conductor"], "compat-host")
        self.assertEqual(mine[0]["Driver Info"], {})

        table = self.run_cli("node", "list").stdout
        self.assertIn(created["uuid"], table)
        self.assertIn("Provisioning State", table)

    def test_node_show_by_name_and_uuid(self):
        created = self.create_node("cli-show")
        by_name = self.run_json("node", "show", "cli-show")
        by_uuid = self.run_json("node", "show", created["uuid"])
        self.assertEqual(by_name["uuid"], created["uuid"])
        self.assertEqual(by_uuid["name"], "cli-show")
        self.assertEqual(by_name, by_uuid)
        self.assertEqual(self.run_cli("node", "show", "cli-show", "-f", "value", "-c", "driver").stdout,
                         "fake-hardware\n")

    def test_node_set_masks_password_and_unset(self):
        self.create_node("cli-set")
        self.run_cli("node", "set", "cli-set", "--extra", "a=b", "--extra", "keep=1",
                     "--property", "cpus=4", "--driver-info", "ipmi_password=secret",
                     "--driver-info", "ipmi_username=admin", "--description", "d")
        shown = self.run_cli("node", "show", "cli-set", "-f", "json")
        node = json.loads(shown.stdout)
        self.assertEqual(node["extra"], {"a": "b", "keep": 1})
        self.assertEqual(node["properties"], {"cpus": 4})
        self.assertEqual(node["description"], "d")
        self.assertEqual(node["driver_info"], {"ipmi_password": "******", "ipmi_username": "admin"})
        self.assertNotIn("secret", shown.stdout)
        self.assertIsNotNone(node["updated_at"])

        self.run_cli("node", "unset", "cli-set", "--extra", "a")
        node = self.run_json("node", "show", "cli-set")
        self.assertEqual(node["extra"], {"keep": 1})
        self.assertEqual(node["properties"], {"cpus": 4})

    def test_node_maintenance_set_and_unset(self):
        self.create_node("cli-maint")
        self.run_cli("node", "maintenance", "set", "cli-maint", "--reason", "fan broken")
        node = self.run_json("node", "show", "cli-maint")
        self.assertIs(node["maintenance"], True)
        self.assertEqual(node["maintenance_reason"], "fan broken")
        rows = self.run_json("node", "list", "--maintenance")
        self.assertIn("cli-maint", [r["Name"] for r in rows])

        self.run_cli("node", "maintenance", "unset", "cli-maint")
        node = self.run_json("node", "show", "cli-maint")
        self.assertIs(node["maintenance"], False)
        self.assertIsNone(node["maintenance_reason"])
        rows = self.run_json("node", "list", "--maintenance")
        self.assertNotIn("cli-maint", [r["Name"] for r in rows])

    def test_node_validate_fake_hardware(self):
        self.create_node("cli-validate")
        rows = self.run_json("node", "validate", "cli-validate")
        self.assertEqual({r["Interface"] for r in rows}, IRONIC_VALIDATE_INTERFACES)
        for row in rows:
            self.assertIs(row["Result"], True, row)
            self.assertEqual(row["Reason"], "", row)

    def test_node_validate_ipmi_reports_missing_address(self):
        self.create_node("cli-validate-ipmi", driver="ipmi")
        rows = {r["Interface"]: r for r in self.run_json("node", "validate", "cli-validate-ipmi")}
        self.assertIs(rows["power"]["Result"], False)
        self.assertIn("ipmi_address", rows["power"]["Reason"])

    def test_node_delete(self):
        created = self.create_node("cli-delete")
        proc = self.run_cli("node", "delete", "cli-delete")
        self.assertIn("Deleted node cli-delete", proc.stdout + proc.stderr)
        shown = self.run_cli("node", "show", created["uuid"], check=False)
        self.assertNotEqual(shown.returncode, 0)
        self.assertIn("Node %s could not be found. (HTTP 404)" % created["uuid"], shown.stderr)
        self.assertNotIn(created["uuid"], [r["UUID"] for r in self.run_json("node", "list")])

    def test_node_show_nonexistent_fails_with_ironic_message(self):
        proc = self.run_cli("node", "show", "nonexistent", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertEqual(proc.stdout, "")
        self.assertIn("Node nonexistent could not be found. (HTTP 404)", proc.stderr)

    def test_node_lifecycle_with_wait(self):
        created = self.create_node("cli-life")
        for verb, state in (("manage", "manageable"), ("provide", "available"), ("deploy", "active")):
            self.run_cli("node", verb, "cli-life", "--wait", "30")
            self.assertEqual(self.run_json("node", "show", "cli-life")["provision_state"], state, verb)
        self.run_cli("node", "power", "on", "cli-life")
        for _ in range(100):
            node = self.run_json("node", "show", "cli-life")
            if node["power_state"] == "power on" and node["target_power_state"] is None:
                break
        self.assertEqual(node["power_state"], "power on")
        self.run_cli("node", "boot", "device", "set", "cli-life", "disk", "--persistent")
        device = self.run_json("node", "boot", "device", "show", "cli-life")
        self.assertEqual(device["boot_device"], "disk")
        self.run_cli("node", "undeploy", "cli-life", "--wait", "30")
        self.assertEqual(self.run_json("node", "show", "cli-life")["provision_state"], "available")
        history = self.run_json("node", "history", "list", "cli-life")
        events = [h["Description of the event"] for h in history]
        self.assertIn('Provision state changed from "deploying" to "active"', events)
        self.assertEqual(created["provision_state"], "enroll")

    def test_invalid_transition_is_refused(self):
        self.create_node("cli-bad-verb")
        proc = self.run_cli("node", "deploy", "cli-bad-verb", check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn('can not be performed on node', proc.stderr)
        self.assertIn('while it is in state "enroll"', proc.stderr)

    def test_node_create_unknown_driver_fails(self):
        proc = self.run_cli("node", "create", "--driver", "no-such-driver", check=False)
        self.assertNotEqual(proc.returncode, 0)
        # Ironic 21.4's answer (28-error-400-bad-driver.txt).
        self.assertIn("No valid host was found. Reason: No conductor service registered which "
                      "supports driver no-such-driver", proc.stderr)
        self.assertIn("(HTTP 400)", proc.stderr)


class PortCommandsTest(BaremetalCliTestCase):

    def test_port_lifecycle(self):
        node = self.create_node("cli-port-node")
        other = self.create_node("cli-port-other")
        port = self.run_json("port", "create", "52:54:00:aa:bb:01", "--node", node["uuid"])
        self.assertRegex(port["uuid"], UUID_RE)
        self.assertEqual(port["address"], "52:54:00:aa:bb:01")
        self.assertEqual(port["node_uuid"], node["uuid"])
        self.assertIs(port["pxe_enabled"], True)
        self.assertEqual(port["extra"], {})
        self.assertEqual(port["local_link_connection"], {})
        other_port = self.run_json("port", "create", "52:54:00:aa:bb:02", "--node", other["uuid"])

        listed = self.run_json("port", "list")
        self.assertEqual(set(listed[0]), {"UUID", "Address"})
        self.assertIn({"UUID": port["uuid"], "Address": "52:54:00:aa:bb:01"}, listed)
        self.assertIn({"UUID": other_port["uuid"], "Address": "52:54:00:aa:bb:02"}, listed)

        # By node name and by node UUID: only that node's port.
        self.assertEqual(self.run_json("port", "list", "--node", "cli-port-node"),
                         [{"UUID": port["uuid"], "Address": "52:54:00:aa:bb:01"}])
        self.assertEqual(self.run_json("port", "list", "--node", other["uuid"]),
                         [{"UUID": other_port["uuid"], "Address": "52:54:00:aa:bb:02"}])
        self.assertEqual(self.run_json("port", "list", "--address", "52:54:00:aa:bb:02"),
                         [{"UUID": other_port["uuid"], "Address": "52:54:00:aa:bb:02"}])

        long_rows = self.run_json("port", "list", "--long")
        mine = [r for r in long_rows if r["UUID"] == port["uuid"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["Node UUID"], node["uuid"])

        shown = self.run_json("port", "show", port["uuid"])
        self.assertEqual(shown["address"], "52:54:00:aa:bb:01")
        self.assertEqual(shown["node_uuid"], node["uuid"])
        by_address = self.run_json("port", "show", "--address", "52:54:00:aa:bb:01")
        self.assertEqual(by_address["uuid"], port["uuid"])

        self.run_cli("port", "delete", port["uuid"])
        self.assertNotIn(port["uuid"], [r["UUID"] for r in self.run_json("port", "list")])
        gone = self.run_cli("port", "show", port["uuid"], check=False)
        self.assertNotEqual(gone.returncode, 0)
        self.assertIn("Port %s could not be found. (HTTP 404)" % port["uuid"], gone.stderr)
        self.assertEqual(self.run_json("port", "list", "--node", "cli-port-node"), [])

    def test_duplicate_port_fails_with_409_message(self):
        node = self.create_node("cli-dup-port")
        self.run_json("port", "create", "52:54:00:aa:bb:0f", "--node", node["uuid"])
        proc = self.run_cli("port", "create", "52:54:00:aa:bb:0f", "--node", node["uuid"], check=False)
        self.assertNotEqual(proc.returncode, 0)
        # Ironic 21.4's text (31-error-409-duplicate-mac.txt), shown after
        # ironicclient's retries on 409.
        self.assertIn("A port with MAC address 52:54:00:aa:bb:0f already exists. (HTTP 409)",
                      proc.stderr)
        ports = self.run_json("port", "list", "--node", node["uuid"])
        self.assertEqual(len(ports), 1)


class UpdateFilterAndChassisCommandsTest(BaremetalCliTestCase):

    def test_node_create_with_options_and_list_filters(self):
        uuid = "11111111-2222-3333-4444-555555555555"
        node = self.run_json("node", "create", "--driver", "fake-hardware", "--name", "cli-filter",
                             "--uuid", uuid, "--resource-class", "gold", "--property", "cpus=2")
        self.assertEqual(node["uuid"], uuid)
        self.assertEqual(node["resource_class"], "gold")
        self.assertEqual(node["properties"], {"cpus": 2})
        self.create_node("cli-filter-ipmi", driver="ipmi")

        def names(*args):
            return sorted(r["Name"] for r in self.run_json("node", "list", *args))
        self.assertEqual(names("--resource-class", "gold"), ["cli-filter"])
        self.assertEqual(names("--driver", "ipmi"), ["cli-filter-ipmi"])
        self.assertIn("cli-filter", names("--provision-state", "enroll"))
        self.assertEqual(names("--provision-state", "active"), [])
        self.assertEqual(self.run_json("node", "list", "--resource-class", "gold",
                                       "--fields", "uuid", "name", "driver"),
                         [{"UUID": uuid, "Name": "cli-filter", "Driver": "fake-hardware"}])
        self.assertEqual(self.run_json("node", "show", "cli-filter", "--fields", "name", "resource_class"),
                         {"name": "cli-filter", "resource_class": "gold"})

    def test_node_rename_and_change_driver(self):
        self.create_node("cli-rename")
        self.run_cli("node", "set", "cli-rename", "--name", "cli-renamed")
        self.assertEqual(self.run_cli("node", "show", "cli-renamed", "-f", "value", "-c", "name").stdout,
                         "cli-renamed\n")
        self.assertNotEqual(self.run_cli("node", "show", "cli-rename", check=False).returncode, 0)
        self.run_cli("node", "set", "cli-renamed", "--driver", "ipmi", "--reset-interfaces")
        node = self.run_json("node", "show", "cli-renamed")
        self.assertEqual(node["driver"], "ipmi")
        self.assertEqual(node["power_interface"], "ipmitool")
        self.assertEqual(node["management_interface"], "ipmitool")

    def test_instance_uuid_and_associated_filter(self):
        self.create_node("cli-assoc")
        instance = "99999999-2222-3333-4444-555555555555"
        self.run_cli("node", "set", "cli-assoc", "--instance-uuid", instance)
        self.assertEqual(self.run_json("node", "show", "cli-assoc")["instance_uuid"], instance)
        self.assertIn("cli-assoc", [r["Name"] for r in self.run_json("node", "list", "--associated")])
        self.assertNotIn("cli-assoc", [r["Name"] for r in self.run_json("node", "list", "--unassociated")])
        self.run_cli("node", "unset", "cli-assoc", "--instance-uuid")
        self.assertIsNone(self.run_json("node", "show", "cli-assoc")["instance_uuid"])

    def test_chassis_and_node_list_by_chassis(self):
        chassis = self.run_json("chassis", "create", "--description", "rack 1")
        self.assertRegex(chassis["uuid"], UUID_RE)
        self.assertEqual(chassis["description"], "rack 1")
        self.assertEqual(self.run_json("chassis", "show", chassis["uuid"])["description"], "rack 1")
        self.assertIn(chassis["uuid"], [r["UUID"] for r in self.run_json("chassis", "list")])
        node = self.run_json("node", "create", "--driver", "fake-hardware", "--name", "cli-in-chassis",
                             "--chassis-uuid", chassis["uuid"])
        self.assertEqual(node["chassis_uuid"], chassis["uuid"])
        self.create_node("cli-no-chassis")
        # GET /v1/nodes?chassis_uuid=<uuid> (ironicclient/v1/node.py:160).
        rows = self.run_json("node", "list", "--chassis", chassis["uuid"])
        self.assertEqual([r["Name"] for r in rows], ["cli-in-chassis"])
        # A chassis with nodes cannot be deleted; an empty one can.
        busy = self.run_cli("chassis", "delete", chassis["uuid"], check=False)
        self.assertNotEqual(busy.returncode, 0)
        self.assertIn("contains nodes", busy.stderr)
        self.run_cli("node", "delete", "cli-in-chassis")
        self.run_cli("chassis", "delete", chassis["uuid"])
        self.assertNotIn(chassis["uuid"], [r["UUID"] for r in self.run_json("chassis", "list")])

    def test_port_set_and_unset(self):
        node = self.create_node("cli-port-set")
        port = self.run_json("port", "create", "52:54:00:aa:cc:01", "--node", node["uuid"],
                             "--extra", "a=b", "--local-link-connection", "switch_id=aa:bb:cc:dd:ee:ff",
                             "--local-link-connection", "port_id=Eth1")
        self.assertEqual(port["local_link_connection"], {"switch_id": "aa:bb:cc:dd:ee:ff", "port_id": "Eth1"})
        self.run_cli("port", "set", port["uuid"], "--extra", "c=d", "--physical-network", "physnet1")
        self.run_cli("port", "unset", port["uuid"], "--extra", "a")
        shown = self.run_json("port", "show", port["uuid"])
        self.assertEqual(shown["extra"], {"c": "d"})
        self.assertEqual(shown["physical_network"], "physnet1")
        self.assertIsNotNone(shown["updated_at"])
        self.run_cli("port", "unset", port["uuid"], "--physical-network")
        self.assertIsNone(self.run_json("port", "show", port["uuid"])["physical_network"])
        self.assertEqual(self.run_json("port", "list", "--address", "52:54:00:aa:cc:01",
                                       "--fields", "uuid", "address", "node_uuid"),
                         [{"UUID": port["uuid"], "Address": "52:54:00:aa:cc:01", "Node UUID": node["uuid"]}])

    # ironicclient sends these booleans as the strings "True"/"False"/"false"
    # (common/utils.py:92 keeps a value json.loads cannot parse as a string);
    # Ironic 21.4's schemas accept strings and convert them with
    # args.boolean (ironic/api/controllers/v1/port.py:52,79;
    # node.py:197-198,209).
    def test_port_pxe_enabled_flags(self):
        node = self.create_node("cli-pxe")
        port = self.run_json("port", "create", "52:54:00:aa:cc:02", "--node", node["uuid"],
                             "--pxe-enabled", "false")  # POST {"pxe_enabled": "false"}
        self.assertIs(port["pxe_enabled"], False)
        self.run_cli("port", "set", port["uuid"], "--pxe-enabled")  # PATCH value "True"
        self.assertIs(self.run_json("port", "show", port["uuid"])["pxe_enabled"], True)
        self.run_cli("port", "set", port["uuid"], "--pxe-disabled")  # PATCH value "False"
        self.assertIs(self.run_json("port", "show", port["uuid"])["pxe_enabled"], False)

    def test_node_protected_and_retired_flags(self):
        self.create_node("cli-flags")
        self.run_cli("node", "set", "cli-flags", "--retired", "--retired-reason", "old")
        self.run_cli("node", "set", "cli-flags", "--protected", "--protected-reason", "keep")
        node = self.run_json("node", "show", "cli-flags")
        self.assertIs(node["retired"], True)
        self.assertEqual(node["retired_reason"], "old")
        self.assertIs(node["protected"], True)
        self.assertEqual(node["protected_reason"], "keep")
        self.run_cli("node", "unset", "cli-flags", "--protected", "--protected-reason")
        self.run_cli("node", "unset", "cli-flags", "--retired", "--retired-reason")
        node = self.run_json("node", "show", "cli-flags")
        self.assertIs(node["protected"], False)
        self.assertIs(node["retired"], False)
        self.assertIsNone(node["retired_reason"])


class DriverAndConductorCommandsTest(BaremetalCliTestCase):

    def test_driver_list_long(self):
        rows = {r["Supported driver(s)"]: r for r in self.run_json("driver", "list", "--long")}
        self.assertEqual(rows["ipmi"]["Type"], "dynamic")
        self.assertEqual(rows["ipmi"]["Default Power Interface"], "ipmitool")
        self.assertEqual(rows["fake-hardware"]["Default Deploy Interface"], "fake")
        self.assertEqual(set(self.run_cli("driver", "list", "--type", "dynamic", "-f", "value",
                                          "-c", "Supported driver(s)").stdout.split()),
                         {"fake-hardware", "ipmi"})

    def test_driver_property_list_fake_hardware(self):
        # Ironic 21.4 (07-driver-properties-fake-hardware.txt).
        rows = self.run_json("driver", "property", "list", "fake-hardware")
        self.assertEqual({r["Property"]: r["Description"] for r in rows},
                         {"B1": "B1 description. Required.", "B2": "B2 description. Required."})


    def test_driver_list(self):
        rows = self.run_json("driver", "list")
        by_name = {r["Supported driver(s)"]: r for r in rows}
        self.assertIn("fake-hardware", by_name)
        self.assertIn("ipmi", by_name)
        self.assertEqual(by_name["fake-hardware"]["Active host(s)"], "compat-host")

    def test_driver_show_fake_hardware(self):
        drv = self.run_json("driver", "show", "fake-hardware")
        self.assertEqual(drv["name"], "fake-hardware")
        self.assertEqual(drv["type"], "dynamic")
        self.assertEqual(drv["hosts"], "compat-host")
        self.assertEqual(drv["default_boot_interface"], "fake")
        self.assertEqual(drv["default_network_interface"], "noop")
        self.assertIn("fake", drv["enabled_power_interfaces"].split(", "))
        self.assertIn("direct", drv["enabled_deploy_interfaces"].split(", "))

    def test_driver_property_list_ipmi(self):
        rows = self.run_json("driver", "property", "list", "ipmi")
        props = {r["Property"]: r["Description"] for r in rows}
        self.assertIn("ipmi_address", props)
        self.assertIn("Required", props["ipmi_address"])
        self.assertIn("ipmi_password", props)
        self.assertIn("deploy_kernel", props)

    def test_driver_show_unknown_fails(self):
        proc = self.run_cli("driver", "show", "no-such-driver", check=False)
        self.assertNotEqual(proc.returncode, 0)
        # Ironic's DriverNotFound text (ironic/common/exception.py).
        self.assertIn("Could not find the following driver(s) or hardware type(s): no-such-driver. "
                      "(HTTP 404)", proc.stderr)

    def test_conductor_list_and_show(self):
        rows = self.run_json("conductor", "list")
        self.assertEqual(rows, [{"Hostname": "compat-host", "Conductor Group": "", "Alive": True}])
        shown = self.run_json("conductor", "show", "compat-host")
        self.assertEqual(shown["hostname"], "compat-host")
        self.assertIs(shown["alive"], True)
        self.assertIn("fake-hardware", shown["drivers"])


class PaginationTest(BaremetalCliTestCase):
    """With ``[api]max_limit = 2`` the conductor pages every collection."""

    conductor_options = {"api": {"max_limit": 2}}
    NAMES = ["page-a", "page-b", "page-c", "page-d", "page-e"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.uuids = {}
        for name in cls.NAMES:
            proc = subprocess.run([BAREMETAL, "node", "create", "--driver", "fake-hardware",
                                   "--name", name, "-f", "value", "-c", "uuid"],
                                  env=cls.env, capture_output=True, text=True, timeout=CLI_TIMEOUT)
            if proc.returncode != 0:
                raise RuntimeError("node create %s failed: %s" % (name, proc.stderr))
            cls.uuids[name] = proc.stdout.strip()

    def names(self, *args):
        return [r["Name"] for r in self.run_json("node", "list", "--sort", "name", *args)]

    def test_limit_returns_that_many(self):
        self.assertEqual(self.names("--limit", "1"), ["page-a"])
        self.assertEqual(self.names("--limit", "2"), ["page-a", "page-b"])

    def test_limit_above_page_size_follows_next_links(self):
        # limit=3 is capped to 2 by the server; the client follows `next`.
        self.assertEqual(self.names("--limit", "3"), ["page-a", "page-b", "page-c"])

    def test_limit_zero_fetches_every_page(self):
        self.assertEqual(self.names("--limit", "0"), self.NAMES)
        self.assertEqual(self.names("--limit", "0", "--sort", "name:desc"), list(reversed(self.NAMES)))
        long_rows = self.run_json("node", "list", "--long", "--limit", "0", "--sort", "name")
        self.assertEqual([r["Name"] for r in long_rows], self.NAMES)
        self.assertTrue(all(r["Driver"] == "fake-hardware" for r in long_rows))

    def test_without_limit_server_caps_at_max_limit(self):
        # ironicclient does one GET without a limit; Ironic returns max_limit items.
        self.assertEqual(self.names(), ["page-a", "page-b"])

    def test_marker(self):
        self.assertEqual(self.names("--limit", "0", "--marker", self.uuids["page-b"]),
                         ["page-c", "page-d", "page-e"])

    def test_unknown_marker_fails(self):
        # Ironic looks the marker up with Node.get_by_uuid: NodeNotFound, 404.
        missing = "00000000-0000-0000-0000-000000000000"
        proc = self.run_cli("node", "list", "--marker", missing, check=False)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("Node %s could not be found. (HTTP 404)" % missing, proc.stderr)


if __name__ == "__main__":
    unittest.main()
