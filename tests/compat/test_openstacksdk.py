"""Stock openstacksdk (Debian 12: python3-openstacksdk 0.101) against a real
ingot-conductor, through ``conn.baremetal`` with no authentication.

The SDK discovers the API from ``GET /`` and ``GET /v1`` and picks, for each
resource, the lower of the server's maximum and the resource's own maximum
microversion (Node: 1.76, Port: 1.34, Driver: 1.40, Conductor: 1.49).

Run from this directory with the Debian interpreter:
``/usr/bin/python3 -m unittest -v test_openstacksdk``.
"""

import unittest

import conductor as conductor_mod

try:
    import openstack
    from openstack import exceptions as sdk_exc
except ImportError as e:  # the wrong interpreter: say so instead of skipping
    raise ImportError("openstacksdk is not importable by this python (%s); run the Debian "
                      "/usr/bin/python3 with python3-openstacksdk installed" % e) from e


def connect(url):
    # auth_type 'none' with an endpoint override is how the SDK talks to a
    # standalone (noauth) Ironic; nothing is read from clouds.yaml or OS_*.
    return openstack.connect(auth_type="none", baremetal_endpoint_override=url,
                             load_yaml_config=False, load_envvars=False)


class SdkTestCase(unittest.TestCase):
    conductor_options = None

    @classmethod
    def setUpClass(cls):
        cls.conductor = conductor_mod.start_for_test_class(cls, options=cls.conductor_options)
        cls.conn = connect(cls.conductor.url)
        cls.addClassCleanup(cls.conn.close)

    def create_enrolled(self, name, **attrs):
        # provision_state='enroll' keeps the SDK from driving the node to
        # `available` (see test_create_node_default_reaches_available).
        return self.conn.baremetal.create_node(driver="fake-hardware", name=name,
                                               provision_state="enroll", **attrs)


