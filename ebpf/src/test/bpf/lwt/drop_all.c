// any packet on any hook: BPF_DROP, the packet is freed with -EPERM (ping gets no reply).
#include "lwt_common.h"

SEC("lwt_in")
int drop_in(struct __sk_buff *skb)
{
	return BPF_DROP;
}

SEC("lwt_out")
int drop_out(struct __sk_buff *skb)
{
	return BPF_DROP;
}

SEC("lwt_xmit")
int drop_xmit(struct __sk_buff *skb)
{
	return BPF_DROP;
}

char _license[] SEC("license") = "GPL";
