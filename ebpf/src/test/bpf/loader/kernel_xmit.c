// Kernel harness test object: sets skb->mark and cb[0], rewrites the IPv4 TOS byte on xmit.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("lwt_xmit")
int mark_and_tos(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data;
	if ((void *)(data + 20) > (void *)(long)skb->data_end)
		return BPF_DROP;
	data[1] = 0xb8;          /* TOS: DSCP EF */
	skb->mark = 0x2a + skb->len;
	skb->cb[0] = 0xc0ffee;
	skb->priority = 6;
	return BPF_OK;
}

/* Fails the verifier: reads packet data without a bounds check. */
SEC("lwt_xmit/unchecked")
int unchecked_read(struct __sk_buff *skb)
{
	__u8 *data = (void *)(long)skb->data;
	return data[0] == 0x45 ? BPF_OK : BPF_DROP;
}

char _license[] SEC("license") = "GPL";
