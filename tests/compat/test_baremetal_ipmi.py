"""The stock ``baremetal`` command driving an ``ipmi`` node whose BMC is a
real OpenIPMI ``ipmi_sim``: enrol with ``--driver-info``, validate, power on,
off and reboot, set and show the boot device, and a refused password.

Run from this directory: ``python3 -m unittest -v test_baremetal_ipmi``.
Skipped when ipmi_sim or ipmitool is not installed
(``scripts/install-deps --test`` installs them).
"""

import time
import unittest

import ipmi_sim
import test_baremetal_cli as cli_base

POWER_WAIT = 60.0


class IpmiCliTestCase(cli_base.BaremetalCliTestCase):
    """A conductor that only talks to the BMCs when asked (no power sync)."""

    conductor_options = {
        "conductor": {"sync_power_state_interval": 0},
        "ipmi": {"min_command_interval": 0, "command_retry_timeout": 5},
    }

    @classmethod
    def setUpClass(cls):
        if not ipmi_sim.available():
            raise unittest.SkipTest("ipmi_sim (openipmi) or ipmitool is not installed")
        super().setUpClass()
        cls.bmc = ipmi_sim.start_for_test_class(cls)

    def wait_power(self, node):
        """Poll `node show` until the power action is over."""
        deadline = time.monotonic() + POWER_WAIT
        while True:
            shown = self.run_json("node", "show", node)
            if shown["target_power_state"] is None and shown["reservation"] is None:
                return shown
            if time.monotonic() > deadline:
                self.fail("power action on %s never ended: %s" % (node, shown))
            time.sleep(0.1)


class IpmiPowerCommandsTest(IpmiCliTestCase):

    def test_power_and_boot_device_through_the_bmc(self):
        created = self.run_json("node", "create", "--driver", "ipmi", "--name", "ipmi-cli",
                                *self.bmc.driver_info_args())
        self.assertEqual(created["power_interface"], "ipmitool")
        self.assertEqual(created["management_interface"], "ipmitool")
        self.assertEqual(created["driver_info"]["ipmi_password"], "******")

        rows = {r["Interface"]: r for r in self.run_json("node", "validate", "ipmi-cli")}
        self.assertIs(rows["power"]["Result"], True, rows["power"])
        self.assertIs(rows["management"]["Result"], True, rows["management"])

        self.run_cli("node", "power", "on", "ipmi-cli", "--power-timeout", "30")
        node = self.wait_power("ipmi-cli")
        self.assertEqual(node["power_state"], "power on", node)
        self.assertIsNone(node["last_error"])
        self.assertTrue(self.bmc.power_on())

        self.run_cli("node", "power", "off", "ipmi-cli", "--power-timeout", "30")
        node = self.wait_power("ipmi-cli")
        self.assertEqual(node["power_state"], "power off", node)
        self.assertFalse(self.bmc.power_on())

        self.run_cli("node", "power", "on", "ipmi-cli")
        self.wait_power("ipmi-cli")
        before = len(self.bmc.chassis_calls())
        self.run_cli("node", "reboot", "ipmi-cli", "--power-timeout", "30")
        node = self.wait_power("ipmi-cli")
        self.assertEqual(node["power_state"], "power on", node)
        sets = [c for c in self.bmc.chassis_calls()[before:] if c.startswith("set ")]
        self.assertEqual(sets, ["set power 0", "set power 1"])

        self.run_cli("node", "boot", "device", "set", "ipmi-cli", "pxe", "--persistent")
        self.assertEqual(self.bmc.boot_device(), "pxe")
        device = self.run_json("node", "boot", "device", "show", "ipmi-cli")
        self.assertEqual(device["boot_device"], "pxe")
        # ipmi_sim keeps the device only; it reports every flag as one-time.
        self.assertIs(device["persistent"], False)
        supported = self.run_json("node", "boot", "device", "show", "ipmi-cli", "--supported")
        self.assertIn("pxe", supported["supported_boot_devices"])

    def test_wrong_password_sets_last_error(self):
        args = self.bmc.driver_info_args()
        args[args.index("ipmi_password=%s" % self.bmc.password)] = "ipmi_password=not-the-one"
        self.run_json("node", "create", "--driver", "ipmi", "--name", "ipmi-cli-bad", *args)
        self.run_cli("node", "power", "on", "ipmi-cli-bad")
        # That a bad password is not retried is a unit test's business
        # (ipmitool_runner_test); a wall-clock bound here fails on a busy CI.
        node = self.wait_power("ipmi-cli-bad")
        self.assertIsNone(node["power_state"])
        self.assertIn("IPMI power on failed for node %s at 127.0.0.1:%d" % (node["uuid"], self.bmc.port),
                      node["last_error"])
        self.assertIn("wrong ipmi_username or ipmi_password?", node["last_error"])
        self.assertNotIn("not-the-one", node["last_error"])
        self.assertNotIn("not-the-one", self.conductor.log())


if __name__ == "__main__":
    unittest.main()
