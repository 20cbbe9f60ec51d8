/* A VM's virtual NICs in denalictl: the NIC option syntax, NIC_NEW and NIC_DEL, text and JSON. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/denali.h>

#include "nic.h"
#include "nl.h"
#include "subcommands.h"
#include "util.h"
#include "vm.h"

#define NIC_ADD_USAGE "nic add VM " NIC_SPEC_SYNTAX
#define NIC_DEL_USAGE "nic del VM {IFNAME | index N}"
#define NIC_LIST_USAGE "nic list VM [-j]"
#define NIC_USAGE "nic {add | del | list} VM ..."

/* How the members of a DENALI_A_VM_NIC nest are checked. */
static const struct nla_policy nic_policy[DENALI_A_MAX + 1] = {
	[DENALI_A_NIC_INDEX] = { .type = NLA_U32 },
	[DENALI_A_NIC_IFNAME] = { .type = NLA_STRING },
	[DENALI_A_NIC_IFINDEX] = { .type = NLA_U32 },
	[DENALI_A_NIC_MAC] = { .type = NLA_UNSPEC }, /* exactly NIC_MAC_LEN: checked below */
	[DENALI_A_NIC_MTU] = { .type = NLA_U32 },
	[DENALI_A_NIC_MASTER] = { .type = NLA_U32 },
	[DENALI_A_NIC_RX_QUEUED] = { .type = NLA_U32 },
	[DENALI_A_NIC_TX_REJECTED] = { .type = NLA_U64 },
	[DENALI_A_NIC_RX_DROPPED] = { .type = NLA_U64 },
	[DENALI_A_NIC_ANY_SOURCE] = { .type = NLA_FLAG },
	[DENALI_A_NIC_RX_FILTERED] = { .type = NLA_U64 },
};

/*
 * Whether s is a name Linux takes for a network device, as dev_valid_name()
 * judges, and printable: 0, or -1.
 */
static int ifname_check(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '/' || c == ':' || isspace(c) || !isprint(c))
			return -1;
	}
	return 0;
}

static unsigned int hexval(char c)
{
	if (isdigit((unsigned char)c))
		return c - '0';
	return tolower((unsigned char)c) - 'a' + 10;
}

/* Exactly xx:xx:xx:xx:xx:xx, hex digits of either case. Returns 0, or -1. */
static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int i;

	if (strlen(s) != 3 * NIC_MAC_LEN - 1)
		return -1;
	for (i = 0; i < NIC_MAC_LEN; i++) {
		const char *p = s + 3 * i;

		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
		    (i < NIC_MAC_LEN - 1 && p[2] != ':'))
			return -1;
		mac[i] = hexval(p[0]) << 4 | hexval(p[1]);
	}
	return 0;
}

