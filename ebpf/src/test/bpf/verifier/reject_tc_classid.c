// Rejected: __sk_buff.tc_classid is not readable by LWT programs.
#include "common.h"

SEC("lwt_xmit")
int read_classid(struct __sk_buff *skb)
{
	return skb->tc_classid == 7 ? BPF_DROP : BPF_OK;
}

char _license[] SEC("license") = "GPL";
