// After the kernel's prog_tests/empty_skb.c: an LWT xmit program that clone-redirects the packet to ifindex 1 and
// returns what bpf_clone_redirect returned, so a test run shows the helper's error for an empty packet.
#include "lwt_common.h"

SEC("lwt_xmit")
int empty_skb(struct __sk_buff *skb)
{
	return bpf_clone_redirect(skb, 1, 0);
}

char _license[] SEC("license") = "GPL";
