// lwtemu example: LWT xmit program that sends every packet out of another interface of the router with
// bpf_redirect(ifindex, 0) (egress) and returns its result, BPF_REDIRECT. On r1, lo is ifindex 1 and eth0,
// eth1, eth2 follow in file order, so eth2 (the bottom link) is ifindex 4.
#include "lwt_common.h"

#define BOTTOM_IFINDEX 4

SEC("lwt_xmit/redirect")
int redirect_bottom(struct __sk_buff *skb)
{
	return bpf_redirect(BOTTOM_IFINDEX, 0);
}

// The same to an ifindex r1 does not have: skb_do_redirect finds no device and drops the packet.
SEC("lwt_xmit/redirect_missing")
int redirect_missing(struct __sk_buff *skb)
{
	return bpf_redirect(42, 0);
}

char _license[] SEC("license") = "GPL";