class SdkNodeTest(SdkTestCase):

    def test_version_discovery(self):
        data = self.conn.baremetal.get_endpoint_data()
        self.assertEqual(data.min_microversion, (1, 1))
        self.assertEqual(data.max_microversion, (1, 82))
        self.assertEqual(self.conn.baremetal.get_endpoint().rstrip("/"), self.conductor.url + "/v1")

    def test_create_node_default_reaches_available(self):
        # The SDK's default create: POST, then `manage` and `provide` with
        # wait=True until the node is `available` (openstack/baremetal/v1/node.py
        # Node.create), as Ironic does with fake-hardware.
        node = self.conn.baremetal.create_node(driver="fake-hardware", name="sdk-default-create")
        self.assertEqual(node.provision_state, "available")
        self.assertEqual(self.conn.baremetal.get_node("sdk-default-create").provision_state, "available")

    def test_create_node_enroll_fields(self):
        node = self.create_enrolled("sdk-create", extra={"rack": "r1"}, properties={"cpus": 2})
        self.assertEqual(node.name, "sdk-create")
        self.assertEqual(node.driver, "fake-hardware")
        self.assertEqual(node.provision_state, "enroll")
        self.assertEqual(node.extra, {"rack": "r1"})
        self.assertEqual(node.properties, {"cpus": 2})
        self.assertIs(node.is_maintenance, False)
        self.assertEqual(len(node.id), 36)
        self.assertEqual(node.boot_interface, "fake")
        # Fields that exist only at the microversions the SDK negotiated.
        self.assertEqual(node.conductor, "compat-host")          # 1.49
        self.assertIs(node.is_retired, False)                     # 1.61
        self.assertIs(node.is_protected, False)                   # 1.48

    def test_get_node_by_name_and_id(self):
        created = self.create_enrolled("sdk-get")
        by_name = self.conn.baremetal.get_node("sdk-get")
        self.assertEqual(by_name.id, created.id)
        by_id = self.conn.baremetal.get_node(created.id)
        self.assertEqual(by_id.name, "sdk-get")
        self.assertEqual(self.conn.baremetal.find_node("sdk-get").id, created.id)
        self.assertIsNone(self.conn.baremetal.find_node("sdk-no-such-node"))

    def test_nodes_with_details(self):
        created = self.create_enrolled("sdk-list", resource_class="listed-class")
        short = {n.id: n for n in self.conn.baremetal.nodes()}
        self.assertEqual(short[created.id].name, "sdk-list")
        self.assertEqual(short[created.id].provision_state, "enroll")
        self.assertIsNone(short[created.id].driver)  # not in the default field set
        detailed = {n.id: n for n in self.conn.baremetal.nodes(details=True)}
        self.assertEqual(detailed[created.id].driver, "fake-hardware")
        self.assertEqual(detailed[created.id].resource_class, "listed-class")
        self.assertIsNone(short[created.id].resource_class)
        self.assertEqual(set(short), set(detailed))
        filtered = [n.name for n in self.conn.baremetal.nodes(driver="ipmi")]
        self.assertNotIn("sdk-list", filtered)

    def test_update_node_extra(self):
        node = self.create_enrolled("sdk-update", extra={"old": 1})
        updated = self.conn.baremetal.update_node(node, extra={"a": "b"})
        self.assertEqual(updated.extra, {"a": "b"})
        self.assertEqual(self.conn.baremetal.get_node("sdk-update").extra, {"a": "b"})
        # By name, without a fetched object.
        updated = self.conn.baremetal.update_node("sdk-update", properties={"via": "name"})
        self.assertEqual(updated.properties, {"via": "name"})
        self.assertEqual(self.conn.baremetal.get_node(node.id).properties, {"via": "name"})

    def test_patch_node(self):
        node = self.create_enrolled("sdk-patch", properties={"cpus": 1, "ram": 512})
        patched = self.conn.baremetal.patch_node(node, [
            {"op": "replace", "path": "/properties/cpus", "value": 8},
            {"op": "remove", "path": "/properties/ram"},
            {"op": "add", "path": "/driver_info/ipmi_password", "value": "s3cret"},
            {"op": "add", "path": "/extra/tag", "value": "x"},
        ])
        self.assertEqual(patched.properties, {"cpus": 8})
        self.assertEqual(patched.driver_info, {"ipmi_password": "******"})
        self.assertEqual(patched.extra, {"tag": "x"})
        fetched = self.conn.baremetal.get_node(node.id)
        self.assertEqual(fetched.properties, {"cpus": 8})
        self.assertEqual(fetched.driver_info, {"ipmi_password": "******"})

    def test_patch_node_bad_path_is_bad_request(self):
        node = self.create_enrolled("sdk-patch-bad")
        with self.assertRaises(sdk_exc.BadRequestException):
            self.conn.baremetal.patch_node(node, [{"op": "remove", "path": "/extra/missing"}])

    def test_maintenance(self):
        node = self.create_enrolled("sdk-maint")
        self.conn.baremetal.set_node_maintenance(node, reason="disk swap")
        fetched = self.conn.baremetal.get_node(node.id)
        self.assertIs(fetched.is_maintenance, True)
        self.assertEqual(fetched.maintenance_reason, "disk swap")
        self.conn.baremetal.unset_node_maintenance(node)
        fetched = self.conn.baremetal.get_node(node.id)
        self.assertIs(fetched.is_maintenance, False)
        self.assertIsNone(fetched.maintenance_reason)

    def test_validate_node(self):
        node = self.create_enrolled("sdk-validate")
        result = self.conn.baremetal.validate_node(node, required=())
        self.assertEqual(set(result), {"bios", "boot", "console", "deploy", "inspect", "management",
                                       "network", "power", "raid", "rescue", "storage"})
        self.assertIs(result["power"].result, True)
        self.assertIs(result["deploy"].result, True)
        # The SDK's default required set passes for fake-hardware.
        self.conn.baremetal.validate_node(node)

    def test_validate_ipmi_node_without_address_fails_required_power(self):
        node = self.conn.baremetal.create_node(driver="ipmi", name="sdk-validate-ipmi",
                                               provision_state="enroll")
        result = self.conn.baremetal.validate_node(node, required=())
        self.assertIs(result["power"].result, False)
        self.assertIn("ipmi_address", result["power"].reason)
        with self.assertRaises(sdk_exc.ValidationException) as cm:
            self.conn.baremetal.validate_node(node, required=("power",))
        self.assertIn("ipmi_address", str(cm.exception))

    def test_delete_node(self):
        node = self.create_enrolled("sdk-delete")
        self.conn.baremetal.delete_node(node, ignore_missing=False)
        with self.assertRaises(sdk_exc.ResourceNotFound):
            self.conn.baremetal.get_node(node.id)
        self.assertNotIn(node.id, [n.id for n in self.conn.baremetal.nodes()])
        # Deleting again: ignored by default, an error otherwise.
        self.assertIsNone(self.conn.baremetal.delete_node(node.id))
        with self.assertRaises(sdk_exc.ResourceNotFound):
            self.conn.baremetal.delete_node(node.id, ignore_missing=False)

    def test_get_missing_node_raises_not_found(self):
        with self.assertRaises(sdk_exc.ResourceNotFound) as cm:
            self.conn.baremetal.get_node("missing")
        self.assertEqual(cm.exception.status_code, 404)
        self.assertIn("Node missing could not be found.", str(cm.exception))

    def test_duplicate_name_is_conflict(self):
        self.create_enrolled("sdk-dup")
        with self.assertRaises(sdk_exc.ConflictException) as cm:
            self.create_enrolled("sdk-dup")
        self.assertIn("A node with name sdk-dup already exists.", str(cm.exception))


