// xmit on IPv4: recomputes the IP header checksum with bpf_csum_diff over the header (check zeroed) and sets mark 1 when it matches the packet's checksum, 2 otherwise; BPF_OK (a valid ping gets mark 1).
#include "lwt_common.h"

static __always_inline __u16 csum_fold(__u32 csum)
{
	csum = (csum & 0xffff) + (csum >> 16);
	csum = (csum & 0xffff) + (csum >> 16);
	return (__u16)~csum;
}

SEC("lwt_xmit")
int check_ip_csum(struct __sk_buff *skb)
{
	struct iphdr iph;
	__u16 want;
	__s64 sum;

	if (bpf_skb_load_bytes(skb, 0, &iph, sizeof(iph)) < 0 || iph.version != 4)
		return BPF_OK;
	want = iph.check;
	iph.check = 0;
	sum = bpf_csum_diff(0, 0, (__be32 *)&iph, sizeof(iph), 0);
	if (sum < 0)
		return BPF_DROP;
	skb->mark = csum_fold((__u32)sum) == want ? 1 : 2;
	return BPF_OK;
}

char _license[] SEC("license") = "GPL";
