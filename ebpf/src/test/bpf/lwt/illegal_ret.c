// xmit: returns 3, so the packet is dropped with -EINVAL ("bpf-lwt: Illegal return value 3"); redirect_without_target: BPF_REDIRECT without bpf_redirect on xmit is dropped; out_redirect: BPF_REDIRECT on out is treated as BPF_OK.
#include "lwt_common.h"

SEC("lwt_xmit")
int illegal_ret(struct __sk_buff *skb)
{
	return 3;
}

SEC("lwt_xmit")
int redirect_without_target(struct __sk_buff *skb)
{
	return BPF_REDIRECT;
}

SEC("lwt_out")
int out_redirect(struct __sk_buff *skb)
{
	return BPF_REDIRECT;
}

char _license[] SEC("license") = "GPL";
