// Loader test object: a CO-RE field access (relocation recorded in .BTF.ext), which lwtemu rejects.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct hdr {
	__u32 a;
	__u32 b;
} __attribute__((preserve_access_index));

SEC("lwt_xmit")
int core_xmit(struct __sk_buff *skb)
{
	struct hdr *h = (void *)(long)skb->data;
	if ((void *)(h + 1) > (void *)(long)skb->data_end)
		return BPF_DROP;
	skb->mark = h->b;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
