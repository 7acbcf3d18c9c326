"""ingot-vbmc against the stock Redfish client Ironic uses: python3-sushy.

One ingot-vbmc over HTTPS with a throwaway CA, two in-memory systems.
sushy (Debian's 4.3.3) reads the service with HTTP Basic and with a
Redfish session, drives power, boot override and virtual media, and reads
everything back; the BMC's own view (GET /ingot-vbmc/systems/{id}) confirms
that what sushy saw is what happened. Verification against the system CAs
must fail: TLS is really checked.
"""

import os
import unittest

import sushy
from sushy import auth as sushy_auth
from sushy import exceptions as sushy_exc

import vbmc as vbmc_helper

USER = "admin"
PASSWORD = "password"

# requests lets these variables override a session's own `verify` (the CA
# file sushy is given), so a CI environment that sets them would make every
# connection fail verification against the system CAs.
for _name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_name, None)


class SushyAgainstVbmc(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.vbmc = vbmc_helper.start_for_test_class(cls, memory_systems=2, fault_injection=True,
                                                    username=USER, password=PASSWORD)

    def tearDown(self):
        for system in ("node-0", "node-1"):
            self.vbmc.set_fault(system, "none")

    def connect(self, auth):
        return sushy.Sushy(self.vbmc.url + "/redfish/v1", verify=self.vbmc.ca_file, auth=auth)

    def basic(self):
        return self.connect(sushy_auth.BasicAuth(username=USER, password=PASSWORD))

    def test_basic_auth_lists_and_reads_systems(self):
        root = self.basic()
        self.assertEqual(root.redfish_version, "1.8.0")
        members = root.get_system_collection().get_members()
        self.assertEqual(sorted(m.identity for m in members), ["node-0", "node-1"])
        system = root.get_system("/redfish/v1/Systems/node-1")
        self.assertEqual(system.identity, "node-1")
        self.assertEqual(system.uuid, self.vbmc.state("node-1")["uuid"])
        self.assertIn(system.power_state, (sushy.POWER_STATE_ON, sushy.POWER_STATE_OFF))
        self.assertIn(sushy.RESET_FORCE_RESTART, system.get_allowed_reset_system_values())
        self.assertIn(sushy.BOOT_SOURCE_TARGET_PXE, system.get_allowed_system_boot_source_values())
        self.assertEqual([m.identity for m in system.managers], ["node-1"])
        nics = system.ethernet_interfaces.get_members()
        self.assertEqual([n.mac_address for n in nics], self.vbmc.state("node-1")["macs"])

    def test_wrong_password_is_refused(self):
        with self.assertRaises(sushy_exc.AccessError):
            root = self.connect(sushy_auth.BasicAuth(username=USER, password="wrong"))
            root.get_system_collection().get_members()

    def test_session_auth_uses_a_real_session(self):
        auth = sushy_auth.SessionAuth(username=USER, password=PASSWORD)
        root = self.connect(auth)
        self.assertIsNotNone(auth.get_session_key())
        session_path = auth.get_session_resource_id()
        self.assertTrue(session_path.startswith("/redfish/v1/SessionService/Sessions/"), session_path)
        system = root.get_system("/redfish/v1/Systems/node-0")
        self.assertEqual(system.identity, "node-0")
        sessions = root.get_session_service().sessions.get_members()
        self.assertIn(session_path, [s.path for s in sessions])
        auth.close()  # DELETE of the session
        other = self.basic()
        self.assertNotIn(session_path, [s.path for s in other.get_session_service().sessions.get_members()])

    def test_power_actions(self):
        system = self.basic().get_system("/redfish/v1/Systems/node-0")
        system.reset_system(sushy.RESET_ON)
        system.refresh()
        self.assertEqual(system.power_state, sushy.POWER_STATE_ON)
        count = self.vbmc.state("node-0")["power_on_count"]
        system.reset_system(sushy.RESET_FORCE_RESTART)
        self.assertEqual(self.vbmc.state("node-0")["power_on_count"], count + 1)
        self.assertEqual(self.vbmc.state("node-0")["last_reset"], "ForceRestart")
        system.reset_system(sushy.RESET_FORCE_OFF)
        system.refresh()
        self.assertEqual(system.power_state, sushy.POWER_STATE_OFF)
        self.assertEqual(self.vbmc.state("node-0")["power_state"], "Off")

    def test_boot_options(self):
        system = self.basic().get_system("/redfish/v1/Systems/node-1")
        system.set_system_boot_options(sushy.BOOT_SOURCE_TARGET_PXE,
                                       enabled=sushy.BOOT_SOURCE_ENABLED_ONCE,
                                       mode=sushy.BOOT_SOURCE_MODE_UEFI)
        system.refresh()
        self.assertEqual(system.boot.target, sushy.BOOT_SOURCE_TARGET_PXE)
        self.assertEqual(system.boot.enabled, sushy.BOOT_SOURCE_ENABLED_ONCE)
        self.assertEqual(system.boot.mode, sushy.BOOT_SOURCE_MODE_UEFI)
        # The one-time override is used by the next power-on, then reads Disabled.
        system.reset_system(sushy.RESET_FORCE_RESTART)
        system.refresh()
        self.assertEqual(system.boot.enabled, sushy.BOOT_SOURCE_ENABLED_DISABLED)
        self.assertEqual(self.vbmc.state("node-1")["last_boot_target"], "Pxe")
        system.set_system_boot_options(sushy.BOOT_SOURCE_TARGET_HDD,
                                       enabled=sushy.BOOT_SOURCE_ENABLED_CONTINUOUS)
        system.refresh()
        self.assertEqual(system.boot.target, sushy.BOOT_SOURCE_TARGET_HDD)
        self.assertEqual(system.boot.mode, sushy.BOOT_SOURCE_MODE_UEFI)  # unchanged

    def test_virtual_media(self):
        root = self.connect(sushy_auth.SessionAuth(username=USER, password=PASSWORD))
        manager = root.get_manager("/redfish/v1/Managers/node-0")
        media = {m.identity: m for m in manager.virtual_media.get_members()}
        self.assertEqual(sorted(media), ["Cd", "Floppy"])
        cd = media["Cd"]
        self.assertIn(sushy.VIRTUAL_MEDIA_CD, cd.media_types)
        self.assertFalse(cd.inserted)
        self.assertIsNone(cd.image)
        url = "http://10.0.2.2:8080/ipa.iso"
        cd.insert_media(url, inserted=True, write_protected=True)
        cd.refresh()
        self.assertEqual(cd.image, url)
        self.assertTrue(cd.inserted)
        self.assertTrue(cd.write_protected)
        self.assertEqual(cd.connected_via, sushy.CONNECTED_VIA_URI)
        self.assertEqual(self.vbmc.state("node-0")["media"]["Cd"]["image"], url)
        cd.eject_media()
        cd.refresh()
        self.assertIsNone(cd.image)
        self.assertFalse(cd.inserted)
        self.assertFalse(self.vbmc.state("node-0")["media"]["Cd"]["inserted"])
        floppy = media["Floppy"]
        floppy.insert_media("http://10.0.2.2:8080/config.img", inserted=True, write_protected=False)
        self.assertFalse(self.vbmc.state("node-0")["media"]["Floppy"]["write_protected"])
        floppy.eject_media()

    def test_injected_faults_reach_sushy(self):
        system = self.basic().get_system("/redfish/v1/Systems/node-1")
        self.vbmc.set_fault("node-1", "error-500")
        # A POST (sushy retries 5xx GETs for 30 s, so not a GET here).
        with self.assertRaises(sushy_exc.ServerSideError):
            system.reset_system(sushy.RESET_ON)
        self.vbmc.set_fault("node-1", "malformed-json")
        with self.assertRaises(ValueError):
            system.refresh()
        self.vbmc.set_fault("node-1", "none")
        system.refresh()
        self.assertEqual(system.identity, "node-1")

    def test_tls_is_verified(self):
        with self.assertRaises(sushy_exc.ConnectionError) as caught:
            sushy.Sushy(self.vbmc.url + "/redfish/v1", verify=True,
                        auth=sushy_auth.BasicAuth(username=USER, password=PASSWORD))
        self.assertIn("CERTIFICATE_VERIFY_FAILED", str(caught.exception))


if __name__ == "__main__":
    unittest.main()
