"""python3-ironicclient 5.0.1 used as a library (``ironicclient.client``),
for the microversion negotiation paths the ``baremetal`` CLI never takes
(it always sends a fixed 1.78, which this server accepts).

* ``os_ironic_api_version='latest'`` (or a list): before the first request
  the client GETs ``/v1`` and reads ``X-OpenStack-Ironic-API-Minimum-Version``
  and ``-Maximum-Version`` (ironicclient/common/http.py, negotiate_version
  and _generic_parse_version_headers).
* a version above the server's maximum with downgrade allowed (what the
  OSC plugin builds, ironicclient/osc/plugin.py make_client): the server
  answers 406, the client reads the version range from the headers (in
  5.0.1 from a fresh GET /v1, because an error ``requests.Response`` is
  falsy at http.py:145 ``if not resp``) and retries with the highest common
  version.

The client caps the server's maximum at its own (1.78, http.py:162-168).

Run from this directory with the Debian interpreter:
``/usr/bin/python3 -m unittest -v test_ironicclient_api``.
"""

import shutil
import tempfile
import unittest

import conductor as conductor_mod

from keystoneauth1 import noauth
from keystoneauth1 import session as ks_session

from ironicclient import client as ironic_client
from ironicclient.common import filecache
from ironicclient.common import http as ironic_http
from ironicclient import exc as ironic_exc

CLIENT_MAX = ironic_http.LATEST_VERSION  # "1.78" in 5.0.1


class IronicclientNegotiationTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # The client caches negotiated versions per host:port on disk; keep
        # that cache private to this run.
        cache_dir = tempfile.mkdtemp(prefix="ingot-compat-ironicclient-")
        cls.addClassCleanup(shutil.rmtree, cache_dir, True)
        filecache.CACHE = None
        filecache.CACHE_DIR = cache_dir
        filecache.CACHE_FILENAME = cache_dir + "/ironic-api-version.dbm"
        cls.conductor = conductor_mod.start_for_test_class(cls)
        # A node to list.
        seed = cls.make_client("1.78")
        cls.node = seed.node.create(driver="fake-hardware", name="lib-node")

    @classmethod
    def make_client(cls, version, **kwargs):
        return ironic_client.get_client(1, auth_type="none", endpoint=cls.conductor.url,
                                        os_ironic_api_version=version, max_retries=0, **kwargs)

    def negotiate(self, client):
        try:
            return client.node.list()
        except (TypeError, AttributeError, ValueError) as e:
            # StrictVersion(None) fails this way when the headers are absent.
            self.fail("ironicclient could not negotiate a version (%s: %s); it needs "
                      "X-OpenStack-Ironic-API-Minimum-Version/-Maximum-Version on GET /v1 and on "
                      "406 responses (ironicclient/common/http.py:251-254)" % (type(e).__name__, e))

    def test_latest_negotiates_highest_common_version(self):
        client = self.make_client("latest")
        nodes = self.negotiate(client)
        self.assertIn("lib-node", [n.name for n in nodes])
        self.assertTrue(client.is_api_version_negotiated)
        self.assertEqual(client.current_api_version, CLIENT_MAX)

    def test_version_list_negotiates_highest_supported(self):
        client = self.make_client(["1.31", "1.50", "1.99"])
        self.negotiate(client)
        self.assertEqual(client.current_api_version, "1.50")

    def test_downgrade_after_406(self):
        # Built like the OSC plugin does it (get_client cannot pass
        # allow_api_version_downgrade): send 1.83, get 406, read the range
        # from the headers, retry with the highest common version.
        session = ks_session.Session(auth=noauth.NoAuth(endpoint=self.conductor.url))
        client = ironic_client.Client(1, session=session, endpoint_override=self.conductor.url,
                                      os_ironic_api_version="1.83", allow_api_version_downgrade=True,
                                      max_retries=0)
        nodes = self.negotiate(client)
        self.assertIn("lib-node", [n.name for n in nodes])
        self.assertTrue(client.is_api_version_negotiated)
        self.assertEqual(client.current_api_version, CLIENT_MAX)

    def test_unsupported_user_version_reports_server_range(self):
        client = self.make_client("1.83")
        with self.assertRaises(ironic_exc.UnsupportedVersion) as cm:
            client.node.list()
        # The range comes from the version headers (max capped at the client's).
        self.assertIn("Supported version range is 1.1 to %s" % CLIENT_MAX, " ".join(str(cm.exception).split()))

    def test_show_at_negotiated_version_has_new_fields(self):
        client = self.make_client("latest")
        self.negotiate(client)
        node = client.node.get("lib-node")
        self.assertEqual(node.uuid, self.node.uuid)
        self.assertEqual(node.conductor, "compat-host")    # 1.49
        self.assertIs(node.retired, False)                 # 1.61
        self.assertEqual(node.network_data, {})            # 1.66


if __name__ == "__main__":
    unittest.main()