class SdkPortTest(SdkTestCase):

    def test_port_lifecycle(self):
        node = self.create_enrolled("sdk-port-node")
        other = self.create_enrolled("sdk-port-other")
        port = self.conn.baremetal.create_port(address="52:54:00:cc:dd:01", node_id=node.id)
        self.assertEqual(port.address, "52:54:00:cc:dd:01")
        self.assertEqual(port.node_id, node.id)
        self.assertIs(port.is_pxe_enabled, True)
        other_port = self.conn.baremetal.create_port(address="52:54:00:cc:dd:02", node_id=other.id)

        self.assertEqual([p.id for p in self.conn.baremetal.ports(node_id=node.id)], [port.id])
        self.assertEqual([p.id for p in self.conn.baremetal.ports(node="sdk-port-other")], [other_port.id])
        detailed = list(self.conn.baremetal.ports(details=True, node_id=node.id))
        self.assertEqual(len(detailed), 1)
        self.assertEqual(detailed[0].node_id, node.id)
        by_address = list(self.conn.baremetal.ports(address="52:54:00:cc:dd:02"))
        self.assertEqual([p.id for p in by_address], [other_port.id])
        self.assertEqual(self.conn.baremetal.get_port(port.id).address, "52:54:00:cc:dd:01")

        self.conn.baremetal.delete_port(port, ignore_missing=False)
        self.assertEqual(list(self.conn.baremetal.ports(node_id=node.id)), [])
        with self.assertRaises(sdk_exc.ResourceNotFound):
            self.conn.baremetal.get_port(port.id)
        all_ids = [p.id for p in self.conn.baremetal.ports()]
        self.assertIn(other_port.id, all_ids)
        self.assertNotIn(port.id, all_ids)

    def test_duplicate_address_is_conflict(self):
        node = self.create_enrolled("sdk-port-dup")
        self.conn.baremetal.create_port(address="52:54:00:cc:dd:0f", node_id=node.id)
        with self.assertRaises(sdk_exc.ConflictException) as cm:
            self.conn.baremetal.create_port(address="52:54:00:cc:dd:0f", node_id=node.id)
        self.assertIn("A port with MAC address 52:54:00:cc:dd:0f already exists.", str(cm.exception))


class SdkDriverConductorTest(SdkTestCase):

    def test_drivers(self):
        names = {d.name: d for d in self.conn.baremetal.drivers()}
        self.assertIn("fake-hardware", names)
        self.assertIn("ipmi", names)
        self.assertEqual(names["fake-hardware"].hosts, ["compat-host"])

    def test_get_driver(self):
        drv = self.conn.baremetal.get_driver("fake-hardware")
        self.assertEqual(drv.name, "fake-hardware")
        self.assertEqual(drv.hosts, ["compat-host"])
        self.assertEqual(drv.default_boot_interface, "fake")
        self.assertEqual(drv.default_network_interface, "noop")
        self.assertIn("direct", drv.enabled_deploy_interfaces)
        with self.assertRaises(sdk_exc.ResourceNotFound):
            self.conn.baremetal.get_driver("no-such-driver")

    def test_conductors(self):
        # conductors(details=True) would GET /v1/conductors/detail, which
        # Ironic 21.4 also answers 404 ("Conductor detail could not be
        # found."): its conductors API takes ?detail=True instead.
        conductors = list(self.conn.baremetal.conductors(detail=True))
        self.assertEqual([c.hostname for c in conductors], ["compat-host"])
        self.assertIs(conductors[0].alive, True)
        self.assertIn("fake-hardware", conductors[0].drivers)


class SdkPaginationTest(SdkTestCase):
    """``[api]max_limit = 2``: every list needs the SDK to follow `next`."""

    conductor_options = {"api": {"max_limit": 2}}
    NAMES = ["sdk-page-%d" % i for i in range(5)]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ids = {name: cls.conn.baremetal.create_node(driver="fake-hardware", name=name,
                                                        provision_state="enroll").id
                   for name in cls.NAMES}

    def test_limit_is_page_size_and_all_pages_are_read(self):
        got = [n.name for n in self.conn.baremetal.nodes(limit=2)]
        self.assertEqual(sorted(got), self.NAMES)
        self.assertEqual(len(got), len(set(got)))

    def test_limit_one(self):
        got = [n.id for n in self.conn.baremetal.nodes(limit=1)]
        self.assertEqual(sorted(got), sorted(self.ids.values()))

    def test_no_limit_follows_server_pages(self):
        got = [n.name for n in self.conn.baremetal.nodes()]
        self.assertEqual(sorted(got), self.NAMES)

    def test_details_paginated(self):
        got = list(self.conn.baremetal.nodes(details=True, limit=2))
        self.assertEqual(sorted(n.name for n in got), self.NAMES)
        self.assertTrue(all(n.driver == "fake-hardware" for n in got))

    def test_ports_paginated(self):
        node_id = self.ids["sdk-page-0"]
        macs = ["52:54:00:ee:00:%02x" % i for i in range(5)]
        for mac in macs:
            self.conn.baremetal.create_port(address=mac, node_id=node_id)
        self.assertEqual(sorted(p.address for p in self.conn.baremetal.ports(limit=2)), macs)
        self.assertEqual(sorted(p.address for p in self.conn.baremetal.ports(node_id=node_id)), macs)


if __name__ == "__main__":
    unittest.main()
