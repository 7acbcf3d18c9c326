#include "conductor/options.h"

namespace ingot::conductor {

using config::OptionSpec;
using config::Type;

namespace {

struct InterfaceDefaults {
    const char* kind;
    const char* enabled;
};

// Ingot's defaults make fake-hardware and ipmi usable out of the box.
const InterfaceDefaults kInterfaceDefaults[] = {
    {"bios", "fake,no-bios"},       {"boot", "fake,ipxe,pxe,redfish-virtual-media"},
    {"console", "fake,no-console"}, {"deploy", "fake,direct"},
    {"inspect", "fake,no-inspect"}, {"management", "fake,ipmitool,redfish"},
    {"network", "flat,noop"},       {"power", "fake,ipmitool,redfish"},
    {"raid", "fake,no-raid"},       {"rescue", "fake,no-rescue"},
    {"storage", "fake,noop"},       {"vendor", "fake,ipmitool,no-vendor"},
};

std::vector<OptionSpec> build_options() {
    std::vector<OptionSpec> specs = {
        {"DEFAULT", "host", Type::string, "",
         "Name of this conductor, shown in the API's `conductor` fields and used in node\n"
         "reservations. Empty means the machine's hostname."},
        {"DEFAULT",
         "log_level",
         Type::choice,
         "info",
         "Lowest level that is logged.",
         {"debug", "info", "warning", "error"}},
        {"DEFAULT", "log_file", Type::string, "", "Append logs to this file instead of standard error."},
        {"DEFAULT",
         "auth_strategy",
         Type::choice,
         "noauth",
         "Authentication of API requests: noauth (everyone is an administrator; only\n"
         "on a loopback [api] host_ip unless [api] allow_insecure_noauth), http_basic\n"
         "(users of http_basic_auth_user_file), keystone (an X-Auth-Token validated by\n"
         "Keystone, see [keystone_authtoken]). The agent's lookup and heartbeat need\n"
         "none: they are bound to the agent token.",
         {"noauth", "http_basic", "keystone"}},
        {"DEFAULT", "http_basic_auth_user_file", Type::string, "/etc/ingot/htpasswd",
         "The Apache htpasswd file of http_basic: one user:bcrypt-hash per line\n"
         "(`htpasswd -B`); other hash kinds are refused. Re-read when it changes."},
        {"DEFAULT",
         "http_basic_auth_cache_time",
         Type::integer,
         "60",
         "Seconds a checked user name and password is remembered (a bcrypt check costs\n"
         "about 0.1 s). A removed user or changed password takes effect within it.",
         {},
         0,
         3600},
        {"DEFAULT", "enabled_hardware_types", Type::list, "fake-hardware,ipmi",
         "Hardware types (the `driver` of a node) this conductor serves."},
        {"api", "host_ip", Type::string, "127.0.0.1", "Address the REST API listens on."},
        {"api", "port", Type::integer, "6385", "Port the REST API listens on.", {}, 0, 65535},
        {"api",
         "api_workers",
         Type::integer,
         "2",
         "Threads serving HTTP connections. Each runs only short, non-blocking work.",
         {},
         1,
         64},
        {"api",
         "max_limit",
         Type::integer,
         "1000",
         "Most items a collection returns in one response (larger `limit`s are capped).",
         {},
         1,
         100000},
        {"api",
         "max_request_body_size",
         Type::integer,
         "1048576",
         "Largest request body accepted, in bytes; larger ones get 413.",
         {},
         1024,
         1 << 30},
        {"api", "public_endpoint", Type::string, "",
         "Base URL used in links (e.g. https://ingot.example.com:6385). Empty: taken\n"
         "from the request's Host header, once checked (see allowed_hosts)."},
        {"api", "allowed_hosts", Type::list, "",
         "Names a request's Host header may carry besides the address it arrived on,\n"
         "loopback names on loopback, and the hosts of public_endpoint, [conductor]\n"
         "api_url, [deploy] http_url and [DEFAULT] host. Others get 400 (DNS rebinding)."},
        {"api", "project_admin_can_manage_own_nodes", Type::boolean, "true",
         "Let a project-scoped admin create nodes its project owns and delete them\n"
         "(the policy rules baremetal:node:create:self_owned_node and\n"
         "baremetal:node:delete:self_owned_node), as Ironic does."},
        {"api", "allow_insecure_noauth", Type::boolean, "false",
         "Start with [DEFAULT] auth_strategy = noauth although host_ip is not a loopback\n"
         "address (a warning is logged at every start)."},
        {"api", "tls_cert_file", Type::string, "",
         "PEM certificate (chain) of the API; with tls_key_file the API is served over\n"
         "HTTPS only (TLS 1.2 or later)."},
        {"api", "tls_key_file", Type::string, "", "PEM private key of tls_cert_file."},
        {"api",
         "max_connections",
         Type::integer,
         "1000",
         "Open client connections at most; further ones wait in the listen backlog.",
         {},
         1,
         1000000},
        {"api",
         "max_connections_per_client",
         Type::integer,
         "100",
         "Open connections from one client address at most; further ones are closed.",
         {},
         1,
         1000000},
        {"api",
         "max_header_bytes",
         Type::integer,
         "65536",
         "Largest request line and headers accepted, in bytes; larger get 431.",
         {},
         1024,
         1 << 24},
        {"api",
         "max_header_count",
         Type::integer,
         "100",
         "Most header fields in one request; more get 431.",
         {},
         8,
         100000},
        {"api",
         "client_idle_timeout",
         Type::integer,
         "60",
         "Seconds a connection may stay open without a request.",
         {},
         1,
         86400},
        {"api",
         "client_header_timeout",
         Type::integer,
         "20",
         "Seconds a client has to send a request's headers (and to finish the TLS\n"
         "handshake) once it started.",
         {},
         1,
         3600},
        {"api",
         "client_body_timeout",
         Type::integer,
         "60",
         "Seconds a client has to send a request body, and to read each part of an\n"
         "answer (a large boot file may take longer in all, as long as it moves).",
         {},
         1,
         3600},
        {"api",
         "ramdisk_heartbeat_timeout",
         Type::integer,
         "300",
         "Seconds a ramdisk agent may go without heartbeating; agents heartbeat every\n"
         "0.3-0.6 of this (it is sent to them in the lookup answer).",
         {},
         1,
         86400},
        {"api", "restrict_lookup", Type::boolean, "true",
         "Answer agents' lookups only for nodes in states that expect an agent\n"
         "(deploying, cleaning, inspecting, rescuing and their wait states)."},
        {"api", "agent_heartbeat_address_check", Type::boolean, "true",
         "Accept an agent's heartbeats only from the address its token was issued to\n"
         "(the address of its lookup). Turn off for agents behind a NAT whose address\n"
         "changes."},
        {"database", "connection", Type::string, "sqlite:///state/ingot.sqlite",
         "The SQLite database: sqlite:///relative/path or sqlite:////absolute/path."},
        {"conductor", "conductor_group", Type::string, "",
         "The conductor group this conductor serves (nodes' `conductor_group`)."},
        {"conductor", "allow_deleting_available_nodes", Type::boolean, "true",
         "Whether nodes in the `available` state may be deleted."},
        {"conductor",
         "workers_pool_size",
         Type::integer,
         "100",
         "Threads doing long work (power actions, deploys). When all are busy and as\n"
         "many jobs wait, new requests get 503, as in Ironic.",
         {},
         1,
         10000},
        {"conductor", "automated_clean", Type::boolean, "true",
         "Clean nodes automatically on provide and after undeploy (a node's own\n"
         "automated_clean field overrides this)."},
        {"conductor",
         "max_concurrent_deploy",
         Type::integer,
         "250",
         "Most nodes deploying at once; more deploy requests get 503.",
         {},
         1,
         1000000},
        {"conductor",
         "deploy_callback_timeout",
         Type::integer,
         "1800",
         "Seconds a node may wait in `wait call-back` for its agent before the deploy\n"
         "fails.",
         {},
         1,
         86400},
        {"conductor",
         "clean_callback_timeout",
         Type::integer,
         "1800",
         "Seconds a node may wait in `clean wait` before cleaning fails.",
         {},
         1,
         86400},
        {"conductor",
         "inspect_wait_timeout",
         Type::integer,
         "1800",
         "Seconds a node may wait in `inspect wait` before inspection fails.",
         {},
         1,
         86400},
        {"conductor",
         "sync_power_state_interval",
         Type::integer,
         "60",
         "Seconds between power-state syncs of all nodes with their BMCs; 0 disables.",
         {},
         0,
         86400},
        {"conductor", "force_power_state_during_sync", Type::boolean, "true",
         "When a machine's power differs from the database during a sync, set the\n"
         "machine to the recorded state (true) or record the machine's state (false)."},
        {"conductor",
         "heartbeat_interval",
         Type::integer,
         "10",
         "Seconds between this conductor's liveness updates in the database.",
         {},
         1,
         3600},
        {"conductor",
         "heartbeat_timeout",
         Type::integer,
         "60",
         "A conductor that has not updated its row for this many seconds is shown as\n"
         "not alive.",
         {},
         1,
         86400},
        {"conductor",
         "check_timeouts_interval",
         Type::integer,
         "30",
         "Seconds between checks for nodes waiting longer than their callback timeouts.",
         {},
         1,
         3600},
        {"conductor",
         "power_action_timeout",
         Type::integer,
         "120",
         "Seconds a power action may take when the request names no timeout.",
         {},
         1,
         3600},
        {"conductor",
         "sync_power_state_workers",
         Type::integer,
         "8",
         "Power-state syncs run at once; a slow or dead BMC holds one of them, never\n"
         "the workers that serve API requests.",
         {},
         1,
         128},
        {"conductor",
         "power_state_sync_max_retries",
         Type::integer,
         "3",
         "Syncs in a row that may fail to read a node's power before the node is put\n"
         "in maintenance with fault \"power failure\".",
         {},
         1,
         100},
        {"conductor",
         "power_failure_recovery_interval",
         Type::integer,
         "300",
         "Seconds between checks of nodes in maintenance for a power failure; a node\n"
         "whose BMC answers again leaves maintenance. 0 disables.",
         {},
         0,
         86400},
        {"agent",
         "command_timeout",
         Type::integer,
         "60",
         "Seconds one request to a ramdisk agent's command API may take (connect,\n"
         "send, answer). An agent that does not answer within it fails the deploy or\n"
         "clean that waits on it.",
         {},
         1,
         3600},
        {"agent",
         "connect_timeout",
         Type::integer,
         "10",
         "Seconds to establish the connection (TCP and TLS) to a ramdisk agent.",
         {},
         1,
         3600},
        {"agent",
         "max_command_attempts",
         Type::integer,
         "3",
         "Tries of a request to an agent that refuses or cannot take the connection.",
         {},
         1,
         100},
        {"agent", "verify_ca", Type::boolean, "true",
         "Verify the certificate of an agent served over https when neither the\n"
         "agent (agent_verify_ca in its heartbeat) nor the node's driver_info\n"
         "agent_verify_ca says how."},
        {"agent",
         "post_deploy_get_power_state_retries",
         Type::integer,
         "6",
         "After asking the agent to power the machine off at the end of a deploy:\n"
         "power state checks through the BMC before forcing it off.",
         {},
         0,
         1000},
        {"agent",
         "post_deploy_get_power_state_retry_interval",
         Type::integer,
         "5",
         "Seconds between those checks.",
         {},
         0,
         600},
        {"agent", "stream_raw_images", Type::boolean, "true",
         "Whether the agent streams raw images straight to the disk instead of\n"
         "staging them in its memory first (sent to it in image_info)."},
        {"agent", "allow_md5_checksum", Type::boolean, "false",
         "Accept MD5 image checksums (image_os_hash_algo md5, or a 32 hex digit\n"
         "image_checksum). MD5 collisions are cheap to make: leave it off unless\n"
         "old images need it. Sent to the agent at lookup."},
        {"agent", "require_tls", Type::boolean, "true",
         "Refuse agents whose callback_url is plain http://: the agent token, the\n"
         "config drive and image credentials would cross the network in clear.\n"
         "ingot-agent serves HTTPS with a certificate it makes at start (auto-TLS)."},
        {"agent", "api_ca_file", Type::string, "",
         "PEM file of the CA that signed the API's certificate ([api] tls_cert_file),\n"
         "handed to every ramdisk (an extra initrd that puts it at\n"
         "/etc/ingot/api-ca.pem), so that agents verify the conductor over https.\n"
         "Empty: agents trust their ramdisk's own CA bundle."},
        {"deploy", "erase_devices_priority", Type::integer, "",
         "Priority of the agent's erase_devices clean step in automated cleaning.\n"
         "Unset keeps the agent's own priority; 0 disables the step."},
        {"deploy", "erase_devices_metadata_priority", Type::integer, "",
         "Priority of the agent's erase_devices_metadata clean step in automated\n"
         "cleaning. Unset keeps the agent's own priority; 0 disables the step."},
        {"deploy", "power_off_after_deploy_failure", Type::boolean, "true",
         "Power the machine off when its deploy fails (false leaves the ramdisk\n"
         "running for debugging)."},
        {"conductor", "api_url", Type::string, "",
         "The API's URL as a booted ramdisk reaches it (ipa-api-url= on the\n"
         "ramdisk's kernel command line). Empty: http://<[api] host_ip>:<[api] port>,\n"
         "which only works when machines can reach that address."},
        {"conductor", "deploy_kernel", Type::string, "",
         "Deploy kernel (http://, https://, file:// URL or absolute path) for nodes\n"
         "whose driver_info has no deploy_kernel. `make ramdisk` builds one:\n"
         "build/ramdisk/ingot-agent.kernel."},
        {"conductor", "deploy_ramdisk", Type::string, "",
         "Agent ramdisk for nodes whose driver_info has no deploy_ramdisk\n"
         "(build/ramdisk/ingot-agent.initramfs from `make ramdisk`)."},
        {"conductor", "file_url_allowed_paths", Type::list, "/var/lib/ingot/images",
         "Directories the conductor may read file:// URLs and absolute paths from\n"
         "(deploy kernels, ramdisks, redfish_deploy_iso, instance kernels and\n"
         "images), this option's defaults included. The path is resolved (symlinks,\n"
         "..) before the check; it must be a regular file everyone may read, since\n"
         "machines fetch it. /etc, /dev, /proc, /sys, /boot and /root are refused\n"
         "whatever this says. The image cache is not listed: it only holds copies.\n"
         "Empty: no local file is read."},
        {"conductor", "permitted_image_formats", Type::list, "raw,qcow2,iso",
         "Formats an instance image's content may be (the agent inspects it before\n"
         "writing; a partition table counts as raw). Sent to the agent at lookup."},
        {"conductor", "disable_deep_image_inspection", Type::boolean, "false",
         "Let the agent write an image whose content does not match its\n"
         "disk_format (a \"raw\" image holding qcow2, vmdk, vhd...). qcow2 images\n"
         "with a backing file or an external data file are refused whatever this\n"
         "says."},
        {"deploy", "http_root", Type::string, "state/httpboot",
         "Directory of the files machines fetch over HTTP (iPXE scripts, kernels,\n"
         "ramdisks, boot ISOs). The conductor serves it at /boot/ of its API."},
        {"deploy", "http_url", Type::string, "",
         "URL machines fetch http_root from. Empty: <[conductor] api_url>/boot, the\n"
         "conductor itself; set it when a web server (nginx) serves http_root."},
        {"deploy", "fast_track", Type::boolean, "false",
         "Keep the agent running between cleaning and deploy, and deploy without\n"
         "rebooting a node whose agent heartbeated within fast_track_timeout."},
        {"deploy",
         "fast_track_timeout",
         Type::integer,
         "300",
         "Seconds since the last heartbeat for which a running agent is reused\n"
         "(fast track).",
         {},
         0,
         300},
        {"pxe", "tftp_root", Type::string, "state/tftpboot",
         "Directory served by the TFTP server (pxelinux configs, GRUB configs,\n"
         "kernels and ramdisks of the pxe boot interface)."},
        {"pxe", "image_cache_dir", Type::string, "state/master_images",
         "Master copies of deploy kernels, ramdisks and boot ISOs, shared by the\n"
         "nodes (hard-linked into the boot roots; keep it on their filesystem)."},
        {"pxe",
         "image_cache_size",
         Type::integer,
         "20480",
         "Size limit of the master image cache in MiB; unused images are removed,\n"
         "least recently used first.",
         {},
         1,
         10485760},
        {"pxe", "kernel_append_params", Type::string, "nofb vga=normal console=tty0 console=ttyS0,115200n8",
         "Kernel command-line arguments of every ramdisk (a node's driver_info\n"
         "kernel_append_params replaces them)."},
        {"pxe", "pxe_bootfile_name", Type::string, "pxelinux.0", "BIOS PXE firmware file given to DHCP clients."},
        {"pxe", "uefi_pxe_bootfile_name", Type::string, "bootx64.efi",
         "UEFI PXE firmware file (GRUB) given to DHCP clients."},
        {"pxe", "ipxe_bootfile_name", Type::string, "undionly.kpxe",
         "BIOS firmware file that chainloads iPXE (Debian package ipxe)."},
        {"pxe", "uefi_ipxe_bootfile_name", Type::string, "snponly.efi",
         "UEFI firmware file that chainloads iPXE (Debian package ipxe)."},
        {"pxe",
         "max_image_size",
         Type::integer,
         "2048",
         "Largest deploy kernel, ramdisk or ISO, in MiB, the conductor copies into\n"
         "its image cache (from a file or over HTTP); larger sources fail.",
         {},
         1,
         1048576},
        {"dnsmasq", "dhcp_hostsdir", Type::string, "",
         "dnsmasq's dhcp-hostsdir: one file per booting MAC is written here.\n"
         "Empty: Ingot writes no DHCP entries (DHCP is configured by hand)."},
        {"dnsmasq", "dhcp_optsdir", Type::string, "",
         "dnsmasq's dhcp-optsdir: one file per node with its boot file options."},
        {"redfish",
         "connection_attempts",
         Type::integer,
         "5",
         "Tries of one Redfish request on connection errors and 5xx answers.",
         {},
         1,
         100},
        {"redfish", "connection_retry_interval", Type::integer, "4", "Seconds between those tries.", {}, 0, 600},
        {"redfish",
         "request_timeout",
         Type::integer,
         "60",
         "Seconds one Redfish request may take (connect, send, answer).",
         {},
         1,
         3600},
        {"redfish",
         "auth_type",
         Type::choice,
         "auto",
         "Redfish authentication when driver_info has no redfish_auth_type: basic,\n"
         "session, or auto (a session when the BMC offers one, else basic).",
         {"basic", "session", "auto"}},
        {"ipmi",
         "command_retry_timeout",
         Type::integer,
         "60",
         "Maximum time in seconds to retry an IPMI command while the BMC is busy or\n"
         "does not answer. A refused user name or password is not retried.",
         {},
         0,
         3600},
        {"ipmi",
         "min_command_interval",
         Type::integer,
         "5",
         "Minimum time, in seconds, between IPMI commands sent to one BMC (its\n"
         "address and port); commands to one BMC also never overlap. Some BMCs crash\n"
         "when polled faster. Also how long ipmitool waits for each answer (-N, at\n"
         "least 1).",
         {},
         0,
         60},
        {"ipmi",
         "command_timeout",
         Type::integer,
         "30",
         "Seconds one ipmitool process may run before it is killed. A normal command\n"
         "takes well under a second and a silent BMC makes ipmitool give up after\n"
         "about twice min_command_interval; this only stops an ipmitool that hangs.",
         {},
         1,
         600},
        {"ipmi", "disable_boot_timeout", Type::boolean, "true",
         "Before setting a boot device, send the raw IPMI command that disables the\n"
         "BMC's 60 second boot flag timeout. A node's driver_info\n"
         "ipmi_disable_boot_timeout overrides this."},
        {"DEFAULT", "plugin_dirs", Type::list, "",
         "Directories searched for plugin shared objects (*.so), in order. Empty:\n"
         "lib/ingot/plugins under the prefix ingot-conductor is installed in. The\n"
         "INGOT_PLUGIN_PATH environment variable (colon-separated) adds more."},
        {"DEFAULT", "rbac_service_role_elevated_access", Type::boolean, "false",
         "Let users with the `service` role in the rbac_service_project_name project\n"
         "pass Ironic's rule:service_role (access to every project's nodes, as a\n"
         "system-scoped user has). Off: a service user is limited to its own project."},
        {"DEFAULT", "rbac_service_project_name", Type::string, "service",
         "The project whose service users rbac_service_role_elevated_access elevates."},
        {"oslo_policy", "policy_file", Type::string, "",
         "An oslo.policy YAML file (Ironic's policy.yaml format) that overrides or adds\n"
         "API policy rules; it is checked completely at start. Empty: Ironic's secure\n"
         "RBAC defaults only. A relative path is relative to the working directory."},
        {"keystone_authtoken", "auth_url", Type::string, "",
         "Keystone's identity endpoint (e.g. https://keystone.example:5000/v3): the\n"
         "conductor authenticates there as its service user and validates the API's\n"
         "tokens there (GET /v3/auth/tokens). Required with auth_strategy = keystone."},
        {"keystone_authtoken", "www_authenticate_uri", Type::string, "",
         "The Keystone endpoint clients are told to get a token from, in the\n"
         "WWW-Authenticate header of a 401 answer. Empty: auth_url."},
        {"keystone_authtoken", "auth_type", Type::string, "password",
         "How the conductor authenticates to Keystone: only password (a user name and\n"
         "password, project-scoped) is supported; anything else stops start-up."},
        {"keystone_authtoken", "username", Type::string, "",
         "The conductor's service user. It needs the service role (or a system\n"
         "reader role) to validate tokens."},
        {"keystone_authtoken", "password", Type::string, "",
         "The service user's password. Never logged; keep this file unreadable to\n"
         "others."},
        {"keystone_authtoken", "user_domain_name", Type::string, "",
         "Domain of the service user, by name. Empty with user_domain_id empty too:\n"
         "the domain whose id is `default`."},
        {"keystone_authtoken", "user_domain_id", Type::string, "",
         "Domain of the service user, by id (wins over user_domain_name)."},
        {"keystone_authtoken", "project_name", Type::string, "",
         "Project the service token is scoped to (usually `service`)."},
        {"keystone_authtoken", "project_domain_name", Type::string, "",
         "Domain of project_name, by name. Empty with project_domain_id empty too:\n"
         "the domain whose id is `default`."},
        {"keystone_authtoken", "project_domain_id", Type::string, "",
         "Domain of project_name, by id (wins over project_domain_name)."},
        {"keystone_authtoken", "cafile", Type::string, "",
         "PEM bundle of the CAs that sign Keystone's certificate. Empty: the system's."},
        {"keystone_authtoken", "insecure", Type::boolean, "false",
         "Accept any certificate from an https:// Keystone (tests only)."},
        {"keystone_authtoken",
         "token_cache_time",
         Type::integer,
         "300",
         "Seconds a validated token (or one Keystone refused) is remembered, never\n"
         "past the token's own expires_at. A revoked token is refused at the latest\n"
         "this long after its revocation. 0: ask Keystone on every request.",
         {},
         0,
         86400},
        {"keystone_authtoken",
         "http_connect_timeout",
         Type::integer,
         "10",
         "Seconds one request to Keystone may take (connecting included).",
         {},
         1,
         600},
        {"keystone_authtoken",
         "http_request_max_retries",
         Type::integer,
         "3",
         "Times a request to Keystone is tried again when it cannot connect or times\n"
         "out (0.5 s apart, doubling). An HTTP answer, even a 5xx, is not retried.",
         {},
         0,
         10},
    };
    for (const auto& d : kInterfaceDefaults) {
        const std::string kind = d.kind;
        specs.push_back({"DEFAULT", "enabled_" + kind + "_interfaces", Type::list, d.enabled,
                         "The " + kind +
                             " interface implementations nodes may use, in order of\n"
                             "preference. Each must exist (see GET /v1/extensions)."});
        specs.push_back({"DEFAULT", "default_" + kind + "_interface", Type::string, "",
                         "The " + kind +
                             " interface a new node gets when it names none. Empty: the\n"
                             "first of its hardware type's supported implementations that is enabled."});
    }
    return specs;
}

}  // namespace

const std::vector<OptionSpec>& conductor_options() {
    static const std::vector<OptionSpec> specs = build_options();
    return specs;
}

}  // namespace ingot::conductor
