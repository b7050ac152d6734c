// variants: v1 v4
// Accepted: xmit program that rewrites the IPv4 destination with a direct packet write and recomputes
// the header checksum in a bounded loop (unrolled and not unrolled variants), like test_lwt_bpf's rewrite.
#include "common.h"

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

SEC("lwt_xmit")
int rewrite_unrolled(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	__u16 *words = data;
	__u32 sum = 0;

	if ((void *)(ip + 1) > data_end)
		return BPF_OK;
	if (ip->version != 4 || ip->ihl != 5)
		return BPF_OK;
	ip->daddr = bpf_htonl(0x0a000003);
	ip->check = 0;
#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += words[i];
	ip->check = csum_fold(sum);
	return BPF_OK;
}

SEC("lwt_xmit")
int rewrite_loop(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data;
	__u16 *words = data;
	__u32 sum = 0;

	if ((void *)(ip + 1) > data_end)
		return BPF_OK;
	ip->ttl--;
	ip->check = 0;
#pragma clang loop unroll(disable)
	for (int i = 0; i < 10; i++)
		sum += words[i];
	ip->check = csum_fold(sum);
	return BPF_OK;
}

/* Sums the whole linear packet, 2 bytes at a time, up to 1500 bytes: a loop bounded by a constant
 * whose body re-checks data_end every iteration. */
SEC("lwt_in")
int sum_payload(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	__u32 sum = 0;

	for (int i = 0; i < 750; i++) {
		__u16 *p = data + i * 2;
		if ((void *)(p + 1) > data_end)
			break;
		sum += *p;
	}
	skb->cb[0] = csum_fold(sum);
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
