/* A VM's virtual NICs in denalictl: the NIC option syntax, NIC_NEW and NIC_DEL, text and JSON. */
#ifndef DENALICTL_NIC_H
#define DENALICTL_NIC_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <linux/denali.h>

struct dnl;
struct vm_info;

#define NIC_MAC_LEN 6

/* A NIC to add, as --nic or "nic add" describe it; has_* say what was given. */
struct nic_spec {
	char ifname[IFNAMSIZ];
	uint8_t mac[NIC_MAC_LEN];
	uint32_t mtu, index;
	char master_name[IFNAMSIZ]; /* bridge=NAME */
	uint32_t master; /* bridge=IFINDEX */
	bool any_source; /* source=any */
	bool has_ifname, has_mac, has_mtu, has_index, has_master_name, has_master, has_source;
};

/* One NIC as the kernel reported it (a DENALI_A_VM_NIC nest). */
struct nic_info {
	uint32_t index, ifindex, mtu, master, rx_queued;
	uint64_t tx_rejected, rx_dropped, rx_filtered;
	uint8_t mac[NIC_MAC_LEN];
	char ifname[IFNAMSIZ];
	bool any_source;
	bool has_ifindex, has_mtu, has_master, has_rx_queued, has_tx_rejected, has_rx_dropped,
	     has_rx_filtered;
	bool has_mac, has_ifname;
};

/* The option syntax, for usage texts. */
#define NIC_SPEC_SYNTAX "[name=IF][,mac=MAC][,bridge=BR][,mtu=N][,index=N][,source=own|any]"

int nic_spec_parse(const char *s, struct nic_spec *spec, char *err, size_t len);
int nic_new(struct dnl *nl, const char *vm, bool has_id, uint32_t id, const struct nic_spec *spec,
	    struct vm_info *reply);
int nic_add(struct dnl *nl, const char *vm, bool has_id, uint32_t id, const struct nic_spec *spec,
	    uint32_t *known);
int nics_parse(struct nlattr *attrs, int len, struct vm_info *vm);
const struct nic_info *nic_find(const struct vm_info *vm, uint32_t index);
const char *nic_mac_str(const uint8_t *mac, char *buf, size_t len);
void nic_print(const struct nic_info *nic, int width);
void nics_json(const struct vm_info *vm);

#endif /* DENALICTL_NIC_H */