/* One KEY=VALUE of a NIC spec into spec. Returns 0, or -1 with the reason in err. */
static int spec_item(const char *key, const char *val, struct nic_spec *spec, char *err, size_t len)
{
	static const uint8_t zero[NIC_MAC_LEN];
	bool dup = false;

	if (!*val) {
		snprintf(err, len, "'%s' needs a value", key);
		return -1;
	}
	if (!strcmp(key, "name")) {
		dup = spec->has_ifname;
		if (!dup && ifname_check(val)) {
			snprintf(
				err, len,
				"invalid interface name '%s' (1 to %d characters, no '/', ':' or blanks)",
				val, IFNAMSIZ - 1);
			return -1;
		}
		if (!dup)
			memcpy(spec->ifname, val, strlen(val) + 1);
		spec->has_ifname = true;
	} else if (!strcmp(key, "mac")) {
		dup = spec->has_mac;
		if (!dup && parse_mac(val, spec->mac)) {
			snprintf(err, len, "invalid MAC address '%s' (expected xx:xx:xx:xx:xx:xx)",
				 val);
			return -1;
		}
		if (!dup && ((spec->mac[0] & 1) || !memcmp(spec->mac, zero, NIC_MAC_LEN))) {
			snprintf(err, len, "MAC address %s is not a unicast address", val);
			return -1;
		}
		spec->has_mac = true;
	} else if (!strcmp(key, "bridge")) {
		dup = spec->has_master || spec->has_master_name;
		if (dup) {
			/* reported below */
		} else if (!val[strspn(val, "0123456789")]) {
			if (parse_u32(val, &spec->master) || !spec->master ||
			    spec->master > INT32_MAX) {
				snprintf(err, len, "invalid bridge ifindex '%s'", val);
				return -1;
			}
			spec->has_master = true;
		} else {
			if (ifname_check(val)) {
				snprintf(err, len, "invalid bridge name '%s'", val);
				return -1;
			}
			memcpy(spec->master_name, val, strlen(val) + 1);
			spec->has_master_name = true;
		}
	} else if (!strcmp(key, "mtu")) {
		dup = spec->has_mtu;
		if (!dup && (parse_u32(val, &spec->mtu) || spec->mtu < DENALI_NIC_MTU_MIN ||
			     spec->mtu > DENALI_NIC_MTU_MAX)) {
			snprintf(err, len, "invalid MTU '%s' (%d to %d)", val, DENALI_NIC_MTU_MIN,
				 DENALI_NIC_MTU_MAX);
			return -1;
		}
		spec->has_mtu = true;
	} else if (!strcmp(key, "index")) {
		dup = spec->has_index;
		if (!dup && (parse_u32(val, &spec->index) || spec->index >= DENALI_NIC_MAX)) {
			snprintf(err, len, "invalid NIC index '%s' (0 to %d)", val,
				 DENALI_NIC_MAX - 1);
			return -1;
		}
		spec->has_index = true;
	} else if (!strcmp(key, "source")) {
		dup = spec->has_source;
		if (!dup && strcmp(val, "own") && strcmp(val, "any")) {
			snprintf(err, len, "invalid source '%s' (own or any)", val);
			return -1;
		}
		if (!dup)
			spec->any_source = !strcmp(val, "any");
		spec->has_source = true;
	} else {
		snprintf(err, len, "unknown key '%s' (name, mac, bridge, mtu, index, source)", key);
		return -1;
	}
	if (dup) {
		snprintf(err, len, "'%s' given twice", key);
		return -1;
	}
	return 0;
}

/*
 * Parse s, KEY=VALUE items separated by commas (none: every default),
 * into spec, on top of what spec has already (so that several arguments
 * add up; a key given twice is an error). Returns 0, or -1 with the reason
 * in err.
 */
int nic_spec_parse(const char *s, struct nic_spec *spec, char *err, size_t len)
{
	char *copy, *item, *next, *val;
	int ret = -1;

	if (!*s)
		return 0;
	copy = strdup(s);
	if (!copy) {
		snprintf(err, len, "%s", strerror(ENOMEM));
		return -1;
	}
	for (item = copy; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		if (!*item) {
			snprintf(err, len, "empty item");
			goto out;
		}
		val = strchr(item, '=');
		if (!val) {
			snprintf(err, len, "'%s' is not KEY=VALUE", item);
			goto out;
		}
		*val++ = '\0';
		if (spec_item(item, val, spec, err, len))
			goto out;
	}
	ret = 0;
out:
	free(copy);
	return ret;
}

/*
 * NIC_NEW: give the VM (by id when has_id, else by name) the NIC spec
 * describes; the attributes go at the top level of the request, as
 * uapi/linux/denali.h describes NIC_NEW. The VM the kernel replies with
 * goes to reply (unless NULL; reply->has_id false if it sent none).
 * Returns 0 or a negative errno (the reason in nl->errmsg).
 */
int nic_new(struct dnl *nl, const char *vm, bool has_id, uint32_t id, const struct nic_spec *spec,
	    struct vm_info *reply)
{
	struct nl_msg *msg;
	size_t n;

