// xmit on an 84-byte IPv4 ping: BPF_OK, mark 42 and priority 7 set, cb[1] written during the run and restored after, trace "len 84 proto 8 cb0 0".
#include "lwt_common.h"

SEC("lwt_xmit")
int set_mark_cb(struct __sk_buff *skb)
{
	bpf_printk("len %u proto %x cb0 %u", skb->len, skb->protocol, skb->cb[0]);
	skb->cb[1] = skb->len;
	skb->mark = 42;
	skb->priority = 7;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
