// After the kernel's prog_tests/lwt_redirect.c: LWT xmit programs that bpf_redirect() the packet to another device
// of the router, to its egress (flags 0) or to its ingress (BPF_F_INGRESS: received there as if it had arrived).
// In LwtRedirectTest the target is r1's eth2, ifindex 4.
#include "lwt_common.h"

#define TARGET_IFINDEX 4

SEC("redirect_egress")
int do_redirect_egress(struct __sk_buff *skb)
{
	return bpf_redirect(TARGET_IFINDEX, 0);
}

SEC("redirect_ingress")
int do_redirect_ingress(struct __sk_buff *skb)
{
	return bpf_redirect(TARGET_IFINDEX, BPF_F_INGRESS);
}

char _license[] SEC("license") = "GPL";