	msg = dnl_vm_msg(nl, DENALI_CMD_NIC_NEW, vm, has_id, id);
	if (!msg)
		return -ENOMEM;
	if ((spec->has_index && nla_put_u32(msg, DENALI_A_NIC_INDEX, spec->index)) ||
	    (spec->has_ifname && nla_put_string(msg, DENALI_A_NIC_IFNAME, spec->ifname)) ||
	    (spec->has_mac && nla_put(msg, DENALI_A_NIC_MAC, NIC_MAC_LEN, spec->mac)) ||
	    (spec->has_mtu && nla_put_u32(msg, DENALI_A_NIC_MTU, spec->mtu)) ||
	    (spec->has_master && nla_put_u32(msg, DENALI_A_NIC_MASTER, spec->master)) ||
	    (spec->has_master_name &&
	     nla_put_string(msg, DENALI_A_NIC_MASTER_NAME, spec->master_name)) ||
	    (spec->any_source && nla_put_flag(msg, DENALI_A_NIC_ANY_SOURCE))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (reply)
		memset(reply, 0, sizeof(*reply));
	return vm_request(nl, msg, reply, &n);
}

/* One DENALI_A_VM_NIC nest. Returns 0, or -EBADMSG when it is malformed. */
static int nic_parse(struct nlattr *nest, struct nic_info *nic)
{
	struct nlattr *tb[DENALI_A_MAX + 1];

	memset(nic, 0, sizeof(*nic));
	if (nla_parse_nested(tb, DENALI_A_MAX, nest, nic_policy) < 0 || !tb[DENALI_A_NIC_INDEX])
		return -EBADMSG;
	nic->index = nla_get_u32(tb[DENALI_A_NIC_INDEX]);
	if (tb[DENALI_A_NIC_IFNAME]) {
		nic->has_ifname = true;
		snprintf(nic->ifname, sizeof(nic->ifname), "%s",
			 nla_get_string(tb[DENALI_A_NIC_IFNAME]));
	}
	if (tb[DENALI_A_NIC_MAC]) {
		if (nla_len(tb[DENALI_A_NIC_MAC]) != NIC_MAC_LEN)
			return -EBADMSG;
		nic->has_mac = true;
		memcpy(nic->mac, nla_data(tb[DENALI_A_NIC_MAC]), NIC_MAC_LEN);
	}
#define NIC_GET(field, attr, get)                   \
	do {                                        \
		if (tb[attr]) {                     \
			nic->has_##field = true;    \
			nic->field = get(tb[attr]); \
		}                                   \
	} while (0)
	NIC_GET(ifindex, DENALI_A_NIC_IFINDEX, nla_get_u32);
	NIC_GET(mtu, DENALI_A_NIC_MTU, nla_get_u32);
	NIC_GET(master, DENALI_A_NIC_MASTER, nla_get_u32);
	NIC_GET(rx_queued, DENALI_A_NIC_RX_QUEUED, nla_get_u32);
	NIC_GET(tx_rejected, DENALI_A_NIC_TX_REJECTED, nla_get_u64);
	NIC_GET(rx_dropped, DENALI_A_NIC_RX_DROPPED, nla_get_u64);
	NIC_GET(rx_filtered, DENALI_A_NIC_RX_FILTERED, nla_get_u64);
#undef NIC_GET
	nic->any_source = tb[DENALI_A_NIC_ANY_SOURCE];
	return 0;
}

/*
 * The NICs of a VM message: every DENALI_A_VM_NIC among its attributes
 * (attrs, len), which nla_parse() would reduce to the last. Returns 0, or
 * -EBADMSG for a malformed nest or more than DENALI_NIC_MAX of them.
 */
int nics_parse(struct nlattr *attrs, int len, struct vm_info *vm)
{
	struct nlattr *a;
	int rem, ret;

	vm->nnics = 0;
	if (!attrs)
		return 0;
	nla_for_each_attr(a, attrs, len, rem) {
		if (nla_type(a) != DENALI_A_VM_NIC)
			continue;
		if (vm->nnics == DENALI_NIC_MAX)
			return -EBADMSG;
		ret = nic_parse(a, &vm->nics[vm->nnics]);
		if (ret)
			return ret;
		vm->nnics++;
	}
	return 0;
}

/* The VM's NIC number index, or NULL. */
const struct nic_info *nic_find(const struct vm_info *vm, uint32_t index)
{
	unsigned int i;

	for (i = 0; i < vm->nnics; i++) {
		if (vm->nics[i].index == index)
			return &vm->nics[i];
	}
	return NULL;
}

const char *nic_mac_str(const uint8_t *mac, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

/* The name of the bridge a NIC is on, or NULL when it is on none or its ifindex has no name here. */
static const char *master_name(const struct nic_info *nic, char *buf)
{
	if (!nic->has_master || !if_indextoname(nic->master, buf))
		return NULL;
	return buf;
}

/* "dnl0 02:00:00:00:00:01 mtu 1500 master br0": what a NIC is, "-" for what the kernel did not say. */
static void print_desc(const struct nic_info *nic)
{
	char mac[24], master[IF_NAMESIZE];

	printf("%s %s mtu ", nic->has_ifname ? nic->ifname : "-",
	       nic->has_mac ? nic_mac_str(nic->mac, mac, sizeof(mac)) : "-");
	if (nic->has_mtu)
		printf("%u", nic->mtu);
	else
		printf("-");
	if (master_name(nic, master))
		printf(" master %s", master);
	else if (nic->has_master)
		printf(" master ifindex %u", nic->master);
}

/*
 * One line of show for a NIC, its label padded to width:
 * "nic 0:      dnl0 02:00:00:00:00:01 mtu 1500 master br0, 0 rx queued,
 * 0 tx rejected, 0 rx dropped, 0 rx filtered" (", any source" after the master when the
 * NIC may send from any address).
 */
void nic_print(const struct nic_info *nic, int width)
{
	char label[16], a[24], b[24], c[24], d[24];

	snprintf(label, sizeof(label), "nic %u:", nic->index);
	printf("%-*s", width, label);
	print_desc(nic);
	printf("%s, %s rx queued, %s tx rejected, %s rx dropped, %s rx filtered\n",
	       nic->any_source ? ", any source" : "",
	       text_num(nic->has_rx_queued, nic->rx_queued, a, sizeof(a)),
	       text_num(nic->has_tx_rejected, nic->tx_rejected, b, sizeof(b)),
	       text_num(nic->has_rx_dropped, nic->rx_dropped, c, sizeof(c)),
	       text_num(nic->has_rx_filtered, nic->rx_filtered, d, sizeof(d)));
}

/* A string member after a comma: ,"key":"s", or ,"key":null when s is NULL. */
static void json_str(const char *key, const char *s)
{
	printf(",\"%s\":", key);
	if (s)
		json_string(stdout, s);
	else
		printf("null");
}

/*
 * The VM's NICs as a JSON array of objects: index, ifname, ifindex, mac,
 * mtu, master (the bridge's name; null when none, or when its ifindex has
 * no name here), master_ifindex, source ("own" or "any"), rx_queued,
 * tx_rejected, rx_dropped, rx_filtered; null for what the kernel did not say.
 */
void nics_json(const struct vm_info *vm)
{
	char mac[24], master[IF_NAMESIZE];
	unsigned int i;

	printf("[");
	for (i = 0; i < vm->nnics; i++) {
		const struct nic_info *nic = &vm->nics[i];

		printf("%s{\"index\":%u", i ? "," : "", nic->index);
		json_str("ifname", nic->has_ifname ? nic->ifname : NULL);
		json_num("ifindex", nic->has_ifindex, nic->ifindex);
		json_str("mac", nic->has_mac ? nic_mac_str(nic->mac, mac, sizeof(mac)) : NULL);
		json_num("mtu", nic->has_mtu, nic->mtu);
		json_str("master", master_name(nic, master));
		json_num("master_ifindex", nic->has_master, nic->master);
		json_str("source", nic->any_source ? "any" : "own");
		json_num("rx_queued", nic->has_rx_queued, nic->rx_queued);
		json_num("tx_rejected", nic->has_tx_rejected, nic->tx_rejected);
		json_num("rx_dropped", nic->has_rx_dropped, nic->rx_dropped);
		json_num("rx_filtered", nic->has_rx_filtered, nic->rx_filtered);
		printf("}");
	}
	printf("]");
}

/* A bit per NIC index the VM has. */
static uint32_t nic_mask(const struct vm_info *vm)
{
	uint32_t mask = 0;
	unsigned int i;

	for (i = 0; i < vm->nnics; i++) {
		if (vm->nics[i].index < 32)
			mask |= 1U << vm->nics[i].index;
	}
	return mask;
}

/*
 * nic_new(), and with -v a line on what was added: the NIC of the reply
 * whose index is not in *known (the indexes the VM had before; updated).
 * Returns 0 or a negative errno (the reason in nl->errmsg).
 */
int nic_add(struct dnl *nl, const char *vm, bool has_id, uint32_t id, const struct nic_spec *spec,
	    uint32_t *known)
{
	struct vm_info reply;
	unsigned int i;
	int ret;

	/* Only -v reads the reply: the NIC exists once the kernel said yes. */
	ret = nic_new(nl, vm, has_id, id, spec, opt_verbose ? &reply : NULL);
	if (opt_verbose)
		vm_info_free(&reply); /* its disks are not needed */
	if (ret || !opt_verbose)
		return ret;
	for (i = 0; i < reply.nnics; i++) {
		const struct nic_info *nic = &reply.nics[i];

		if (nic->index < 32 && (*known & (1U << nic->index)))
			continue;
		printf("added nic %u ", nic->index);
		print_desc(nic);
		printf("\n");
	}
	*known = nic_mask(&reply);
	return 0;
}

/* The whole usage of nic, for --help. */
static void nic_usage(void)
{
	printf("Usage: " PROG_NAME " " NIC_ADD_USAGE "\n"
	       "       " PROG_NAME " " NIC_DEL_USAGE "\n"
	       "       " PROG_NAME " " NIC_LIST_USAGE "\n"
	       "add gives the VM a NIC, a Linux Ethernet device; the items (also for create\n"
	       "--nic) are KEY=VALUE, separated by commas or given as separate arguments,\n"
	       "each at most once, all optional:\n"
	       "  name=IF       its Linux name (default: dnlN, the first N free)\n"
	       "  mac=MAC       xx:xx:xx:xx:xx:xx, unicast (default: random, locally administered)\n"
	       "  bridge=BR     a bridge to join, by name, or by ifindex if BR is a number\n"
	       "  mtu=N         %d to %d (default %d)\n"
	       "  index=N       the guest's NIC number, 0 to %d (default: the lowest free)\n"
	       "  source=S      own (default): the guest may send frames only from the NIC's\n"
	       "                MAC; any: from any address (a guest that bridges)\n"
	       "del removes a NIC, named by its Linux name or its index.\n",
	       DENALI_NIC_MTU_MIN, DENALI_NIC_MTU_MAX, DENALI_NIC_MTU_MAX, DENALI_NIC_MAX - 1);
}

/* nic add VM [ITEMS...] */
static int add_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct nic_spec spec = { 0 };
	struct vm_info vm;
	const char *name;
	struct dnl nl;
	uint32_t known = 0;
	char err[128];
	int c, i, ret;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":vh", options, NULL)) != -1) {
		switch (c) {
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			nic_usage();
			return EXIT_OK;
		default:
			return usage_err(NIC_ADD_USAGE, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_err(NIC_ADD_USAGE, "missing VM");
	name = argv[optind];
	for (i = optind + 1; i < argc; i++) {
		if (nic_spec_parse(argv[i], &spec, err, sizeof(err)))
			return usage_err(NIC_ADD_USAGE, "'%s': %s", argv[i], err);
	}
	if (dnl_open(&nl))
		return EXIT_ERR;
	/* With -v, what the VM has already, to tell the new NIC in the reply. */
	ret = 0;
	if (opt_verbose) {
		ret = vm_get(&nl, name, false, 0, &vm);
		known = nic_mask(&vm);
		vm_info_free(&vm); /* its disks are not needed */
	}
	if (!ret)
		ret = nic_add(&nl, name, false, 0, &spec, &known);
	if (ret)
		dnl_perror(&nl, name, ret);
	dnl_close(&nl);
	return ret ? EXIT_ERR : EXIT_OK;
}

/* nic del VM {IFNAME | index N} */
static int del_main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name, *ifname = NULL;
	struct nl_msg *msg;
	struct dnl nl;
	uint32_t index = 0;
	int c, ret, nargs;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			nic_usage();
			return EXIT_OK;
		default:
			return usage_err(NIC_DEL_USAGE, "unknown option '%s'", argv[optind - 1]);
		}
	}
	nargs = argc - optind;
	if (nargs < 1)
		return usage_err(NIC_DEL_USAGE, "missing VM");
	if (nargs < 2)
		return usage_err(NIC_DEL_USAGE, "missing IFNAME or index N");
	name = argv[optind];
	if (!strcmp(argv[optind + 1], "index")) {
		if (nargs < 3)
			return usage_err(NIC_DEL_USAGE, "missing N after index");
		if (parse_u32(argv[optind + 2], &index) || index >= DENALI_NIC_MAX)
			return usage_err(NIC_DEL_USAGE, "invalid NIC index '%s' (0 to %d)",
					 argv[optind + 2], DENALI_NIC_MAX - 1);
		if (nargs > 3)
			return usage_err(NIC_DEL_USAGE, "unexpected argument '%s'",
					 argv[optind + 3]);
	} else {
		ifname = argv[optind + 1];
		if (ifname_check(ifname))
			return usage_err(NIC_DEL_USAGE, "invalid interface name '%s'", ifname);
		if (nargs > 2)
			return usage_err(NIC_DEL_USAGE, "unexpected argument '%s'",
					 argv[optind + 2]);
	}

	if (dnl_open(&nl))
		return EXIT_ERR;
	msg = dnl_vm_msg(&nl, DENALI_CMD_NIC_DEL, name, false, 0);
	if (msg && (ifname ? nla_put_string(msg, DENALI_A_NIC_IFNAME, ifname) :
			     nla_put_u32(msg, DENALI_A_NIC_INDEX, index))) {
		nlmsg_free(msg);
		msg = NULL;
	}
	ret = msg ? dnl_request(&nl, msg, NULL, NULL) : -ENOMEM;
	if (ret)
		dnl_perror(&nl, name, ret);
	dnl_close(&nl);
	return ret ? EXIT_ERR : EXIT_OK;
}

/* nic list VM [-j]: the NICs as show has them, or a JSON array. */
static void list_nic(const struct vm_info *vm)
{
	unsigned int i;

	if (opt_json) {
		nics_json(vm);
		printf("\n");
	} else {
		for (i = 0; i < vm->nnics; i++)
			nic_print(&vm->nics[i], VM_LABEL_WIDTH);
	}
}

static int list_main_nic(int argc, char **argv)
{
	return vm_show_with(argc, argv, NIC_LIST_USAGE, "VM", list_nic);
}

int nic_main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;

	if (!verb)
		return usage_err(NIC_USAGE, "missing add, del or list");
	if (!strcmp(verb, "-h") || !strcmp(verb, "--help") || !strcmp(verb, "help")) {
		nic_usage();
		return EXIT_OK;
	}
	if (!strcmp(verb, "add"))
		return add_main(argc - 1, argv + 1);
	if (!strcmp(verb, "del"))
		return del_main(argc - 1, argv + 1);
	if (!strcmp(verb, "list"))
		return list_main_nic(argc - 1, argv + 1);
	return usage_err(NIC_USAGE, "unknown nic command '%s' (add, del, list)", verb);
}
