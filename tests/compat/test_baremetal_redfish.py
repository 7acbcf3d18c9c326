"""The stock ``baremetal`` CLI driving a ``redfish`` node whose BMC is a real
ingot-vbmc over HTTPS, verified against a throwaway CA.

Power on/off/reboot, boot device set/show, and a wrong password reported in
``last_error`` while the password itself is never shown. Every state is
read back from the BMC's side (``/ingot-vbmc/systems/{id}``).

Run from this directory: ``/usr/bin/python3 -m unittest -v test_baremetal_redfish``.
"""

import unittest

import vbmc as vbmc_mod
from test_baremetal_cli import BaremetalCliTestCase


class RedfishNodeTest(BaremetalCliTestCase):

    conductor_options = {
        "DEFAULT": {"enabled_hardware_types": "fake-hardware,redfish"},
        "redfish": {"connection_attempts": 1, "request_timeout": 5},
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bmc = vbmc_mod.start_for_test_class(cls, memory_systems=2)

    def create_redfish_node(self, name, system, password="password"):
        return self.run_json(
            "node", "create", "--driver", "redfish", "--name", name,
            "--driver-info", "redfish_address=%s" % self.bmc.url,
            "--driver-info", "redfish_system_id=/redfish/v1/Systems/%s" % system,
            "--driver-info", "redfish_username=admin",
            "--driver-info", "redfish_password=%s" % password,
            "--driver-info", "redfish_verify_ca=%s" % self.bmc.ca_file)

    def test_power_and_boot_device(self):
        node = self.create_redfish_node("rf-cli", "node-0")
        self.assertEqual(node["driver_info"]["redfish_password"], "******")

        self.run_cli("node", "power", "on", "rf-cli", "--power-timeout", "30")
        self.assertEqual(self.run_json("node", "show", "rf-cli")["power_state"], "power on")
        self.assertEqual(self.bmc.state("node-0")["power_state"], "On")

        self.run_cli("node", "reboot", "rf-cli", "--power-timeout", "30")
        self.assertEqual(self.bmc.state("node-0")["power_state"], "On")

        self.run_cli("node", "power", "off", "rf-cli", "--power-timeout", "30")
        self.assertEqual(self.run_json("node", "show", "rf-cli")["power_state"], "power off")
        self.assertEqual(self.bmc.state("node-0")["power_state"], "Off")

        self.run_cli("node", "boot", "device", "set", "rf-cli", "pxe", "--persistent")
        boot = self.bmc.state("node-0")["boot"]
        self.assertEqual((boot["target"], boot["enabled"]), ("Pxe", "Continuous"))
        self.assertEqual(self.run_json("node", "boot", "device", "show", "rf-cli"),
                         {"boot_device": "pxe", "persistent": True})

        validate = {row["Interface"]: row for row in self.run_json("node", "validate", "rf-cli")}
        self.assertTrue(validate["power"]["Result"])
        self.assertTrue(validate["management"]["Result"])

    def test_wrong_password_is_reported_not_shown(self):
        self.create_redfish_node("rf-bad", "node-1", password="wrong-secret")
        # The CLI polls until the target clears; the action fails on the BMC.
        self.run_cli("node", "power", "on", "rf-bad", "--power-timeout", "30", check=False)
        node = self.run_json("node", "show", "rf-bad")
        self.assertIsNone(node["power_state"])
        self.assertIn("the credentials were refused", node["last_error"])
        self.assertNotIn("wrong-secret", node["last_error"])
        self.assertNotIn("wrong-secret", self.conductor.log())
        self.assertEqual(self.bmc.state("node-1")["power_state"], "Off")


if __name__ == "__main__":
    unittest.main()
