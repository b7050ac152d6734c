// xmit on IPv4: TTL lowered by 1 via skb_load_bytes/skb_store_bytes with the IP checksum fixed (l3_csum_replace size 2); a load past the end returns -EFAULT (-14) kept in cb[0] only during the run; mark = 1 when every step behaved, else 2; BPF_OK.
#include "lwt_common.h"

SEC("lwt_xmit")
int ttl_dec(struct __sk_buff *skb)
{
	struct iphdr iph;
	__u16 old_word, new_word;
	__u8 byte;
	long err;

	if (bpf_skb_load_bytes(skb, 0, &iph, sizeof(iph)) < 0 || iph.version != 4 || iph.ttl < 2) {
		skb->mark = 2;
		return BPF_OK;
	}
	err = bpf_skb_load_bytes(skb, skb->len, &byte, 1);
	skb->cb[0] = (__u32)err;
	old_word = *(__u16 *)&iph.ttl;
	iph.ttl--;
	new_word = *(__u16 *)&iph.ttl;
	if (bpf_l3_csum_replace(skb, 10, old_word, new_word, 2) < 0 ||
	    bpf_skb_store_bytes(skb, 8, &iph.ttl, 1, BPF_F_INVALIDATE_HASH) < 0) {
		skb->mark = 2;
		return BPF_OK;
	}
	skb->mark = err == -14 ? 1 : 2;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
