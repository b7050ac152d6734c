// lwtemu example: drops every packet it sees (BPF_DROP -> -EPERM, the kernel frees the skb).
// Attach it to a route to watch pings fail with `bpf_drop` in the report.
#include "lwt_common.h"

SEC("lwt_xmit/drop")
int drop_all(struct __sk_buff *skb)
{
	return BPF_DROP;
}

char _license[] SEC("license") = "GPL";
