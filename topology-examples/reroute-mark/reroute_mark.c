// lwtemu example: LWT xmit program that marks a packet and asks the kernel to route it again
// (BPF_LWT_REROUTE). With `ip rule add fwmark 1 lookup 100` the second lookup finds table 100 and the
// packet leaves by the other path. A packet that already carries the mark is passed on unchanged
// (BPF_OK), so without the rule the second lookup finds this route again and the packet follows the main
// table instead of rerouting forever.
#include "lwt_common.h"

#define REROUTE_MARK 1

SEC("lwt_xmit/reroute")
int reroute_mark(struct __sk_buff *skb)
{
	if (skb->mark == REROUTE_MARK)
		return BPF_OK;
	skb->mark = REROUTE_MARK;
	return BPF_LWT_REROUTE;
}

char _license[] SEC("license") = "GPL";
